from django.urls import reverse

from accounts import policy
from costs.calculation import last_financial_year


def navigation(request):
    """Service navigation items for the signed-in user's role: (label, url, is_current)."""
    user = getattr(request, "user", None)
    # No menu before the second step of signing in: none of its pages would open yet.
    if user is None or not user.is_authenticated or getattr(user, "otp_device", None) is None:
        return {"service_navigation": []}
    items = [("Home", reverse("home"))]
    if policy.has_capability(user, policy.VIEW_PERSONAL_DATA):
        # Someone working in one prison goes straight to its people.
        codes = list(policy.prisons_for(user).values_list("code", flat=True)[:2])
        if len(codes) == 1:
            items.append(("Buddies", reverse("buddy-list", args=codes)))
            items.append(("People supported", reverse("recipient-list", args=codes)))
            if policy.has_capability(user, policy.RECORD_ACTIVITY):
                items.append(("Sessions", reverse("week-sheet-current", args=codes)))
    if policy.has_capability(user, policy.REVIEW_CARE_PLANS):
        items.append(("Reviews", reverse("review-queue")))
    if policy.has_capability(user, policy.VIEW_AGGREGATES):
        items.append(("Prisons", reverse("prison-list")))
        items.append(("Costs", reverse("cost-comparison", args=[last_financial_year()])))
        items.append(("Monitoring", reverse("monitoring-comparison")))
    if policy.has_capability(user, policy.ADMINISTER):
        items.append(("Unit costs", reverse("unit-costs")))
        items.append(("Questionnaires", reverse("instrument-list")))
        items.append(("Audit log", reverse("audit-log")))
    items.append(("Help", reverse("help")))
    # The current item is the one whose address is the longest start of this page's address.
    path = request.path
    matching = [
        url for _label, url in items if path == url or (url != "/" and path.startswith(url))
    ]
    current = max(matching, key=len, default=None)
    return {"service_navigation": [(label, url, url == current) for label, url in items]}
