"""The monitoring summary of one or more prisons for a period: the figures the lead's dashboard,
the inspector's PDF and `monitoring_report --format pdf` share, so that they cannot disagree.

`indicator_rows` turns engine results into table rows, hiding small numbers for people who see
no records. `data_quality` says what is missing from the records, `costs_summary` what the cost
templates say, and `summary_pdf` puts it all into the tagged A4 PDF.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncWeek

from buddies.models import Session
from common.formatting import govuk_date
from governance.constants import Severity
from governance.models import StaffTime, TrainingRecord
from monitoring.disclosure import NOT_ABOUT_PEOPLE, small_numbers_hidden, suppress
from monitoring.indicators import (
    LABELS,
    active_buddies,
    compute_all,
    delivered,
    financial_year_of,
    supported_recipient_ids,
)
from monitoring.trends import bars, hide_small_months, monthly_sessions
from recipients.models import CarePlan, Recipient


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length that ends the day before `start`."""
    previous_end = start - dt.timedelta(days=1)
    return previous_end - (end - start), previous_end


def shown_value(key: str, indicator, hide_small: bool):
    """An indicator's value as this reader may see it."""
    if hide_small and key not in NOT_ABOUT_PEOPLE:
        return suppress(indicator.value, indicator.base)
    return indicator.value


def indicator_rows(results: list[dict], *, hide_small: bool) -> list[tuple[str, str, list]]:
    """(key, label, [value in each result]) for every indicator, in the engine's order."""
    keys = list(results[0]) if results else []
    return [
        (key, LABELS[key], [shown_value(key, result[key], hide_small) for result in results])
        for key in keys
    ]


# What is missing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """One data-quality check: how many records lack something, out of how many."""

    what: str
    missing: int | str
    out_of: int | str
    about_people: bool = True  # counts of people or sessions are hidden below 5 for inspectors


def mondays_between(start: dt.date, end: dt.date) -> int:
    """How many weeks (Monday to Sunday) the period touches."""
    first = start - dt.timedelta(days=start.weekday())
    last = end - dt.timedelta(days=end.weekday())
    return (last - first).days // 7 + 1


def data_quality(prisons, start: dt.date, end: dt.date) -> list[Gap]:
    """What the records of the period lack, each as a count of what is missing out of what could
    have it. A fixed number of aggregate queries, whatever the size of the schemes."""
    prisons = list(prisons)
    weeks = mondays_between(start, end) * len(prisons)
    in_period = Session.objects.filter(prison__in=prisons, date__gte=start, date__lte=end)
    weeks_with_sessions = (
        in_period.annotate(week=TruncWeek("date")).values("prison_id", "week").distinct().count()
    )
    weeks_with_staff_time = (
        StaffTime.objects.filter(
            staff__prison__in=prisons,
            week_starting__gte=start - dt.timedelta(days=start.weekday()),
            week_starting__lte=end,
        )
        .values("staff__prison_id", "week_starting")
        .distinct()
        .count()
    )
    task_of = Session.tasks.through.objects.filter(session_id=OuterRef("pk"))
    given = delivered(prisons, start, end).aggregate(
        all=Count("pk"), no_task=Count("pk", filter=~Exists(task_of))
    )
    plan_in_force = CarePlan.objects.filter(
        recipient_id=OuterRef("pk"), la_approved_on__isnull=False, starts_on__lte=end
    )
    need_of = Recipient.needs.through.objects.filter(recipient_id=OuterRef("pk"))
    people = Recipient.objects.filter(
        pk__in=supported_recipient_ids(prisons, start, end)
    ).aggregate(
        all=Count("pk"),
        no_need=Count("pk", filter=~Exists(need_of)),
        no_plan=Count("pk", filter=~Exists(plan_in_force)),
    )
    training_of = TrainingRecord.objects.filter(buddy_id=OuterRef("pk"))
    buddies = active_buddies(prisons).aggregate(
        all=Count("pk"), untrained=Count("pk", filter=~Exists(training_of))
    )
    return [
        Gap(
            "Weeks with no session recorded",
            weeks - weeks_with_sessions,
            weeks,
            about_people=False,
        ),
        Gap(
            "Weeks with no staff time logged",
            max(weeks - weeks_with_staff_time, 0),
            weeks,
            about_people=False,
        ),
        Gap("Sessions delivered with no task recorded", given["no_task"], given["all"]),
        Gap("People supported with no need recorded", people["no_need"], people["all"]),
        Gap(
            "People supported with no care plan approved by the local authority",
            people["no_plan"],
            people["all"],
        ),
        Gap("Active buddies with no training on record", buddies["untrained"], buddies["all"]),
    ]


