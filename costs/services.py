import datetime as dt

from django.db import transaction
from django.db.models import Sum

from buddies.models import Session
from buddies.pay import pay_by_scheme
from costs.calculation import CostResult, StaffLine, calculate, financial_year_start
from costs.models import CostYear, UnitCost
from costs.template import TemplateInvalid, read_template
from governance.models import Prison, StaffTime


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


def staff_lines_from_logs(prison, start: dt.date, end: dt.date) -> list[StaffLine]:
    """Staff time logged on the scheme in the year, one line per member of staff (by role and
    reference, with their band), in one query."""
    rows = (
        StaffTime.objects.filter(staff__prison=prison, week_starting__range=(start, end))
        .values("staff__role", "staff__staff_ref", "staff__band")
        .annotate(hours=Sum("hours"))
        .order_by("staff__staff_ref")
    )
    return [
        StaffLine(
            role=f"{row['staff__role']} ({row['staff__staff_ref']})",
            band=row["staff__band"],
            hours=row["hours"],
        )
        for row in rows
    ]


def cost_report(cost_year: CostYear) -> CostResult:
    """The costs of a prison's year, from its own records where it has them: buddy pay from the
    sessions logged that year (else the template's pay lines), and staff time from the weekly
    staff time logs (else the template's staff lines), at the year's unit costs."""
    cost_input = read_template(cost_year.template)
    start = financial_year_start(cost_year.financial_year)
    end = start.replace(year=start.year + 1) - dt.timedelta(days=1)
    logged_staff = staff_lines_from_logs(cost_year.prison, start, end)
    if logged_staff:
        cost_input.staff = logged_staff
    unit_costs = dict(
        UnitCost.objects.filter(financial_year=cost_year.financial_year).values_list(
            "band", "hourly_cost"
        )
    )
    has_sessions = Session.objects.filter(
        prison=cost_year.prison, date__range=(start, end)
    ).exists()
    from_sessions = pay_by_scheme(cost_year.prison, start, end) if has_sessions else None
    result = calculate(cost_input, unit_costs=unit_costs, pay_from_sessions=from_sessions)
    result.source_of_staff_time = "staff_time_logs" if logged_staff else "template"
    return result
