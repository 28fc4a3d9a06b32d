import datetime as dt

from django.db.models import Max, Q
from django.utils import timezone

from buddies.constants import BuddyStatus
from buddies.models import Buddy
from governance.training import VALID, TrainingContext

EXPIRING_DAYS = 60


def governance_todo_counts(user, today: dt.date | None = None) -> dict[int, dict[str, int]]:
    """Per prison: active buddies overdue for supervision (past the prison's limit, counting from
    their start when never supervised) and active buddies with a mandatory module expiring in the
    next 60 days. A fixed number of queries."""
    today = today or timezone.localdate()
    buddies = list(
        Buddy.objects.for_user(user)
        .filter(status=BuddyStatus.ACTIVE)
        .select_related("prison__scheme")
        .annotate(
            last_supervised=Max("supervisions__date", filter=Q(supervisions__date__lte=today))
        )
    )
    training = TrainingContext.load([b.pk for b in buddies], {b.prison_id for b in buddies})
    soon = today + dt.timedelta(days=EXPIRING_DAYS)
    counts: dict[int, dict[str, int]] = {}
    for buddy in buddies:
        row = counts.setdefault(buddy.prison_id, {"supervision_overdue": 0, "training_expiring": 0})
        since = buddy.last_supervised or buddy.started_on
        if since is None or (today - since).days > buddy.prison.scheme.supervision_limit_days:
            row["supervision_overdue"] += 1
        if any(
            s.status == VALID and s.expires_on and s.expires_on <= soon
            for s in training.states(buddy, today)
        ):
            row["training_expiring"] += 1
    return counts
