from django import template
from django.conf import settings

from accounts.durations import describe

register = template.Library()


@register.inclusion_tag("includes/timeout_warning.html", takes_context=True)
def timeout_warning(context):
    """The warning shown before the idle timeout (accounts.sessions), for signed-in pages.

    The page's own request was activity, so the full idle timeout is left when it loads; the
    timings travel as data attributes so that tests can shorten them through settings."""
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "idle_seconds": int(settings.PEERCARE_SESSION_IDLE_TIMEOUT.total_seconds()),
        "warning_seconds": int(settings.PEERCARE_SESSION_WARNING.total_seconds()),
        "warning_words": describe(settings.PEERCARE_SESSION_WARNING),
    }
