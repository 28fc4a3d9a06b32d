import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from buddies.constants import BuddyStatus, VettingOutcome
from buddies.models import Buddy
from buddies.rules import fit_to_work
from common.formatting import govuk_date
from common.validation import full_clean_or_raise
from common.versioning import expect_version
from governance.models import Need, Prison, Task
from recipients.constants import (
    PlanState,
    ReviewAction,
    SupportEndReason,
)
from recipients.models import Assignment, CarePlan, PlanReview, Recipient
from recipients.rules import check_plan_content, check_ready_for_review, check_tasks

RECIPIENT_FIELDS = [
    "prison_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "mental_capacity",
    "formal_care",
    "referred_to_la_on",
    "la_assessed_on",
    "la_outcome",
    "support_started_on",
]
DUPLICATE_PERSON = "This prison already has a person with this prison number"


@transaction.atomic
def recipient_create(*, prison: Prison, needs: Iterable[Need] = (), **fields) -> Recipient:
    recipient = Recipient(
        prison=prison, **{k: v for k, v in fields.items() if k in RECIPIENT_FIELDS}
    )
    full_clean_or_raise(recipient, duplicate=DUPLICATE_PERSON, duplicate_field="prison_number")
    recipient.save()
    recipient.needs.set(needs)
    return recipient


@transaction.atomic
def recipient_update(
    *, recipient: Recipient, needs: Iterable[Need], row_version: int | None = None, **fields
) -> Recipient:
    """Change a person's details, needs and local authority steps; refused (StaleEdit) when the
    form was opened at an earlier `row_version` than the record's."""
    unknown = set(fields) - set(RECIPIENT_FIELDS)
    if unknown:
        raise TypeError(f"recipient_update does not change {sorted(unknown)}")
    expect_version(recipient, row_version)
    for name, value in fields.items():
        setattr(recipient, name, value)
    full_clean_or_raise(recipient, duplicate=DUPLICATE_PERSON, duplicate_field="prison_number")
    recipient.save()
    needs = list(needs)
    if {n.code for n in needs} != set(recipient.needs.values_list("code", flat=True)):
        recipient.needs.set(needs)
    return recipient


@transaction.atomic
def recipient_end_support(
    *,
    recipient: Recipient,
    on: dt.date,
    reason: str,
    transferred_to: Prison | None = None,
    row_version: int | None = None,
) -> int:
    """End a person's support; their open assignments end the same day. Returns how many ended.

    On a transfer to a prison that uses PeerCare, naming it lets that prison take the record over.
    Refused (StaleEdit) when the form was opened at an earlier `row_version` than the record's."""
    expect_version(recipient, row_version)
    if recipient.support_ended_on:
        raise ValidationError(
            {"on": f"Support already ended on {govuk_date(recipient.support_ended_on)}"}
        )
    if transferred_to is not None and reason != SupportEndReason.TRANSFERRED:
        raise ValidationError({"transferred_to": "Only name a prison for a transfer"})
    if transferred_to is not None and transferred_to.pk == recipient.prison_id:
        raise ValidationError({"transferred_to": "Choose the prison they were transferred to"})
    recipient.transferred_to = transferred_to
    recipient.support_ended_on = on
    recipient.end_reason = reason
    if not recipient.support_started_on:
        raise ValidationError(
            {"on": "Support cannot end before it has started: record when it started first"}
        )
    try:
        full_clean_or_raise(recipient)
    except ValidationError as error:
        raise ValidationError(
            {("on" if k == "support_ended_on" else k): v for k, v in error.message_dict.items()}
        ) from None
    recipient.save()
    return _end_open_assignments(Assignment.objects.filter(recipient=recipient), on)


def _end_open_assignments(assignments, on: dt.date) -> int:
    ended = 0
    for assignment in assignments.filter(ended_on__isnull=True):
        assignment.ended_on = max(on, assignment.started_on)
        assignment.save()
        ended += 1
    return ended


def buddy_left_end_assignments(*, buddy: Buddy, on: dt.date) -> int:
    """When a buddy leaves the prison, their open assignments end on that date."""
    return _end_open_assignments(Assignment.objects.filter(buddy=buddy), on)


# --- care plans ------------------------------------------------------------------------------

PLAN_FIELDS = [
    "starts_on",
    "review_due_on",
    "capacity_at_agreement",
    "agreed_with_recipient_on",
    "agreed_with_buddy_on",
    "best_interests_decision_by",
    "boundaries_explained_on",
    "notes",
]


