import datetime as dt
import operator
from collections import defaultdict
from decimal import Decimal
from functools import reduce

from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)

from buddies.models import PayRate, Session
from costs.calculation import CostResult, StaffLine, calculate, financial_year_start
from costs.models import CostYear, UnitCost
from costs.template import TemplateInvalid, read_template
from governance.models import Prison, StaffTime

ONE_DAY = dt.timedelta(days=1)


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
    """The costs of a prison's year, from its own records where it has them: buddy pay from the
    sessions logged that year (else the template's pay lines), and staff time from the weekly
    staff time logs (else the template's staff lines), at the year's unit costs
    (`cost_reports_for`)."""
    return cost_reports_for([cost_year])[cost_year.pk]


def cost_reports_for(cost_years) -> dict[int, CostResult]:
    """`cost_report` for each of `cost_years` (CostYear objects, any prisons and financial
    years), by CostYear id, in at most four queries whatever their number: staff time logs, unit
    costs, which years have sessions, and the paid sessions of those years priced at their rates.
    """
    cost_years = list(cost_years)
    if not cost_years:
        return {}
    inputs = {cost_year.pk: read_template(cost_year.template) for cost_year in cost_years}
    periods = {year: financial_year_period(year) for year in {c.financial_year for c in cost_years}}
    prisons_by_year = prisons_by_financial_year(cost_years)

    logged_staff = staff_lines_from_logs(prisons_by_year, periods)
    unit_costs = defaultdict(dict)
    for year, band, hourly_cost in UnitCost.objects.filter(
        financial_year__in=list(periods)
    ).values_list("financial_year", "band", "hourly_cost"):
        unit_costs[year][band] = hourly_cost
    with_sessions = years_with_sessions(cost_years, periods)
    pay = pay_by_scheme_from_sessions(
        [cost_year for cost_year in cost_years if cost_year.pk in with_sessions], periods
    )

    results = {}
    for cost_year in cost_years:
        key = (cost_year.prison_id, cost_year.financial_year)
        cost_input = inputs[cost_year.pk]
        if key in logged_staff:
            cost_input.staff = logged_staff[key]
        result = calculate(
            cost_input,
            unit_costs=unit_costs[cost_year.financial_year],
            pay_from_sessions=pay.get(key, {}) if cost_year.pk in with_sessions else None,
        )
        result.source_of_staff_time = "staff_time_logs" if key in logged_staff else "template"
        results[cost_year.pk] = result
    return results


def financial_year_period(year: str) -> tuple[dt.date, dt.date]:
    """The first and last days of a financial year written like 2025-26."""
    start = financial_year_start(year)
    return start, start.replace(year=start.year + 1) - ONE_DAY


def prisons_by_financial_year(cost_years) -> dict[str, set[int]]:
    prisons = defaultdict(set)
    for cost_year in cost_years:
        prisons[cost_year.financial_year].add(cost_year.prison_id)
    return prisons


def in_periods(field: str, prisons_by_year: dict, periods: dict, prison_field: str) -> Q:
    """Rows of the given prisons dated (`field`) in the financial years they are costed for."""
    return reduce(
        operator.or_,
        (
            Q(**{f"{prison_field}__in": sorted(prison_ids), f"{field}__range": periods[year]})
            for year, prison_ids in sorted(prisons_by_year.items())
        ),
    )


def year_of(field: str, periods: dict) -> Case | Value:
    """The financial year holding the date in `field`, among `periods` (with one period, that
    year as a constant, which the database need not group by)."""
    if len(periods) == 1:
        return Value(next(iter(periods)), output_field=CharField())
    return Case(
        *[
            When(**{f"{field}__range": period}, then=Value(year))
            for year, period in periods.items()
        ],
        output_field=CharField(),
    )


def staff_lines_from_logs(prisons_by_year: dict, periods: dict) -> dict:
    """Staff time logged on the scheme in each costed year, one line per member of staff (by role
    and reference, with their band), as {(prison id, financial year): lines}, in one query.
    `prisons_by_year`: financial year -> prison ids; `periods`: financial year -> (start, end)."""
    rows = (
        StaffTime.objects.filter(
            in_periods("week_starting", prisons_by_year, periods, "staff__prison_id")
        )
        .annotate(financial_year=year_of("week_starting", periods))
        .values(
            "staff__prison_id", "financial_year", "staff__role", "staff__staff_ref", "staff__band"
        )
        .annotate(hours=Sum("hours"))
        .order_by("staff__staff_ref")
    )
    lines = defaultdict(list)
    for row in rows:
        lines[(row["staff__prison_id"], row["financial_year"])].append(
            StaffLine(
                role=f"{row['staff__role']} ({row['staff__staff_ref']})",
                band=row["staff__band"],
                hours=row["hours"],
            )
        )
    return lines


def years_with_sessions(cost_years: list, periods: dict) -> set[int]:
    """Ids of the cost years whose prison logged any session in the year, in one query."""

    def bound(index: int) -> Case:
        return Case(
            *[
                When(financial_year=year, then=Value(period[index]))
                for year, period in periods.items()
            ],
            output_field=DateField(),
        )

    return set(
        CostYear.objects.filter(pk__in=[cost_year.pk for cost_year in cost_years])
        .annotate(year_start=bound(0), year_end=bound(1))
        .filter(
            Exists(
                Session.objects.filter(
                    prison_id=OuterRef("prison_id"),
                    date__gte=OuterRef("year_start"),
                    date__lte=OuterRef("year_end"),
                )
            )
        )
        .order_by()
        .values_list("pk", flat=True)
    )


def pay_by_scheme_from_sessions(cost_years: list, periods: dict) -> dict:
    """Pay due for the paid sessions of each cost year, by the pay scheme of the rate in force on
    each session's day, as {(prison id, financial year): {scheme: amount}}, in one query for many
    years. The rate in force is the buddy's latest rate starting on or before the day, as on the
    pay sheet; sessions with no rate are left out.

    The database pairs each paid session with that rate and counts the sessions by prison, year
    and rate: a national report would otherwise bring back a row per buddy and day (about 240,000
    for 120 prisons) to be priced here. Money is multiplied here, with Decimal."""
    if not cost_years:
        return {}
    sessions = "buddy__sessions"
    later_rate = PayRate.objects.filter(
        buddy_id=OuterRef("buddy_id"),
        effective_from__gt=OuterRef("effective_from"),
        effective_from__lte=OuterRef(f"{sessions}__date"),
    )
    # One filter() call, so that the session in every condition is the same joined row.
    rows = (
        PayRate.objects.filter(
            in_periods(
                f"{sessions}__date",
                prisons_by_financial_year(cost_years),
                periods,
                f"{sessions}__prison_id",
            )
            & Q(**{f"{sessions}__paid": True, f"{sessions}__date__gte": F("effective_from")})
            & ~Exists(later_rate)
        )
        .annotate(financial_year=year_of(f"{sessions}__date", periods))
        # Grouped by the rate's id: PostgreSQL then groups on two integers, not on its text and
        # amount, and the grouping fits in memory rather than spilling a sort to disk.
        .values(f"{sessions}__prison_id", "financial_year", "pk", "pay_scheme", "rate_per_session")
        .annotate(sessions=Count(sessions))
        .order_by()
    )
    totals: dict = defaultdict(dict)
    for row in rows:
        scheme_totals = totals[(row[f"{sessions}__prison_id"], row["financial_year"])]
        scheme_totals[row["pay_scheme"]] = (
            scheme_totals.get(row["pay_scheme"], Decimal("0"))
            + row["rate_per_session"] * row["sessions"]
        )
    return totals
