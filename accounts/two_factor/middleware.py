from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from rest_framework.views import APIView

from accounts import two_factor

# The steps of signing in and out, which a user who has given only their password must reach.
TWO_FACTOR_STEPS = {
    "sign-out",
    "session-keep-alive",  # the timeout warning's "Stay signed in", on these steps' pages too
    "two-factor-set-up",
    "two-factor-verify",
    "two-factor-recovery",
}


class RequireTwoFactor:
    """No page for a user who has given only their password: they are sent to set up an
    authenticator app (first sign-in, or after a reset) or to enter a code, and come back to the
    page they asked for. Installed after django-otp's OTPMiddleware, which knows whether this
    session has passed the second step (`request.user.is_verified()`), after Django's
    LoginRequiredMiddleware, which has already sent everyone not signed in to sign in, and after
    the session timeouts (accounts.sessions), which have signed out a session past its time.

    One rule for every view, present and future, as for signing in: a view is open to a
    password-only session only if it is one of TWO_FACTOR_STEPS or open to everyone
    (`login_not_required`: sign-in, help, accessibility, privacy). The API's views are open to
    token holders; for them a password-only browser session is treated as no session at all, so
    the API answers 401/403 in its own way rather than with a redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.url_name in TWO_FACTOR_STEPS:
            return None
        if not getattr(view_func, "login_required", True):
            view_class = getattr(view_func, "cls", None)
            if isinstance(view_class, type) and issubclass(view_class, APIView):
                request.user = AnonymousUser()
            return None
        step = "two-factor-verify" if two_factor.authenticator(user) else "two-factor-set-up"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
