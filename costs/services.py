import datetime as dt

from django.db import transaction

from buddies.models import Session
from buddies.pay import pay_by_scheme
from costs.calculation import CostResult, calculate, financial_year_start
from costs.models import CostYear, UnitCost
from costs.template import TemplateInvalid, read_template
from governance.models import Prison


@transaction.atomic
def cost_year_import(*, data) -> CostYear:
    """Save a cost template for its prison and year, replacing any earlier one (all or nothing).
    Raises TemplateInvalid listing every error as `field: message`."""
    cost_input = read_template(data)
    prison = Prison.objects.filter(code=cost_input.prison_code).first()
    if prison is None:
        raise TemplateInvalid([f"prison_code: no prison with code {cost_input.prison_code}"])
    cost_year, _created = CostYear.objects.update_or_create(
        prison=prison, financial_year=cost_input.financial_year, defaults={"template": data}
    )
    return cost_year


def cost_report(cost_year: CostYear) -> CostResult:
    """The costs of a prison's year: buddy pay from logged sessions when there are any that year,
    otherwise from the template; staff at the year's unit costs."""
    cost_input = read_template(cost_year.template)
    start = financial_year_start(cost_year.financial_year)
    end = start.replace(year=start.year + 1) - dt.timedelta(days=1)
    unit_costs = dict(
        UnitCost.objects.filter(financial_year=cost_year.financial_year).values_list(
            "band", "hourly_cost"
        )
    )
    has_sessions = Session.objects.filter(
        prison=cost_year.prison, date__range=(start, end)
    ).exists()
    from_sessions = pay_by_scheme(cost_year.prison, start, end) if has_sessions else None
    return calculate(cost_input, unit_costs=unit_costs, pay_from_sessions=from_sessions)