@transaction.atomic
def care_plan_save(
    *,
    recipient: Recipient,
    user,
    tasks: Iterable[Task],
    plan: CarePlan | None = None,
    row_version: int | None = None,
    **fields,
) -> CarePlan:
    """Save a draft. A new plan, or a change to an approved one, makes a new version; a draft or a
    returned version is changed in place (and becomes a draft again). A change to `plan` from a
    form opened at an earlier `row_version` than the plan's is refused (StaleEdit), tasks and all."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"care_plan_save does not change {sorted(unknown)}")
    if plan is not None:
        expect_version(plan, row_version)
    tasks = list(tasks)
    check_tasks(scheme=recipient.prison.scheme, tasks=tasks)
    if plan is not None and plan.state == PlanState.SUBMITTED:
        raise ValidationError(
            "This version is waiting for the local authority's review: it cannot change until "
            "they approve it or return it"
        )
    if plan is None or not plan.is_open:
        open_version = recipient.care_plans.filter(
            state__in=[PlanState.DRAFT, PlanState.RETURNED, PlanState.SUBMITTED]
        ).first()
        if open_version is not None:
            raise ValidationError(
                f"Version {open_version.version} of this plan is already being written or reviewed: "
                "change that version instead"
            )
        latest_version = recipient.care_plans.aggregate(version=Max("version"))["version"]
        plan = CarePlan(recipient=recipient, version=(latest_version or 0) + 1, created_by=user)
    # Versions follow each other in time, so the current plan on a date is the latest approved
    # one starting on or before it; checked on every save, since a draft's start date can change.
    earlier = recipient.care_plans.filter(version__lt=plan.version).aggregate(
        starts_on=Max("starts_on")
    )["starts_on"]
    starts_on = fields.get("starts_on")
    if earlier and starts_on and starts_on <= earlier:
        raise ValidationError(
            {"starts_on": "A new version must start after the current version's start date"}
        )
    for name, value in fields.items():
        setattr(
            plan, name, value if value is not None or name != "best_interests_decision_by" else ""
        )
    plan.state = PlanState.DRAFT
    check_plan_content(plan, tasks)
    full_clean_or_raise(
        plan,
        duplicate="This person already has a plan version starting on that date",
        duplicate_field="starts_on",
    )
    plan.save()
    if {t.code for t in tasks} != set(plan.tasks.values_list("code", flat=True)):
        plan.tasks.set(tasks)
    return plan


@transaction.atomic
def care_plan_submit(*, plan: CarePlan, user, row_version: int | None = None) -> CarePlan:
    """Send a draft to the local authority: only once it is agreed and the boundaries explained,
    and only the version the sender saw (`row_version`), never one changed since."""
    expect_version(plan, row_version)
    if plan.state not in {PlanState.DRAFT, PlanState.RETURNED}:
        raise ValidationError(
            f"Only a draft can be submitted; this version is {plan.get_state_display().lower()}"
        )
    tasks = list(plan.tasks.all())
    check_tasks(scheme=plan.recipient.prison.scheme, tasks=tasks)
    check_plan_content(plan, tasks)
    check_ready_for_review(plan, tasks)
    plan.state = PlanState.SUBMITTED
    plan.save()
    PlanReview.objects.create(plan=plan, action=ReviewAction.SUBMITTED, by=user)
    return plan


@transaction.atomic
def care_plan_approve(
    *, plan: CarePlan, user, on: dt.date | None = None, row_version: int | None = None
) -> CarePlan:
    """The local authority approves a submitted version; earlier approved versions are superseded.
    Only the version the reviewer read (`row_version`) can be approved, never one changed since."""
    expect_version(plan, row_version)
    if plan.state != PlanState.SUBMITTED:
        raise ValidationError("Only a plan awaiting review can be approved")
    plan.state = PlanState.APPROVED
    plan.la_approved_on = on or timezone.localdate()
    plan.save()
    for older in plan.recipient.care_plans.filter(state=PlanState.APPROVED).exclude(pk=plan.pk):
        older.state = PlanState.SUPERSEDED
        older.save()
    PlanReview.objects.create(plan=plan, action=ReviewAction.APPROVED, by=user)
    return plan


@transaction.atomic
def care_plan_return(
    *, plan: CarePlan, user, comments: str, row_version: int | None = None
) -> CarePlan:
    """The local authority sends a submitted version back to the lead with comments, as long as
    it is still the version the reviewer read (`row_version`)."""
    expect_version(plan, row_version)
    if plan.state != PlanState.SUBMITTED:
        raise ValidationError("Only a plan awaiting review can be returned")
    if not comments.strip():
        raise ValidationError({"comments": "Enter what needs to change"})
    plan.state = PlanState.RETURNED
    plan.save()
    PlanReview.objects.create(
        plan=plan, action=ReviewAction.RETURNED, by=user, comments=comments.strip()
    )
    return plan


# --- assignments -----------------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    buddy: Buddy,
    recipient: Recipient,
    started_on: dt.date,
    no_personal_relationship_confirmed: bool,
) -> tuple[Assignment, list[str]]:
    """Assign a buddy to a person. Refused without the no-relationship confirmation (PSI 11) or
    unless the buddy is active with approved vetting (PSI 4); other gaps come back as warnings."""
    errors = {}
    if not no_personal_relationship_confirmed:
        errors["no_personal_relationship_confirmed"] = (
            "Confirm the buddy has no personal relationship with this person: a buddy must not "
            "support someone they have a personal relationship with (PSI requirement 11)"
        )
    if buddy.prison_id != recipient.prison_id:
        errors["buddy"] = "Choose a buddy from this prison"
    elif buddy.status != BuddyStatus.ACTIVE:
        errors["buddy"] = f"{buddy.full_name} is not active, so cannot support anyone"
    elif buddy.vetting_outcome != VettingOutcome.APPROVED:
        errors["buddy"] = (
            f"{buddy.full_name}'s security vetting is not approved (PSI requirement 4)"
        )
    if started_on and started_on > timezone.localdate():
        errors["started_on"] = "The start date must be today or in the past"
    elif recipient.support_ended_on:
        errors["started_on"] = (
            f"Support for this person ended on {govuk_date(recipient.support_ended_on)}: "
            "their record is closed"
        )
    elif started_on and recipient.support_started_on and started_on < recipient.support_started_on:
        errors["started_on"] = (
            f"Support for this person started on {govuk_date(recipient.support_started_on)}: "
            "the buddy's support cannot start before it"
        )
    elif started_on and buddy.started_on and started_on < buddy.started_on:
        errors["started_on"] = (
            f"{buddy.full_name} started work as a buddy on {govuk_date(buddy.started_on)}: "
            "their support cannot start before it"
        )
    if (
        "buddy" not in errors
        and started_on
        and Assignment.objects.filter(buddy=buddy, recipient=recipient)
        .exclude(ended_on__lt=started_on)
        .exists()
    ):
        errors["buddy"] = f"{buddy.full_name} already supports this person"
    if errors:
        raise ValidationError(errors)
    assignment = Assignment(
        buddy=buddy,
        recipient=recipient,
        started_on=started_on,
        no_personal_relationship_confirmed=True,
    )
    full_clean_or_raise(
        assignment,
        duplicate="This buddy already starts supporting this person on that date",
        duplicate_field="started_on",
    )
    assignment.save()
    return assignment, assignment_warnings(buddy)


def assignment_warnings(buddy: Buddy) -> list[str]:
    """What a lead should know about a buddy's fitness and workload (warnings, not refusals)."""
    warnings = []
    fit = fit_to_work(buddy)
    for condition in fit.unmet:
        warnings.append(
            f"{buddy.full_name} is not fit to work: {condition.label.lower()} is not met"
        )
    for unknown in fit.unknown:
        warnings.append(f"{buddy.full_name}: {unknown[0].lower()}{unknown[1:]}")
    for warning in fit.warnings:
        warnings.append(f"{buddy.full_name}: {warning[0].lower()}{warning[1:]}")
    clients = Assignment.objects.open_on().filter(buddy=buddy).count()
    limit = buddy.prison.scheme.max_clients_per_buddy
    if clients > limit:
        warnings.append(
            f"{buddy.full_name} now supports {clients} people, more than {limit}: check their workload"
        )
    return warnings


