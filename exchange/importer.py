"""Importing a set of the standard's files: all or nothing, every bad row reported as
`file:line: column: message`, upserts on each file's key, so re-importing the same files changes
nothing.

Files are applied in the standard's order inside one transaction, so a later file can refer to
people an earlier one created. Each row goes through the same rules as the browser: the model's
own checks (dates in order, codes), the care plan rules (forbidden tasks, best interests) and the
session rules (assigned buddy, tasks on the plan, PSI 8, 11, 12). Any error, or a dry run, rolls
the whole import back; the report says what would be or was created, changed and withdrawn.

Whoever may import into only some prisons (a lead) gets an error for every row of another prison.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from buddies.activity import SessionContext, SessionInput, check_session
from buddies.constants import Outcome, PayScheme
from buddies.models import Buddy, PayRate, Session
from common.versioning import StaleEdit
from exchange.reading import FileSet, Row, Table
from exchange.standard import (
    FILES,
    PRISON_CODE,
    BadValue,
    read_bool,
    read_codes,
    read_date,
    read_decimal,
    read_int,
    read_prison_number,
)
from governance.constants import DEFAULT_MANDATORY_MODULES
from governance.models import (
    Incident,
    IncidentCategory,
    LocalAuthority,
    Need,
    PeerRole,
    Prison,
    Scheme,
    StaffMember,
    StaffTime,
    Supervision,
    Task,
    TrainingModule,
    TrainingRecord,
)
from recipients.constants import PlanState
from recipients.models import Assignment, CarePlan, Recipient
from recipients.rules import check_plan_content, check_tasks

CREATED, CHANGED, UNCHANGED, WITHDRAWN = "created", "changed", "unchanged", "withdrawn"
STALE_ROW = "someone changed this record in PeerCare while the import ran: import the files again"


class RowError(Exception):
    """Problems with one row: (column, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{c}: {m}" for c, m in problems))
        self.problems = problems


@dataclass
class Counts:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    @property
    def rows(self) -> int:
        return self.created + self.changed + self.unchanged + self.withdrawn


@dataclass
class ImportReport:
    files: list[str]
    dry_run: bool
    errors: list[str] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    def summary(self) -> str:
        parts = [
            f"{kind}: {c.created} new, {c.changed} changed, {c.unchanged} unchanged"
            + (f", {c.withdrawn} withdrawn" if c.withdrawn else "")
            for kind, c in self.counts.items()
        ]
        return "; ".join(parts)


class Rollback(Exception):
    """Raised inside the transaction to undo a dry run or a failed import."""


# --- helpers ---------------------------------------------------------------------------------


def validation_problems(error: ValidationError, columns: dict[str, str]) -> list[tuple[str, str]]:
    """A model's ValidationError as (column, message), model field names turned into the file's
    column names (`columns` maps the ones that differ)."""
    if not hasattr(error, "error_dict"):
        return [("row", message) for message in error.messages]
    problems = []
    for name, errors in error.message_dict.items():
        column = "row" if name == NON_FIELD_ERRORS else columns.get(name, name)
        problems += [(column, message) for message in errors]
    return problems


def assign(instance, values: dict) -> bool:
    """Set attributes; True when any differed."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


class Cells:
    """One row's cells, read with the standard's rules; every problem is collected, not raised
    at the first, so a row reports all that is wrong with it."""

    def __init__(self, row: Row):
        self.row = row
        self.problems: list[tuple[str, str]] = []

    def text(self, column: str) -> str:
        return self.row.cells.get(column, "")

    def _read(self, column, reader, *args, **kwargs):
        try:
            return reader(self.text(column), *args, **kwargs)
        except BadValue as error:
            self.problems.append((column, str(error)))
            return None

    def date(self, column):
        return self._read(column, read_date)

    def flag(self, column):
        return self._read(column, read_bool)

    def int(self, column, **kwargs):
        return self._read(column, read_int, **kwargs)

    def decimal(self, column, what="an amount"):
        return self._read(column, read_decimal, what=what)

    def prison_number(self, column, *, required=True):
        if not self.text(column) and not required:
            return ""
        return self._read(column, read_prison_number) or ""

    def choice(self, column, model, name=None) -> str:
        """A code checked against the model field's choices."""
        value = self.text(column)
        choices = [code for code, _label in model._meta.get_field(name or column).choices]
        if value and value not in choices:
            self.problems.append((column, f"'{value}' is not one of: {', '.join(choices)}"))
            return ""
        return value

    def codes(self, column, known: set[str], what: str) -> list[str]:
        codes = read_codes(self.text(column))
        unknown = [code for code in codes if code not in known]
        if unknown:
            self.problems.append(
                (
                    column,
                    f"{', '.join(repr(c) for c in unknown)} "
                    f"{'is' if len(unknown) == 1 else 'are'} not {what}",
                )
            )
        return [code for code in codes if code in known]

    def fail(self, column: str, message: str) -> None:
        self.problems.append((column, message))

    def check(self) -> None:
        if self.problems:
            raise RowError(self.problems)


class Context:
    """Look-ups by natural key, loaded once per prison and kept up to date as rows are saved."""

    def __init__(self, user, allowed_codes: set[str] | None):
        self.user = user
        self.allowed_codes = allowed_codes  # None: every prison (the command line)
        self.prisons = {p.code: p for p in Prison.objects.select_related("scheme")}
        self._buddies: dict[int, dict[str, Buddy]] = {}
        self._recipients: dict[int, dict[str, Recipient]] = {}
        self._staff: dict[int, dict[str, StaffMember]] = {}
        self.tasks = {t.code: t for t in Task.objects.all()}
        self.needs = set(Need.objects.values_list("code", flat=True))
        self.modules = set(TrainingModule.objects.values_list("code", flat=True))
        self.peer_roles = set(PeerRole.objects.values_list("code", flat=True))
        self.categories = set(IncidentCategory.objects.values_list("code", flat=True))

    def prison(self, cells: Cells) -> Prison | None:
        code = cells.text("prison_code")
        prison = self.prisons.get(code)
        if prison is None:
            cells.fail("prison_code", f"no prison with code '{code}' in this import or on record")
        elif self.allowed_codes is not None and code not in self.allowed_codes:
            cells.fail("prison_code", f"you cannot import into {prison.name} ({code})")
            return None
        return prison

    def buddies(self, prison) -> dict[str, Buddy]:
        if prison.pk not in self._buddies:
            self._buddies[prison.pk] = {b.prison_number: b for b in prison.buddies.all()}
        return self._buddies[prison.pk]

    def recipients(self, prison) -> dict[str, Recipient]:
        if prison.pk not in self._recipients:
            self._recipients[prison.pk] = {
                r.prison_number: r for r in Recipient.objects.filter(prison=prison)
            }
        return self._recipients[prison.pk]

    def staff(self, prison) -> dict[str, StaffMember]:
        if prison.pk not in self._staff:
            self._staff[prison.pk] = {
                s.staff_ref: s for s in StaffMember.objects.filter(prison=prison)
            }
        return self._staff[prison.pk]

    def person(self, cells, column, prison, kind: str, *, required=True):
        number = cells.prison_number(column, required=required)
        if not number or prison is None:
            return None
        found = (self.buddies if kind == "buddy" else self.recipients)(prison).get(number)
        if found is None:
            cells.fail(
                column,
                f"no {'buddy' if kind == 'buddy' else 'recipient'} {number} at {prison.code} in "
                "this import or on record",
            )
        return found


def save(instance, cells: Cells, columns: dict[str, str] | None = None, exclude=()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        raise RowError(validation_problems(error, columns or {})) from None
    instance.save()


def set_m2m(manager, codes: list[str]) -> bool:
    current = set(manager.values_list("pk", flat=True))
    if current == set(codes):
        return False
    manager.set(codes)
    return True


def upsert(current, new, values: dict, cells: Cells, columns: dict | None = None):
    """Change the record on file, or make one with `new()` when there is none; saved only when
    something differs. Returns (outcome, record)."""
    outcome = CHANGED
    if current is None:
        current, outcome = new(), CREATED
    if not assign(current, values) and outcome != CREATED:
        return UNCHANGED, current
    save(current, cells, columns)
    return outcome, current


def withdrawn(cells: Cells) -> bool:
    return bool(cells.flag("withdrawn"))


def withdraw(instance) -> str:
    """Remove a withdrawn row's record (its history keeps it), unless other records rest on it."""
    if instance is None:
        return UNCHANGED
    try:
        instance.delete()
    except ProtectedError:
        raise RowError(
            [("withdrawn", "other records refer to this one: withdraw or change them first")]
        ) from None
    return WITHDRAWN


# --- one function per file -------------------------------------------------------------------


def import_prison(cells: Cells, ctx: Context) -> str:
    code = cells.text("prison_code")
    if not PRISON_CODE.fullmatch(code):
        cells.fail("prison_code", f"'{code}' is not a prison code: 2 to 5 capital letters")
    if ctx.allowed_codes is not None and code not in ctx.allowed_codes:
        cells.fail("prison_code", f"you cannot import into prison {code}")
    category = cells.choice("category", Prison)
    formality = cells.choice("scheme_formality", Scheme, "formality")
    leadership = cells.choice("leadership", Scheme)
    started_on = cells.date("scheme_started_on")
    outer = cells.flag("allows_outer_clothing")
    medication = cells.flag("allows_medication_collect")
    modules = cells.codes("mandatory_modules", ctx.modules, "training modules")
    cells.check()
    council, _ = LocalAuthority.objects.get_or_create(name=cells.text("local_authority"))
    prison = ctx.prisons.get(code)
    outcome = UNCHANGED
    if prison is None:
        prison, outcome = Prison(code=code), CREATED
    values = {
        "name": cells.text("name"),
        "category": category,
        "local_authority_id": council.pk,
        "region": cells.text("region"),
    }
    if assign(prison, values) and outcome != CREATED:
        outcome = CHANGED
    if outcome != UNCHANGED:
        save(prison, cells)
    scheme = getattr(prison, "scheme", None) if outcome != CREATED else None
    if scheme is None:
        if not (formality and leadership):
            raise RowError(
                [
                    (column, "give it for a prison new to PeerCare: its scheme is set up from it")
                    for column, value in [
                        ("scheme_formality", formality),
                        ("leadership", leadership),
                    ]
                    if not value
                ]
            )
        scheme = Scheme(prison=prison)
        outcome = CREATED if outcome == CREATED else CHANGED
    scheme_values = {
        "name": cells.text("scheme_name") or scheme.name or "Buddies",
        "formality": formality or scheme.formality,
        "leadership": leadership or scheme.leadership,
        "started_on": started_on,
        "allows_outer_clothing": bool(outer),
        "allows_medication_collect": bool(medication),
    }
    if assign(scheme, scheme_values) or scheme.pk is None:
        save(scheme, cells, {"formality": "scheme_formality", "name": "scheme_name"})
        outcome = outcome if outcome == CREATED else CHANGED
    if (
        set_m2m(scheme.mandatory_modules, modules or DEFAULT_MANDATORY_MODULES)
        and outcome == UNCHANGED
    ):
        outcome = CHANGED
    prison.scheme = scheme
    ctx.prisons[code] = prison
    return outcome


def import_staff(cells: Cells, ctx: Context) -> str:
    prison = ctx.prison(cells)
    organisation = cells.choice("organisation", StaffMember)
    band = cells.int("band", low=1, high=9)
    gone = withdrawn(cells)
    cells.check()
    ref = cells.text("staff_ref")
    staff = ctx.staff(prison).get(ref)
    if gone:
        outcome = withdraw(staff)
        ctx.staff(prison).pop(ref, None)
        return outcome
    values = {
        "name": cells.text("name"),
        "role": cells.text("role"),
        "organisation": organisation,
        "band": band,
    }
    outcome, staff = upsert(staff, lambda: StaffMember(prison=prison, staff_ref=ref), values, cells)
    ctx.staff(prison)[ref] = staff
    return outcome


BUDDY_DATES = [
    "applied_on",
    "vetted_on",
    "interviewed_on",
    "offered_on",
    "rejected_on",
    "compact_signed_on",
    "benefits_explained_on",
    "safeguarding_briefed_on",
    "started_on",
    "ended_on",
]


def import_buddy(cells: Cells, ctx: Context) -> str:
    prison = ctx.prison(cells)
    number = cells.prison_number("prison_number")
    values = {name: cells.date(name) for name in BUDDY_DATES}
    values |= {
        "given_name": cells.text("given_name"),
        "family_name": cells.text("family_name"),
        "status": cells.choice("status", Buddy),
        "vetting_outcome": cells.choice("vetting_outcome", Buddy),
        "rejection_reason": cells.text("rejection_reason"),
        "end_reason": cells.choice("end_reason", Buddy),
    }
    scheme = cells.text("pay_scheme")
    if scheme and scheme not in PayScheme.values:
        cells.fail("pay_scheme", f"'{scheme}' is not one of: {', '.join(PayScheme.values)}")
    rate = cells.decimal("pay_rate_per_session")
    if scheme and rate is None and scheme != PayScheme.UNPAID_VOLUNTEER:
        cells.fail("pay_rate_per_session", "give the rate for a paid scheme")
    if rate is not None and not scheme:
        cells.fail("pay_scheme", "give the pay scheme the rate belongs to")
    roles = cells.codes("other_peer_roles", ctx.peer_roles, "peer roles")
    cells.check()
    buddy = ctx.buddies(prison).get(number)
    outcome = CHANGED
    if buddy is None:
        buddy, outcome = Buddy(prison=prison, prison_number=number), CREATED
    changed = assign(buddy, values)
    if changed or outcome == CREATED:
        save(buddy, cells)
    changed |= set_m2m(buddy.other_peer_roles, roles)
    if scheme:
        latest = buddy.pay_rates.order_by("-effective_from").first()
        amount = rate if rate is not None else 0
        if latest is None or (latest.pay_scheme, latest.rate_per_session) != (scheme, amount):
            first = values["started_on"] or values["offered_on"] or values["applied_on"]
            effective = timezone.localdate() if latest else (first or timezone.localdate())
            if latest and latest.effective_from >= effective:
                effective = latest.effective_from
            pay = PayRate.objects.filter(buddy=buddy, effective_from=effective).first() or PayRate(
                buddy=buddy, effective_from=effective
            )
            pay.pay_scheme, pay.rate_per_session = scheme, amount
            save(pay, cells, {"rate_per_session": "pay_rate_per_session"}, exclude=["buddy"])
            changed = True
    ctx.buddies(prison)[number] = buddy
    return outcome if outcome == CREATED or changed else UNCHANGED


RECIPIENT_DATES = [
    "date_of_birth",
    "referred_to_la_on",
    "la_assessed_on",
    "support_started_on",
    "support_ended_on",
]


def import_recipient(cells: Cells, ctx: Context) -> str:
    prison = ctx.prison(cells)
    number = cells.prison_number("prison_number")
    values = {name: cells.date(name) for name in RECIPIENT_DATES}
    values |= {
        "given_name": cells.text("given_name"),
        "family_name": cells.text("family_name"),
        "mental_capacity": cells.choice("mental_capacity", Recipient),
        "formal_care": cells.choice("formal_care", Recipient),
        "la_outcome": cells.choice("la_outcome", Recipient),
        "end_reason": cells.choice("end_reason", Recipient),
    }
    needs = cells.codes("needs", ctx.needs, "needs on the national list")
    cells.check()
    person = ctx.recipients(prison).get(number)
    outcome = CHANGED
    if person is None:
        person, outcome = Recipient(prison=prison, prison_number=number), CREATED
    changed = assign(person, values)
    if changed or outcome == CREATED:
        save(person, cells)
    changed |= set_m2m(person.needs, needs)
    ctx.recipients(prison)[number] = person
    return outcome if outcome == CREATED or changed else UNCHANGED


PLAN_DATES = [
    "review_due_on",
    "agreed_with_recipient_on",
    "agreed_with_buddy_on",
    "la_approved_on",
    "reviewed_on",
    "boundaries_explained_on",
]


def import_care_plan(cells: Cells, ctx: Context) -> str:
    prison = ctx.prison(cells)
    person = ctx.person(cells, "prison_number", prison, "recipient")
    starts_on = cells.date("starts_on")
    values = {name: cells.date(name) for name in PLAN_DATES}
    values |= {
        "starts_on": starts_on,
        "capacity_at_agreement": cells.choice("capacity_at_agreement", CarePlan),
        "best_interests_decision_by": cells.text("best_interests_decision_by"),
        "notes": cells.text("notes"),
    }
    codes = cells.codes("tasks", set(ctx.tasks), "tasks on the national list")
    cells.check()
    tasks = [ctx.tasks[code] for code in codes]
    plans = list(person.care_plans.order_by("version"))
    plan = next((p for p in plans if p.starts_on == starts_on), None)
    outcome = CHANGED
    if plan is None:
        later = [p for p in plans if p.starts_on > starts_on]
        if later:
            raise RowError(
                [
                    (
                        "starts_on",
                        f"a plan starting on {later[-1].starts_on} is already on record: versions "
                        "follow each other in time, so send plans oldest first",
                    )
                ]
            )
        version = (plans[-1].version if plans else 0) + 1
        plan, outcome = CarePlan(recipient=person, version=version), CREATED
    values["state"] = PlanState.APPROVED if values["la_approved_on"] else PlanState.DRAFT
    if plan.state == PlanState.SUPERSEDED and values["la_approved_on"]:
        values["state"] = PlanState.SUPERSEDED
    try:
        check_tasks(scheme=prison.scheme, tasks=tasks)
        probe = CarePlan(**{**values, "recipient": person})
        check_plan_content(probe, tasks)
    except ValidationError as error:
        raise RowError(validation_problems(error, {})) from None
    open_states = {PlanState.DRAFT, PlanState.RETURNED, PlanState.SUBMITTED}
    if values["state"] == PlanState.DRAFT and any(
        p.state in open_states and p.pk != plan.pk for p in plans
    ):
        raise RowError(
            [("la_approved_on", "only one version of a person's plan can be unapproved at a time")]
        )
    changed = assign(plan, values)
    if changed or outcome == CREATED:
        save(plan, cells, exclude=["tasks"])
    changed |= set_m2m(plan.tasks, codes)
    if plan.state == PlanState.APPROVED:  # an earlier approved version gives way to this one
        for older in plans:
            if (
                older.pk != plan.pk
                and older.state == PlanState.APPROVED
                and older.starts_on < plan.starts_on
            ):
                older.state = PlanState.SUPERSEDED
                older.save()
    return outcome if outcome == CREATED or changed else UNCHANGED


def import_assignment(cells: Cells, ctx: Context) -> str:
    prison = ctx.prison(cells)
    buddy = ctx.person(cells, "buddy_prison_number", prison, "buddy")
    person = ctx.person(cells, "recipient_prison_number", prison, "recipient")
    started_on = cells.date("started_on")
    ended_on = cells.date("ended_on")
    confirmed = cells.flag("no_personal_relationship_confirmed")
    gone = withdrawn(cells)
    if not gone and confirmed is not True:
        cells.fail(
            "no_personal_relationship_confirmed",
            "must be yes: a buddy must not support someone they have a personal relationship "
            "with (PSI requirement 11)",
        )
    if started_on and ended_on and ended_on < started_on:
        cells.fail("ended_on", "must be on or after started_on")
    if buddy and started_on and buddy.started_on and started_on < buddy.started_on:
        cells.fail(
            "started_on",
            f"the buddy started work on {buddy.started_on}: support cannot start before",
        )
    cells.check()
    assignment = Assignment.objects.filter(
        buddy=buddy, recipient=person, started_on=started_on
    ).first()
    if gone:
        return withdraw(assignment)
    outcome, _assignment = upsert(
        assignment,
        lambda: Assignment(buddy=buddy, recipient=person, started_on=started_on),
        {"ended_on": ended_on, "no_personal_relationship_confirmed": True},
        cells,
        {"buddy": "buddy_prison_number", "recipient": "recipient_prison_number"},
    )
    return outcome


def import_training(cells: Cells, ctx: Context) -> str:
    prison = ctx.prison(cells)
    kind = cells.text("person_kind")
    buddy = staff = None
    if kind == "buddy":
        buddy = ctx.person(cells, "person_ref", prison, "buddy")
    elif kind == "staff":
        ref = cells.text("person_ref")
        staff = ctx.staff(prison).get(ref) if prison else None
        if prison and staff is None:
            cells.fail(
                "person_ref",
                f"no member of staff '{ref}' at {prison.code} in this import or on record",
            )
    else:
        cells.fail("person_kind", f"'{kind}' must be buddy or staff")
    module = cells.text("module")
    if module not in ctx.modules:
        cells.fail("module", f"'{module}' is not a training module on the national list")
    provider = cells.choice("provider", TrainingRecord)
    completed_on = cells.date("completed_on")
    values = {
        "provider": provider,
        "hours": cells.decimal("hours", "hours"),
        "expires_on": cells.date("expires_on"),
    }
    gone = withdrawn(cells)
    cells.check()
    record = TrainingRecord.objects.filter(
        prison=prison, buddy=buddy, staff=staff, module_id=module, completed_on=completed_on
    ).first()
    if gone:
        return withdraw(record)
    outcome, _record = upsert(
        record,
        lambda: TrainingRecord(
            prison=prison, buddy=buddy, staff=staff, module_id=module, completed_on=completed_on
        ),
        values,
        cells,
        {"buddy": "person_ref", "staff": "person_ref"},
    )
    return outcome


def import_staff_time(cells: Cells, ctx: Context) -> str:
    prison = ctx.prison(cells)
    ref = cells.text("staff_ref")
    staff = ctx.staff(prison).get(ref) if prison else None
    if prison and staff is None:
        cells.fail(
            "staff_ref", f"no member of staff '{ref}' at {prison.code} in this import or on record"
        )
    week = cells.date("week_starting")
    if week and week.weekday() != 0:
        cells.fail("week_starting", f"{week} is a {week:%A}: weeks start on a Monday")
    activity = cells.choice("activity", StaffTime)
    hours = cells.decimal("hours", "hours")
    gone = withdrawn(cells)
    cells.check()
    entry = StaffTime.objects.filter(staff=staff, week_starting=week, activity=activity).first()
    if gone:
        return withdraw(entry)
    outcome, _entry = upsert(
        entry,
        lambda: StaffTime(staff=staff, week_starting=week, activity=activity),
        {"hours": hours},
        cells,
    )
    return outcome


def import_supervision(cells: Cells, ctx: Context) -> str:
    prison = ctx.prison(cells)
    numbers = read_codes(cells.text("buddy_prison_numbers"))
    buddies = []
    for number in numbers:
        try:
            read_prison_number(number)
        except BadValue as error:
            cells.fail("buddy_prison_numbers", str(error))
            continue
        buddy = ctx.buddies(prison).get(number) if prison else None
        if prison and buddy is None:
            cells.fail(
                "buddy_prison_numbers",
                f"no buddy {number} at {prison.code} in this import or on record",
            )
        buddies.append(buddy)
    if not numbers:
        cells.fail("buddy_prison_numbers", "name at least one buddy who was supervised")
    supervisor = cells.text("supervisor")
    staff = ctx.staff(prison).get(supervisor) if prison else None
    values = {
        "date": cells.date("date"),
        "kind": cells.choice("kind", Supervision),
        "supervisor": staff,
        "supervisor_name": "" if staff else supervisor,
        "minutes": cells.int("minutes", low=1, high=600),
        "notes": cells.text("notes"),
    }
    gone = withdrawn(cells)
    cells.check()
    reference = cells.text("reference")
    supervision = Supervision.objects.filter(prison=prison, reference=reference).first()
    if gone:
        return withdraw(supervision)
    outcome = CHANGED
    if supervision is None:
        supervision, outcome = Supervision(prison=prison, reference=reference), CREATED
    changed = assign(supervision, values)
    if changed or outcome == CREATED:
        save(supervision, cells, {"supervisor_name": "supervisor"}, exclude=["buddies"])
    changed |= set_m2m(supervision.buddies, [b.pk for b in buddies])
    return outcome if outcome == CREATED or changed else UNCHANGED


def import_incident(cells: Cells, ctx: Context) -> str:
    prison = ctx.prison(cells)
    category = cells.text("category")
    if category not in ctx.categories:
        cells.fail("category", f"'{category}' is not an incident category on the national list")
    values = {
        "occurred_on": cells.date("occurred_on"),
        "category_id": category,
        "severity": cells.choice("severity", Incident),
        "buddy": ctx.person(cells, "buddy_prison_number", prison, "buddy", required=False),
        "recipient": ctx.person(
            cells, "recipient_prison_number", prison, "recipient", required=False
        ),
        "status": cells.choice("status", Incident),
        "safeguarding_referral_on": cells.date("safeguarding_referral_on"),
        "closed_on": cells.date("closed_on"),
        "summary": cells.text("summary"),
    }
    gone = withdrawn(cells)
    cells.check()
    reference = cells.text("reference")
    incident = Incident.objects.filter(prison=prison, reference=reference).first()
    if gone:
        return withdraw(incident)
    outcome, _incident = upsert(
        incident,
        lambda: Incident(prison=prison, reference=reference, recorded_by=ctx.user),
        values,
        cells,
        {"buddy": "buddy_prison_number", "recipient": "recipient_prison_number"},
    )
    return outcome


IMPORTERS = {
    "prisons": import_prison,
    "staff": import_staff,
    "buddies": import_buddy,
    "recipients": import_recipient,
    "care_plans": import_care_plan,
    "assignments": import_assignment,
    "training": import_training,
    "staff_time": import_staff_time,
    "supervision": import_supervision,
    "incidents": import_incident,
}


# --- sessions: in bulk, with the weekly sheet's rules ----------------------------------------


SESSION_COLUMNS = {
    "buddy": "buddy_prison_number",
    "recipient": "recipient_prison_number",
    "outcome": "delivered",
    "task_codes": "tasks",
}


def import_sessions(table: Table, ctx: Context, report: ImportReport, errors: list[str]) -> None:
    """Sessions are many: checked against a SessionContext loaded once per prison, then created
    in bulk; a re-sent row with new values changes the session; an unchanged one is left alone."""
    counts = report.counts.setdefault("sessions", Counts())
    by_prison: dict[int, list[tuple[Row, SessionInput, bool, str, str]]] = defaultdict(list)
    for row in table.rows:
        cells = Cells(row)
        try:
            prison = ctx.prison(cells)
            outcome = cells.text("delivered")
            if outcome and outcome not in Outcome.values:
                cells.fail(
                    "delivered",
                    f"'{outcome}' must be yes or one of: {', '.join(Outcome.values[1:])}",
                )
            outcome = Outcome.DELIVERED if outcome == "yes" else outcome
            informal = cells.flag("informal")
            helper = cells.prison_number("buddy_prison_number", required=False)
            buddy = None
            if helper and prison:
                buddy = ctx.buddies(prison).get(helper)
                if buddy is None and not informal:
                    cells.fail(
                        "buddy_prison_number",
                        f"no buddy {helper} at {prison.code} in this import or on record",
                    )
            elif not helper and informal is False:
                cells.fail(
                    "buddy_prison_number", "name the buddy: only informal help may leave it empty"
                )
            person = ctx.person(cells, "recipient_prison_number", prison, "recipient")
            entry = SessionInput(
                date=cells.date("date"),
                period=cells.choice("period", Session),
                recipient_id=person.pk if person else 0,
                minutes=cells.int("minutes", high=600),
                buddy_id=buddy.pk if buddy else None,
                helper_prison_number="" if buddy else helper,
                task_codes=read_codes(cells.text("tasks")),
                outcome=outcome,
                informal=bool(informal),
                paid=bool(cells.flag("paid")),
                off_plan_reason=cells.text("off_plan_reason"),
            )
            gone = withdrawn(cells)
            cells.check()
        except RowError as error:
            errors += [f"{table.source}:{row.line}: {c}: {m}" for c, m in error.problems]
            continue
        by_prison[prison.pk].append(
            (row, entry, gone, helper, cells.text("recipient_prison_number"))
        )
    for prison_id, entries in by_prison.items():
        prison = next(p for p in ctx.prisons.values() if p.pk == prison_id)
        dates = [entry.date for _row, entry, *_ in entries]
        context = SessionContext.load(prison, min(dates), max(dates))
        existing = {
            (s.date, s.period, s.buddy_id, s.helper_prison_number, s.recipient_id): s
            for s in Session.objects.filter(
                prison=prison, date__range=(min(dates), max(dates))
            ).prefetch_related("tasks")
        }
        to_create = []
        for row, entry, gone, _helper, _number in entries:
            key = (
                entry.date,
                entry.period,
                entry.buddy_id,
                entry.helper_prison_number,
                entry.recipient_id,
            )
            current = existing.get(key)
            if gone:
                if current is not None:
                    current.delete()
                    counts.add(WITHDRAWN)
                else:
                    counts.add(UNCHANGED)
                continue
            problems, _warnings = check_session(context, entry)
            if problems:
                errors += [
                    f"{table.source}:{row.line}: {SESSION_COLUMNS.get(name, name)}: {message}"
                    for name, messages in problems.items()
                    for message in messages
                ]
                continue
            values = {
                "minutes": entry.minutes,
                "outcome": entry.outcome,
                "informal": entry.informal,
                "paid": entry.paid,
                "off_plan_reason": entry.off_plan_reason,
            }
            if current is None:
                session = Session(
                    prison=prison,
                    date=entry.date,
                    period=entry.period,
                    buddy_id=entry.buddy_id,
                    helper_prison_number=entry.helper_prison_number,
                    recipient_id=entry.recipient_id,
                    logged_by=ctx.user,
                    **values,
                )
                existing[key] = session
                to_create.append((session, entry.task_codes))
                continue
            if current.pk is None:
                errors.append(f"{table.source}:{row.line}: row: this session is in the file twice")
                continue
            changed = assign(current, values)
            if changed:
                current.logged_by = ctx.user
                current.save()
            if {t.code for t in current.tasks.all()} != set(entry.task_codes):
                current.tasks.set(entry.task_codes)
                changed = True
            counts.add(CHANGED if changed else UNCHANGED)
        if errors or not to_create:
            continue
        created = bulk_create_with_history(
            [s for s, _ in to_create], Session, batch_size=2000, default_user=ctx.user
        )
        through = Session.tasks.through
        through.objects.bulk_create(
            [
                through(session_id=s.pk, task_id=code)
                for s, (_, codes) in zip(created, to_create, strict=True)
                for code in codes
            ],
            batch_size=5000,
        )
        counts.created += len(created)


# --- the whole import ------------------------------------------------------------------------


def duplicate_keys(table: Table) -> list[str]:
    spec = FILES[table.kind]
    seen: dict[tuple, int] = {}
    problems = []
    for row in table.rows:
        key = tuple(row.cells.get(column, "") for column in spec.key)
        if key in seen:
            problems.append(
                f"{table.source}:{row.line}: row: same {', '.join(spec.key)} as line {seen[key]}"
            )
        else:
            seen[key] = row.line
    return problems


def missing_cells(table: Table) -> list[str]:
    spec = FILES[table.kind]
    problems = []
    for row in table.rows:
        for column in spec.columns:
            if column in spec.required and not row.cells.get(column, ""):
                problems.append(
                    f"{table.source}:{row.line}: {column}: this column must not be empty"
                )
    return problems


def run_import(
    files: FileSet, *, user=None, allowed_codes: set[str] | None = None, dry_run: bool = False
) -> ImportReport:
    """Import a set of files, all or nothing. `allowed_codes`: the prisons the user may import
    into (None for the command line: every prison)."""
    report = ImportReport(files=files.names, dry_run=dry_run, errors=list(files.errors))
    for table in files.tables.values():
        report.errors += duplicate_keys(table) + missing_cells(table)
    if report.errors:
        return report
    try:
        with transaction.atomic():
            ctx = Context(user, allowed_codes)
            for kind in FILES:
                table = files.tables.get(kind)
                if table is None:
                    continue
                if kind == "sessions":
                    import_sessions(table, ctx, report, report.errors)
                    continue
                counts = report.counts.setdefault(kind, Counts())
                for row in table.rows:
                    cells = Cells(row)
                    try:
                        with transaction.atomic():
                            counts.add(IMPORTERS[kind](cells, ctx))
                    except RowError as error:
                        report.errors += [
                            f"{table.source}:{row.line}: {c}: {m}" for c, m in error.problems
                        ]
                    except StaleEdit:  # changed on a page while this import ran: never overwritten
                        report.errors.append(f"{table.source}:{row.line}: row: {STALE_ROW}")
            import_cost_templates(files, ctx, report)
            if report.errors or dry_run:
                raise Rollback
    except Rollback:
        return report  # nothing saved: a dry run, or the errors the report lists
    return report


def import_cost_templates(files: FileSet, ctx: Context, report: ImportReport) -> None:
    from costs.models import CostYear
    from costs.template import TemplateInvalid, read_template

    counts = report.counts.setdefault("cost_templates", Counts()) if files.cost_templates else None
    for name, data in files.cost_templates.items():
        try:
            cost_input = read_template(data)
        except TemplateInvalid as error:
            report.errors += [f"{name}:1: {message}" for message in error.errors]
            continue
        prison = ctx.prisons.get(cost_input.prison_code)
        if prison is None or (
            ctx.allowed_codes is not None and prison.code not in ctx.allowed_codes
        ):
            report.errors.append(
                f"{name}:1: prison_code: you cannot import into prison {cost_input.prison_code}"
            )
            continue
        current = CostYear.objects.filter(
            prison=prison, financial_year=cost_input.financial_year
        ).first()
        if current is not None and current.template == data:
            counts.add(UNCHANGED)
            continue
        CostYear.objects.update_or_create(
            prison=prison, financial_year=cost_input.financial_year, defaults={"template": data}
        )
        counts.add(CREATED if current is None else CHANGED)
