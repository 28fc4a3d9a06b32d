import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

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
