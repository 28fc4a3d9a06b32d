"""Recording sessions of buddy support: the rules (PSI 8, 11, 12) and the writes.

Both the quick log (one session) and the weekly sheet (a week at once) go through `check_session`
with a `SessionContext` loaded once for the prison and period, so a week of several hundred cells
is checked with a fixed number of queries, and saved all-or-nothing.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from buddies.constants import BuddyStatus, Outcome, Period
from buddies.models import Buddy, MissedReason, Session
from buddies.rules import fit_to_work
from common.formatting import govuk_date
from governance.constants import TaskKind
from governance.models import Prison, Task
from governance.training import TrainingContext

PERIOD_WORDS = {Period.AM: "morning", Period.PM: "afternoon", Period.EVE: "evening"}


@dataclass
class SessionContext:
    """What the rules need to know about a prison over some dates, loaded in a few queries."""

    prison: Prison
    allowed_codes: set[str]
    buddies: dict[int, Buddy]
    assignments: dict[tuple[int, int], list[tuple[dt.date, dt.date | None]]]
    plans: dict[
        int, list[tuple[dt.date, set[str]]]
    ]  # recipient: [(starts_on, task codes)], newest first
    tasks: dict[str, Task]
    training: TrainingContext

    @classmethod
    def load(cls, prison: Prison, start: dt.date, end: dt.date) -> "SessionContext":
        from recipients.constants import PlanState
        from recipients.models import Assignment, CarePlan

        assignments = defaultdict(list)
        for a in Assignment.objects.filter(recipient__prison=prison, started_on__lte=end).exclude(
            ended_on__lt=start
        ):
            assignments[(a.buddy_id, a.recipient_id)].append((a.started_on, a.ended_on))
        plans = defaultdict(list)
        approved = (
            CarePlan.objects.filter(
                recipient__prison=prison, state__in=[PlanState.APPROVED, PlanState.SUPERSEDED]
            )
            .order_by("-starts_on")
            .prefetch_related("tasks")
        )
        for plan in approved:
            plans[plan.recipient_id].append((plan.starts_on, {t.code for t in plan.tasks.all()}))
        buddies = {b.pk: b for b in Buddy.objects.filter(prison=prison)}
        return cls(
            prison=prison,
            allowed_codes={t.code for t in prison.scheme.allowed_tasks()},
            buddies=buddies,
            training=TrainingContext.load(list(buddies), [prison.pk]),
            assignments=dict(assignments),
            plans=dict(plans),
            tasks={t.code: t for t in Task.objects.all()},
        )

    def assigned(self, buddy_id: int, recipient_id: int, on: dt.date) -> bool:
        return any(
            start <= on and (end is None or on <= end)
            for start, end in self.assignments.get((buddy_id, recipient_id), [])
        )

    def plan_tasks(self, recipient_id: int, on: dt.date) -> set[str] | None:
        """Task codes of the plan current on a date (the latest approved starting on or before)."""
        for starts_on, codes in self.plans.get(recipient_id, []):
            if starts_on <= on:
                return codes
        return None


@dataclass
class SessionInput:
    date: dt.date
    period: str
    recipient_id: int
    minutes: int
    buddy_id: int | None = None
    helper_prison_number: str = ""
    task_codes: list[str] = field(default_factory=list)
    outcome: str = Outcome.DELIVERED
    missed_reason: MissedReason | None = None
    informal: bool = False
    paid: bool | None = None  # None: the prison's default for this outcome
    off_plan_reason: str = ""


def default_paid(prison: Prison, outcome: str) -> bool:
    """Delivered sessions are paid; so are those the regime cancelled where the prison pays them."""
    if outcome == Outcome.DELIVERED:
        return True
    return (
        outcome == Outcome.MISSED_REGIME_LOCKDOWN and prison.scheme.pays_regime_cancelled_sessions
    )


def check_session(
    ctx: SessionContext, entry: SessionInput
) -> tuple[dict[str, list[str]], list[str]]:
    """The errors (by field) and warnings for one session. Nothing is read from the database."""
    errors: dict[str, list[str]] = defaultdict(list)
    warnings: list[str] = []
    when = f"{govuk_date(entry.date)} ({PERIOD_WORDS.get(entry.period, entry.period)})"
    if entry.date > timezone.localdate():
        errors["date"].append("The date must be today or in the past")
    if entry.period not in Period.values:
        errors["period"].append("Choose morning, afternoon or evening")
    if entry.outcome not in Outcome.values:
        errors["outcome"].append("Choose delivered or a reason it was missed")
    if entry.outcome == Outcome.DELIVERED and not 1 <= entry.minutes <= 600:
        errors["minutes"].append("Enter the minutes of help, from 1 to 600")
    if entry.outcome != Outcome.DELIVERED and not 0 <= entry.minutes <= 600:
        errors["minutes"].append("Enter the minutes that were planned, from 0 to 600")

    buddy = ctx.buddies.get(entry.buddy_id) if entry.buddy_id else None
    if entry.buddy_id and buddy is None:
        errors["buddy"].append("Choose a buddy from this prison")
    if not entry.informal:
        if buddy is None and not entry.buddy_id:
            errors["buddy"].append("Choose the buddy, or mark this as informal help")
        elif buddy is not None:
            employed = (
                buddy.started_on is not None
                and buddy.started_on <= entry.date
                and (buddy.ended_on is None or entry.date <= buddy.ended_on)
            )
            if buddy.status == BuddyStatus.SUSPENDED:
                errors["buddy"].append(f"{buddy.full_name} is suspended")
            elif buddy.status not in {BuddyStatus.ACTIVE, BuddyStatus.LEFT} or not employed:
                errors["buddy"].append(f"{buddy.full_name} was not working as a buddy on {when}")
            elif not ctx.assigned(buddy.pk, entry.recipient_id, entry.date):
                errors["buddy"].append(
                    f"{buddy.full_name} was not assigned to this person on {govuk_date(entry.date)}: "
                    "assign them first, or record it as informal help"
                )
            else:
                for condition in fit_to_work(buddy, training=ctx.training, on=entry.date).unmet:
                    warnings.append(
                        f"{buddy.full_name} is not fit to work: {condition.label.lower()} is not met"
                    )

    unknown = [code for code in entry.task_codes if code not in ctx.tasks]
    if unknown:
        errors["tasks"].append(f"{', '.join(unknown)} is not a task on the national list")
    chosen = [ctx.tasks[code] for code in entry.task_codes if code in ctx.tasks]
    for task in chosen:
        if task.kind == TaskKind.FORBIDDEN:
            errors["tasks"].append(
                f"{task.label} is never allowed for a buddy: {task.why_not_allowed} (PSI requirement 8). "
                "If it happened, record it as an incident (boundary crossed)."
            )
        elif task.code not in ctx.allowed_codes:
            errors["tasks"].append(f"{task.label} is not switched on for {ctx.prison.name}")
    plan = ctx.plan_tasks(entry.recipient_id, entry.date)
    off_plan = [
        t
        for t in chosen
        if t.kind != TaskKind.FORBIDDEN and plan is not None and t.code not in plan
    ]
    if off_plan and not entry.off_plan_reason.strip():
        errors["off_plan_reason"].append(
            f"{', '.join(t.label for t in off_plan)} {'is' if len(off_plan) == 1 else 'are'} not on "
            "this person's care plan: say why"
        )
    if entry.informal:
        warnings.append(
            "Informal help that becomes regular must be referred to the local authority (PSI requirement 12)"
        )
    return dict(errors), warnings


def _to_session(ctx: SessionContext, entry: SessionInput, user) -> Session:
    return Session(
        prison=ctx.prison,
        date=entry.date,
        period=entry.period,
        buddy_id=entry.buddy_id,
        helper_prison_number=entry.helper_prison_number,
        recipient_id=entry.recipient_id,
        minutes=entry.minutes,
        outcome=entry.outcome,
        missed_reason=entry.missed_reason,
        informal=entry.informal,
        paid=default_paid(ctx.prison, entry.outcome) if entry.paid is None else entry.paid,
        off_plan_reason=entry.off_plan_reason.strip(),
        logged_by=user,
        logged_at=timezone.now(),
    )


def _duplicate_message(existing: Session) -> str:
    who = existing.logged_by or "an import"
    return (
        f"There is already a session for this buddy and person on {govuk_date(existing.date)} "
        f"({PERIOD_WORDS[existing.period]}), logged by {who}: change that one instead"
    )


@transaction.atomic
def session_record(*, prison: Prison, user, entry: SessionInput) -> tuple[Session, list[str]]:
    """Record one session (the quick log). Refused with field errors; warnings come back."""
    ctx = SessionContext.load(prison, entry.date, entry.date)
    errors, warnings = check_session(ctx, entry)
    if entry.informal and not entry.buddy_id:
        duplicate = Session.objects.filter(
            buddy__isnull=True,
            recipient_id=entry.recipient_id,
            date=entry.date,
            period=entry.period,
            helper_prison_number=entry.helper_prison_number,
        ).exists()
        if duplicate:
            errors.setdefault("period", []).append(
                "Informal help by this helper is already recorded for this person then: give the "
                "helper's prison number to record a different helper"
            )
    if entry.buddy_id and "buddy" not in errors:
        existing = (
            Session.objects.filter(
                buddy_id=entry.buddy_id,
                recipient_id=entry.recipient_id,
                date=entry.date,
                period=entry.period,
            )
            .select_related("logged_by")
            .first()
        )
        if existing:
            errors.setdefault("period", []).append(_duplicate_message(existing))
    if errors:
        raise ValidationError(errors)
    session = _to_session(ctx, entry, user)
    session.full_clean(exclude=["tasks"])
    session.save()
    session.tasks.set([ctx.tasks[code] for code in entry.task_codes])
    return session, warnings


@dataclass
class WeekResult:
    created: int = 0
    changed: int = 0
    removed: int = 0
    delivered: int = 0  # in the whole week after saving
    missed: int = 0


@transaction.atomic
def week_save(
    *, prison: Prison, user, monday: dt.date, entries: dict[tuple, SessionInput | None]
) -> WeekResult:
    """Save the changed cells of a week's grid in one go. `entries` maps (buddy_id, recipient_id,
    date, period) to what the cell now says (None: no session). Every changed cell is checked first;
    any error saves nothing. Cells not in `entries` are left as they are."""
    sunday = monday + dt.timedelta(days=6)
    ctx = SessionContext.load(prison, monday, sunday)
    errors: dict[tuple, dict[str, list[str]]] = {}
    for key, entry in entries.items():
        if entry is None:
            continue
        if not monday <= entry.date <= sunday:
            errors[key] = {"date": ["This date is not in the week"]}
            continue
        cell_errors, _warnings = check_session(ctx, entry)
        if cell_errors:
            errors[key] = cell_errors
    if errors:
        raise WeekInvalid(errors)

    existing = {
        (s.buddy_id, s.recipient_id, s.date, s.period): s
        for s in Session.objects.filter(prison=prison, buddy__isnull=False)
        .in_week(monday)
        .prefetch_related("tasks")
    }
    result = WeekResult()
    to_create, task_links = [], []
    for key, entry in entries.items():
        current = existing.get(key)
        if entry is None:
            if current is not None:
                current.delete()
                result.removed += 1
            continue
        fresh = _to_session(ctx, entry, user)
        if current is None:
            to_create.append((fresh, entry.task_codes))
            continue
        same = (
            current.minutes == fresh.minutes
            and current.outcome == fresh.outcome
            and current.paid == fresh.paid
            and current.missed_reason_id == fresh.missed_reason_id
            and {t.code for t in current.tasks.all()} == set(entry.task_codes)
        )
        if not same:
            for name in ["minutes", "outcome", "paid", "missed_reason"]:
                setattr(current, name, getattr(fresh, name))
            current.logged_by, current.logged_at = user, fresh.logged_at
            current.save()
            current.tasks.set([ctx.tasks[code] for code in entry.task_codes])
            result.changed += 1
    if to_create:
        created = bulk_create_with_history(
            [s for s, _codes in to_create], Session, default_user=user
        )
        through = Session.tasks.through
        for session, (_fresh, codes) in zip(created, to_create, strict=True):
            task_links += [through(session_id=session.pk, task_id=code) for code in codes]
        through.objects.bulk_create(task_links)
        result.created = len(created)
    week = Session.objects.filter(prison=prison, buddy__isnull=False).in_week(monday)
    result.delivered = week.filter(outcome=Outcome.DELIVERED).count()
    result.missed = week.exclude(outcome=Outcome.DELIVERED).count()
    return result


class WeekInvalid(Exception):
    """Cells that broke a rule, keyed like week_save's entries."""

    def __init__(self, errors: dict[tuple, dict[str, list[str]]]):
        super().__init__(f"{len(errors)} cells are not valid")
        self.errors = errors
