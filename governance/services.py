import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.constants import DEFAULT_MANDATORY_MODULES
from governance.models import LocalAuthority, Prison, Scheme, TrainingModule


@transaction.atomic
def prison_create(
    *,
    code: str,
    name: str,
    category: str,
    local_authority: LocalAuthority,
    region: str = "",
    scheme_name: str = "Buddies",
    formality: str,
    leadership: str,
    started_on: dt.date | None = None,
    allows_outer_clothing: bool = False,
    allows_medication_collect: bool = False,
    mandatory_modules: Iterable[str] | None = None,
) -> Prison:
    """A prison with its scheme; mandatory training defaults to the data standard's set."""
    prison = Prison(
        code=code, name=name, category=category, local_authority=local_authority, region=region
    )
    prison.full_clean()
    prison.save()
    scheme = Scheme(
        prison=prison,
        name=scheme_name,
        formality=formality,
        leadership=leadership,
        started_on=started_on,
        allows_outer_clothing=allows_outer_clothing,
        allows_medication_collect=allows_medication_collect,
    )
    scheme.full_clean()
    scheme.save()
    codes = DEFAULT_MANDATORY_MODULES if mandatory_modules is None else list(mandatory_modules)
    scheme.mandatory_modules.set(TrainingModule.objects.filter(code__in=codes))
    return prison


@transaction.atomic
def scheme_update(
    *,
    scheme: Scheme,
    name: str,
    formality: str,
    leadership: str,
    started_on: dt.date | None,
    allows_outer_clothing: bool,
    allows_medication_collect: bool,
    min_pay_rate: Decimal,
    max_pay_rate: Decimal,
    recipients_per_buddy: int,
    mandatory_modules: Iterable[TrainingModule],
) -> Scheme:
    _check_optional_tasks_unused(
        scheme, outer_clothing=allows_outer_clothing, medication=allows_medication_collect
    )
    scheme.name = name
    scheme.formality = formality
    scheme.leadership = leadership
    scheme.started_on = started_on
    scheme.allows_outer_clothing = allows_outer_clothing
    scheme.allows_medication_collect = allows_medication_collect
    scheme.min_pay_rate = min_pay_rate
    scheme.max_pay_rate = max_pay_rate
    scheme.recipients_per_buddy = recipients_per_buddy
    scheme.full_clean()
    scheme.save()
    modules = list(mandatory_modules)
    if {m.code for m in modules} != set(scheme.mandatory_modules.values_list("code", flat=True)):
        scheme.mandatory_modules.set(modules)
    return scheme


def _check_optional_tasks_unused(scheme: Scheme, *, outer_clothing: bool, medication: bool) -> None:
    """An optional task cannot be switched off while care plans in use still list it: the plans
    would then ask buddies for something the prison no longer allows."""
    from recipients.models import CarePlan

    errors = {}
    for field, code, wanted in [
        ("allows_outer_clothing", "outer_clothing", outer_clothing),
        ("allows_medication_collect", "medication_collect", medication),
    ]:
        if wanted or not getattr(scheme, field):
            continue
        in_use = (
            CarePlan.objects.filter(recipient__prison=scheme.prison_id, tasks=code)
            .exclude(state="superseded")
            .exclude(recipient__support_ended_on__isnull=False)
            .count()
        )
        if in_use:
            errors[field] = (
                f"{in_use} care plan{' lists' if in_use == 1 else 's list'} this task: write new "
                "versions without it before switching it off"
            )
    if errors:
        raise ValidationError(errors)


def _clean_with(instance, duplicate_field: str | None = None) -> None:
    """full_clean(), with a unique-together message moved next to the field it is about."""
    try:
        instance.full_clean()
    except ValidationError as error:
        errors = error.message_dict
        if duplicate_field and "__all__" in errors:
            errors.setdefault(duplicate_field, []).extend(errors.pop("__all__"))
        raise ValidationError(errors) from None


@transaction.atomic
def training_record_group(
    *,
    prison: Prison,
    module,
    provider: str,
    completed_on: dt.date,
    hours: Decimal | None,
    expires_on: dt.date | None,
    buddies: Iterable = (),
    staff: Iterable = (),
) -> int:
    """Record one module completed by several people on one day (a training session). All or none."""
    from governance.models import TrainingRecord

    people = [("buddy", b) for b in buddies] + [("staff", s) for s in staff]
    if not people:
        raise ValidationError({"buddies": "Choose who completed the training"})
    for kind, person in people:
        if person.prison_id != prison.pk:
            raise ValidationError({"buddies": "Choose people from this prison"})
        record = TrainingRecord(
            prison=prison,
            module=module,
            provider=provider,
            completed_on=completed_on,
            hours=hours,
            expires_on=expires_on,
            **{kind: person},
        )
        try:
            _clean_with(record)
        except ValidationError as error:
            if "__all__" in error.message_dict:
                raise ValidationError(
                    {"completed_on": f"{person} already has this module recorded on that date"}
                ) from None
            raise
        record.save()
    return len(people)


@transaction.atomic
def staff_create(*, prison: Prison, **fields):
    from governance.models import StaffMember

    member = StaffMember(prison=prison, **fields)
    _clean_with(member, duplicate_field="staff_ref")
    member.save()
    return member


@transaction.atomic
def staff_time_record(*, staff, week_starting: dt.date, activity: str, hours: Decimal):
    """Hours on the scheme in a week; a second entry for the same week and activity replaces it."""
    from governance.models import StaffTime

    entry = StaffTime.objects.filter(
        staff=staff, week_starting=week_starting, activity=activity
    ).first()
    entry = entry or StaffTime(staff=staff, week_starting=week_starting, activity=activity)
    entry.hours = hours
    _clean_with(entry)
    entry.save()
    return entry


@transaction.atomic
def supervision_record(*, prison: Prison, buddies: Iterable, **fields):
    """A supervision session for one or more of the prison's buddies (PSI requirement 4)."""
    from governance.models import Supervision

    buddies = list(buddies)
    if not buddies:
        raise ValidationError({"buddies": "Choose the buddies who were supervised"})
    if any(b.prison_id != prison.pk for b in buddies):
        raise ValidationError({"buddies": "Choose buddies from this prison"})
    if fields.get("supervisor") is None and not fields.get("supervisor_name", "").strip():
        raise ValidationError({"supervisor": "Choose the supervisor, or enter their name"})
    if fields.get("date") and fields["date"] > timezone.localdate():
        raise ValidationError({"date": "The date must be today or in the past"})
    session = Supervision(prison=prison, **fields)
    _clean_with(session, duplicate_field="reference")
    session.save()
    session.buddies.set(buddies)
    return session
