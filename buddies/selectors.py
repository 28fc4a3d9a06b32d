import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from buddies.constants import RECRUITMENT_STEPS, BuddyStatus, Outcome
from buddies.models import Buddy, Session
from buddies.rules import fit_on, fit_to_work_q, untrained_buddy_ids
from governance.training import TrainingContext


def buddy_todo_counts(user) -> dict[int, dict[str, int]]:
    """Per prison the user may see people in: active buddies not fit to work, and people being recruited.

    One aggregate query, whatever the number of prisons.
    """
    buddies = Buddy.objects.for_user(user)
    untrained = untrained_buddy_ids(buddies.filter(status=BuddyStatus.ACTIVE))
    rows = (
        buddies.values("prison_id")
        .annotate(
            not_fit=Count(
                "pk", filter=Q(status=BuddyStatus.ACTIVE) & (~fit_to_work_q() | Q(pk__in=untrained))
            ),
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

    buddies = Buddy.objects.filter(prison=prison)
    untrained = untrained_buddy_ids(buddies.filter(status=BuddyStatus.ACTIVE), on)
    counts = buddies.aggregate(
        active=Count("pk", filter=Q(status=BuddyStatus.ACTIVE)),
        meeting_conditions=Count("pk", filter=fit_to_work_q() & ~Q(pk__in=untrained)),
        offered=Count("pk", filter=Q(status=BuddyStatus.OFFERED)),
        suspended=Count("pk", filter=Q(status=BuddyStatus.SUSPENDED)),
    )
    people = Recipient.objects.filter(prison=prison).supported(on).count()
    return Pool(
        **counts, people_supported=people, recipients_per_buddy=prison.scheme.recipients_per_buddy
    )


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def minutes_by_week(
    sessions, mondays: list[dt.date], *, group: str
) -> dict[int, dict[dt.date, int]]:
    """Delivered minutes per `group` (e.g. "buddy_id") and ISO week, for the given weeks."""
    start, end = min(mondays), max(mondays) + dt.timedelta(days=6)
    rows = (
        sessions.filter(outcome=Outcome.DELIVERED, date__range=(start, end))
        .annotate(week=TruncWeek("date"))
        .values(group, "week")
        .annotate(minutes=Sum("minutes"))
        .order_by()
    )
    result: dict[int, dict[dt.date, int]] = {}
    for row in rows:
        week = row["week"].date() if isinstance(row["week"], dt.datetime) else row["week"]
        result.setdefault(row[group], {})[week] = row["minutes"]
    return result


@dataclass
class Workload:
    weeks: list[tuple[dt.date, int]]  # (Monday, delivered minutes), newest first
    clients: int
    max_hours: int
    max_clients: int

    @property
    def over_hours(self) -> list[dt.date]:
        return [monday for monday, minutes in self.weeks if minutes > self.max_hours * 60]

    @property
    def over_clients(self) -> bool:
        return self.clients > self.max_clients


def buddy_workload(buddy, today: dt.date | None = None, weeks: int = 5) -> Workload:
    """This week and the four before it, and the people supported now (two queries)."""
    today = today or timezone.localdate()
    mondays = [monday_of(today) - dt.timedelta(weeks=n) for n in range(weeks)]
    minutes = minutes_by_week(Session.objects.filter(buddy=buddy), mondays, group="buddy_id").get(
        buddy.pk, {}
    )
    scheme = buddy.prison.scheme
    return Workload(
        weeks=[(monday, minutes.get(monday, 0)) for monday in mondays],
        clients=buddy.assignments.open_on(today).count(),
        max_hours=scheme.max_hours_per_week,
        max_clients=scheme.max_clients_per_buddy,
    )


def missed_by_week(sessions, mondays: list[dt.date]) -> list[tuple[dt.date, dict[str, int]]]:
    """Missed sessions per ISO week and reason, newest week first."""
    start, end = min(mondays), max(mondays) + dt.timedelta(days=6)
    rows = (
        sessions.exclude(outcome=Outcome.DELIVERED)
        .filter(date__range=(start, end))
        .annotate(week=TruncWeek("date"))
        .values("week", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    table: dict[dt.date, dict[str, int]] = {monday: {} for monday in mondays}
    for row in rows:
        week = row["week"].date() if isinstance(row["week"], dt.datetime) else row["week"]
        table[week][row["outcome"]] = row["n"]
    return sorted(table.items(), reverse=True)


def activity_todo_counts(user, today: dt.date | None = None) -> dict[int, dict[str, int]]:
    """Per prison: sessions by buddies not fit to work and sessions with tasks off the plan in the
    last 4 weeks, sessions missed last week (in all, and by reason as "missed_last_week:<reason>"),
    and buddies over their hours or clients limit. A fixed number of queries."""
    from accounts.policy import prisons_for
    from governance.models import Scheme
    from recipients.models import Assignment

    today = today or timezone.localdate()
    last_monday = monday_of(today) - dt.timedelta(weeks=1)
    sessions = Session.objects.for_user(user)
    counts: dict[int, dict[str, int]] = {}

    def add(prison_id, key, n):
        counts.setdefault(prison_id, {})[key] = counts.get(prison_id, {}).get(key, 0) + n

    # Sessions given by a buddy who was not fit to work on the day: counted per buddy and day,
    # each day judged on the records as they stood then, training included.
    worked = list(
        sessions.filter(
            buddy__isnull=False, date__gte=today - dt.timedelta(days=27), date__lte=today
        )
        .values("prison_id", "buddy_id", "date")
        .annotate(n=Count("pk"))
        .order_by()
    )
    workers = Buddy.objects.in_bulk({row["buddy_id"] for row in worked})
    training = TrainingContext.load(list(workers), {row["prison_id"] for row in worked})
    for row in worked:
        if not fit_on(workers[row["buddy_id"]], row["date"], training):
            add(row["prison_id"], "sessions_by_unfit", row["n"])
    missed = (
        sessions.exclude(outcome=Outcome.DELIVERED)
        .filter(date__range=(last_monday, last_monday + dt.timedelta(days=6)))
        .values("prison_id", "outcome")
        .annotate(n=Count("pk"))
        .order_by("prison_id", "outcome")
    )
    for row in missed:
        add(row["prison_id"], "missed_last_week", row["n"])
        add(row["prison_id"], f"missed_last_week:{row['outcome']}", row["n"])
    off_plan = (
        sessions.filter(date__gte=today - dt.timedelta(days=27), date__lte=today)
        .exclude(off_plan_reason="")
        .values("prison_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in off_plan:
        add(row["prison_id"], "off_plan", row["n"])
    limits = {
        s.prison_id: (s.max_hours_per_week, s.max_clients_per_buddy)
        for s in Scheme.objects.filter(prison__in=prisons_for(user))
    }
    over: dict[int, set[int]] = {}
    hours = (
        sessions.filter(
            buddy__isnull=False,
            outcome=Outcome.DELIVERED,
            date__range=(last_monday, last_monday + dt.timedelta(days=6)),
        )
        .values("prison_id", "buddy_id")
        .annotate(minutes=Sum("minutes"))
        .order_by()
    )
    for row in hours:
        if row["minutes"] > limits[row["prison_id"]][0] * 60:
            over.setdefault(row["prison_id"], set()).add(row["buddy_id"])
    clients = (
        Assignment.objects.for_user(user)
        .open_on(today)
        .values("recipient__prison_id", "buddy_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in clients:
        if row["n"] > limits[row["recipient__prison_id"]][1]:
            over.setdefault(row["recipient__prison_id"], set()).add(row["buddy_id"])
    for prison_id, buddy_ids in over.items():
        add(prison_id, "over_limit", len(buddy_ids))
    return counts
