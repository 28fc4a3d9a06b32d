import datetime as dt
import math
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Pool:
    """A prison's buddies against the people who need them, for succession planning."""

    active: int
    meeting_conditions: int  # active and meeting every condition PeerCare can check
    offered: int  # appointed, not yet started: the pool to draw on
    suspended: int
    people_supported: int
    recipients_per_buddy: int

    @property
    def needed(self) -> int:
        """Fit-to-work buddies needed: one for every `recipients_per_buddy` people, rounded up."""
        return math.ceil(self.people_supported / self.recipients_per_buddy)

    @property
    def short_by(self) -> int:
        return max(self.needed - self.meeting_conditions, 0)


def buddy_pool(prison, on: dt.date | None = None) -> Pool:
    """Counts for one prison in two aggregate queries."""
    from recipients.models import Recipient

    counts = Buddy.objects.filter(prison=prison).aggregate(
        active=Count("pk", filter=Q(status=BuddyStatus.ACTIVE)),
        meeting_conditions=Count("pk", filter=fit_to_work_q()),
        offered=Count("pk", filter=Q(status=BuddyStatus.OFFERED)),
        suspended=Count("pk", filter=Q(status=BuddyStatus.SUSPENDED)),
    )
    people = Recipient.objects.filter(prison=prison).supported(on).count()
    return Pool(
        **counts, people_supported=people, recipients_per_buddy=prison.scheme.recipients_per_buddy
    )
