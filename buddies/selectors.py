from django.db.models import Count, Q

from buddies.constants import RECRUITMENT_STEPS, BuddyStatus
from buddies.models import Buddy
from buddies.rules import fit_to_work_q


def buddy_todo_counts(user) -> dict[int, dict[str, int]]:
    """Per prison the user may see people in: active buddies not fit to work, and people being recruited.

    One aggregate query, whatever the number of prisons.
    """
    rows = (
        Buddy.objects.for_user(user)
        .values("prison_id")
        .annotate(
            not_fit=Count("pk", filter=Q(status=BuddyStatus.ACTIVE) & ~fit_to_work_q()),
            recruiting=Count("pk", filter=Q(status__in=RECRUITMENT_STEPS)),
        )
        .order_by()
    )
    return {row.pop("prison_id"): row for row in rows}