@transaction.atomic
def assignment_end(*, assignment: Assignment, on: dt.date) -> Assignment:
    if assignment.ended_on:
        raise ValidationError("This assignment has already ended")
    assignment.ended_on = on
    full_clean_or_raise(assignment)
    if on > timezone.localdate():
        assignment.refresh_from_db()
        raise ValidationError({"ended_on": "The end date must be today or in the past"})
    assignment.save()
    return assignment


@transaction.atomic
def recipient_take_over(*, prison: Prison, prison_number: str) -> Recipient:
    """Start a record for someone transferred in from another prison that uses PeerCare, linked to
    their old record so the receiving prison sees the handover and history. Support starts again
    only when this prison agrees it: the old plan and local authority status do not carry over,
    because each prison's council assesses afresh."""
    if Recipient.objects.filter(prison=prison, prison_number=prison_number).exists():
        raise ValidationError({"prison_number": DUPLICATE_PERSON})
    source = (
        Recipient.objects.filter(
            prison_number=prison_number,
            end_reason=SupportEndReason.TRANSFERRED,
            transferred_to=prison,
            taken_over_by__isnull=True,
        )
        .order_by("-support_ended_on")
        .first()
    )
    if source is None:
        raise ValidationError(
            {
                "prison_number": f"Nobody with this prison number has been recorded as transferred to "
                f"{prison.name} by another prison that uses PeerCare. Ask the sending prison to record "
                "the transfer, or add them as a new person."
            }
        )
    person = Recipient(
        prison=prison,
        prison_number=source.prison_number,
        given_name=source.given_name,
        family_name=source.family_name,
        date_of_birth=source.date_of_birth,
        mental_capacity=source.mental_capacity,
        formal_care=source.formal_care,
        transferred_from=source,
    )
    full_clean_or_raise(person)
    person.save()
    person.needs.set(source.needs.all())
    return person