def shown_gaps(gaps: list[Gap], *, hide_small: bool) -> list[Gap]:
    if not hide_small:
        return gaps
    return [
        Gap(gap.what, suppress(gap.missing, gap.missing), suppress(gap.out_of, gap.out_of))
        if gap.about_people
        else gap
        for gap in gaps
    ]


# Costs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrisonCosts:
    prison: object
    financial_year: str
    report: object | None  # costs.calculation.CostResult, or None with no cost template


def costs_summary(prisons, end: dt.date) -> list[PrisonCosts]:
    """Each prison's cost report for the financial year holding `end`, if it has a template."""
    from costs.models import CostYear
    from costs.services import cost_report

    year = financial_year_of(end)
    templates = {
        cost_year.prison_id: cost_year
        for cost_year in CostYear.objects.filter(prison__in=prisons, financial_year=year)
    }
    return [
        PrisonCosts(
            prison,
            year,
            cost_report(templates[prison.pk]) if prison.pk in templates else None,
        )
        for prison in prisons
    ]


# Incidents ----------------------------------------------------------------------------------


def incident_table(breakdown: dict) -> list[tuple[str, list]]:
    """The "category:severity" breakdown as rows of (category, [low, medium, high]): the same
    cells, hidden or not, and no totals that could give a hidden cell away."""
    categories: dict[str, dict] = {}
    for code, number in breakdown.items():
        category, _colon, severity = code.partition(":")
        categories.setdefault(category, {})[severity] = number
    return [
        (category, [cells.get(severity, 0) for severity in Severity.values])
        for category, cells in sorted(categories.items())
    ]


def outcome_tables(prison, on: dt.date, *, hide_small: bool):
    """Survey results of one prison: its baseline beside its latest wave started by `on`."""
    from outcomes import results

    waves = results.waves_by_prison([prison], on).get(prison.pk, [])
    return results.tables(results.baseline_and_latest(waves), hide_small=hide_small)


# The PDF ------------------------------------------------------------------------------------


def summary_context(prisons, start: dt.date, end: dt.date, *, hide_small: bool) -> dict:
    from governance.classification import governance_model
    from governance.compliance import psi_compliance

    prisons = list(prisons)
    previous_start, previous_end = previous_period(start, end)
    with small_numbers_hidden(hide_small):
        now = compute_all(prisons, start, end)
        before = compute_all(prisons, previous_start, previous_end)
        profiles = [
            {
                "prison": prison,
                "classification": governance_model(prison, end),
                "results": psi_compliance(prison, end),
            }
            for prison in prisons
        ]
    series = monthly_sessions(prisons, end)
    if hide_small:
        series = hide_small_months(series)
    incidents = shown_value("incidents", now["incidents"], hide_small)
    return {
        "prisons": prisons,
        "profiles": profiles,
        "rows": indicator_rows([now, before], hide_small=hide_small),
        "period": f"{govuk_date(start)} to {govuk_date(end)}",
        "previous": f"{govuk_date(previous_start)} to {govuk_date(previous_end)}",
        "series": series,
        "charts": [
            ("Sessions delivered each month", bars(series, "delivered")),
            ("Sessions missed each month", bars(series, "missed")),
        ],
        "incidents": incident_table(incidents),
        "severities": Severity.labels,
        "costs": costs_summary(prisons, end),
        "gaps": shown_gaps(data_quality(prisons, start, end), hide_small=hide_small),
        "hide_small": hide_small,
        **_outcomes(prisons, end, hide_small=hide_small),
    }


def _outcomes(prisons: list, end: dt.date, *, hide_small: bool) -> dict:
    """One prison's survey results by subscale; for several, each prison's overall scores."""
    from outcomes import results

    if len(prisons) == 1:
        return {"outcome_tables": outcome_tables(prisons[0], end, hide_small=hide_small)}
    return {"outcome_comparisons": results.comparison(prisons, end, hide_small=hide_small)}


def summary_title(prisons, start: dt.date, end: dt.date) -> str:
    prisons = list(prisons)
    who = prisons[0].name if len(prisons) == 1 else f"{len(prisons)} prisons"
    return f"Monitoring summary: {who}, {govuk_date(start)} to {govuk_date(end)}"


def summary_pdf(prisons, start: dt.date, end: dt.date, *, hide_small: bool, request=None) -> bytes:
    """The tagged A4 monitoring summary: profile, PSI requirements, every indicator beside the
    previous period, charts, incidents, costs, survey results and what is missing."""
    from common.pdf import render_pdf

    prisons = list(prisons)
    context = summary_context(prisons, start, end, hide_small=hide_small)
    names = ", ".join(prison.name for prison in prisons)
    return render_pdf(
        template_name="monitoring/summary_pdf.html",
        context={**context, "running_header": f"{names} · {context['period']}"},
        title=summary_title(prisons, start, end),
        subject="Peer-supported social care: the evaluation guide's indicators",
        sensitive=False,
        request=request,
    )
