from django.urls import reverse

from accounts import policy


def navigation(request):
    """Service navigation items for the signed-in user's role: (label, url, is_current)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"service_navigation": []}
    items = [("Home", reverse("home"))]
    if policy.has_capability(user, policy.VIEW_AGGREGATES):
        items.append(("Prisons", reverse("prison-list")))
    items.append(("Help", reverse("help")))
    path = request.path
    return {
        "service_navigation": [
            (label, url, path == url if url == "/" else path.startswith(url))
            for label, url in items
        ]
    }
