"""How long a signed-in session lasts (OWASP ASVS 3.3.1, 3.3.2).

A session ends after PEERCARE_SESSION_IDLE_TIMEOUT (30 minutes) without a request, and
PEERCARE_SESSION_ABSOLUTE_TIMEOUT (12 hours) after signing in whatever the activity. The next
request after either is signed out and sent to the sign-in page, which says why. A page warns
PEERCARE_SESSION_WARNING (2 minutes) before the first and lets the person stay signed in
(templates/includes/timeout_warning.html); without JavaScript these limits still hold.

Only sessions are timed: the API's token requests carry no session and are not touched.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.utils import timezone

from accounts.durations import describe

SIGNED_IN_AT = "peercare_signed_in_at"
LAST_ACTIVE_AT = "peercare_last_active_at"


def _now() -> float:
    return timezone.now().timestamp()


@receiver(user_logged_in, dispatch_uid="accounts.sessions.start_the_clocks")
def start_the_clocks(sender, request, user, **kwargs):
    now = _now()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_ACTIVE_AT] = now


def _expired(session, now: float) -> str | None:
    """Why this session has ended, or None while it lasts. A limit is reached at its very
    instant: 30 minutes of idleness is already too long."""
    idle = settings.PEERCARE_SESSION_IDLE_TIMEOUT
    absolute = settings.PEERCARE_SESSION_ABSOLUTE_TIMEOUT
    if now - session[SIGNED_IN_AT] >= absolute.total_seconds():
        return f"You were signed out after {describe(absolute)}. Sign in again to carry on."
    if now - session[LAST_ACTIVE_AT] >= idle.total_seconds():
        return (
            f"You were signed out because you had not done anything for {describe(idle)}. "
            "Sign in again to carry on."
        )
    return None


class SessionTimeouts:
    """Ends a signed-in session past either limit; otherwise notes the request as activity.

    It works in process_view, where the view is known: a page that needs signing in is
    redirected to the sign-in page (which returns to it afterwards); a view open to anyone
    (the sign-in page itself, help, the API, which answers 401 in its own shape) goes on as
    for someone not signed in. Either way the reason is shown as a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        session = request.session
        now = _now()
        if SIGNED_IN_AT not in session or LAST_ACTIVE_AT not in session:
            # Every sign-in sets both (start_the_clocks); a session without them predates these
            # limits, and they start from now.
            session[SIGNED_IN_AT] = session.get(SIGNED_IN_AT, now)
            session[LAST_ACTIVE_AT] = now
            return None
        reason = _expired(session, now)
        if reason is None:
            session[LAST_ACTIVE_AT] = now
            return None
        logout(request)
        messages.info(request, reason)
        if getattr(view_func, "login_required", True):
            return redirect_to_login(request.get_full_path())
        return None
