import csv
import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts import policy
from common.formatting import govuk_date
from monitoring.disclosure import NOT_ABOUT_PEOPLE, suppress
from monitoring.indicators import INDICATORS, LABELS, compute_all
from monitoring.trends import bars, monthly_sessions


def periods(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """This month so far, last month, and the last 12 months."""
    first = today.replace(day=1)
    last_month_end = first - dt.timedelta(days=1)
    return [
        ("This month", first, today),
        ("Last month", last_month_end.replace(day=1), last_month_end),
        ("Last 12 months", today - dt.timedelta(days=364), today),
    ]


@policy.prison_view(policy.VIEW_AGGREGATES)
def dashboard(request, prison):
    """Every indicator for this month, last month and the last 12 months. Roles that see no
    people get small numbers hidden (statistical disclosure control)."""
    today = timezone.localdate()
    chosen = periods(today)
    results = [compute_all([prison], start, end) for _label, start, end in chosen]
    hide_small = not policy.has_capability(request.user, policy.VIEW_PERSONAL_DATA)
    rows = []
    for key in INDICATORS:
        cells = []
        for result in results:
            indicator = result[key]
            hide = hide_small and key not in NOT_ABOUT_PEOPLE
            value = suppress(indicator.value, indicator.base) if hide else indicator.value
            cells.append(value)
        rows.append((LABELS[key], cells))
    series = monthly_sessions(prison, today)
    charts = []
    if not hide_small:  # monthly counts can be small: shown only to those who see the records
        charts = [
            ("Sessions delivered each month", bars(series, "delivered")),
            ("Sessions missed each month", bars(series, "missed")),
        ]
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "prison": prison,
            "periods": chosen,
            "rows": rows,
            "hide_small": hide_small,
            "series": series,
            "charts": charts,
        },
    )


def _period_from(request, today: dt.date) -> tuple[dt.date, dt.date]:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD; by default the last 12 months. Unreadable dates, or years
    outside 2000 to 2100, fall back to the default."""

    def read(name):
        try:
            value = dt.date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None
        return value if 2000 <= value.year <= 2100 else None

    end = read("to") or today
    start = read("from") or end - dt.timedelta(days=364)
    return (start, end) if start <= end else (end, start)


COMPARED = [
    "buddies_active",
    "recipients_supported",
    "sessions_delivered",
    "sessions_informal",
    "buddies_trained_pct",
    "buddies_supervised_pct",
    "incidents_per_1000_sessions",
    "escalations_due",
    "governance_model",
]


def comparison_rows(prisons, start, end, *, hide_small: bool):
    rows = []
    for prison in prisons:
        cells = []
        for key in COMPARED:
            indicator = INDICATORS[key]([prison], start, end)
            hide = hide_small and key not in NOT_ABOUT_PEOPLE
            cells.append(suppress(indicator.value, indicator.base) if hide else indicator.value)
        rows.append((prison, cells))
    return rows


@policy.require_capability(policy.VIEW_AGGREGATES)
def comparison(request):
    """Key indicators across the user's prisons, with region, category and leadership."""
    from governance.models import Prison

    start, end = _period_from(request, timezone.localdate())
    prisons = (
        Prison.objects.for_user(request.user).select_related("scheme").order_by("region", "name")
    )
    hide_small = not policy.has_capability(request.user, policy.VIEW_PERSONAL_DATA)
    rows = comparison_rows(prisons, start, end, hide_small=hide_small)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="monitoring-{start}-to-{end}.csv"'
        writer = csv.writer(response, lineterminator="\n")
        writer.writerow(["prison_code", "region", "category", "leadership", *COMPARED])
        for prison, cells in rows:
            leadership = prison.scheme.leadership if hasattr(prison, "scheme") else ""
            writer.writerow([prison.code, prison.region, prison.category, leadership, *cells])
        return response
    return render(
        request,
        "monitoring/comparison.html",
        {
            "rows": rows,
            "headings": [LABELS[key] for key in COMPARED],
            "start": start,
            "end": end,
            "hide_small": hide_small,
            "query": request.GET.urlencode(),
        },
    )


@policy.prison_view(policy.VIEW_AGGREGATES)
def summary_pdf(request, prison):
    """The monitoring summary of one prison for a period, as a tagged A4 PDF for inspectors."""
    from common.pdf import pdf_response, render_pdf
    from governance.classification import governance_model
    from governance.compliance import psi_compliance

    start, end = _period_from(request, timezone.localdate())
    length = end - start
    previous_end = start - dt.timedelta(days=1)
    previous_start = previous_end - length
    now, before = (
        compute_all([prison], start, end),
        compute_all([prison], previous_start, previous_end),
    )
    hide_small = not policy.has_capability(request.user, policy.VIEW_PERSONAL_DATA)
    rows = []
    for key in INDICATORS:
        hide = hide_small and key not in NOT_ABOUT_PEOPLE
        values = [
            suppress(result[key].value, result[key].base) if hide else result[key].value
            for result in (now, before)
        ]
        rows.append((LABELS[key], values))
    period = f"{govuk_date(start)} to {govuk_date(end)}"
    pdf = render_pdf(
        template_name="monitoring/summary_pdf.html",
        context={
            "prison": prison,
            "rows": rows,
            "period": period,
            "previous": f"{govuk_date(previous_start)} to {govuk_date(previous_end)}",
            "classification": governance_model(prison, end),
            "results": psi_compliance(prison, end),
            "hide_small": hide_small,
            "running_header": f"{prison.name} · {period}",
        },
        title=f"Monitoring summary: {prison.name}, {period}",
        subject="Peer-supported social care: the evaluation guide's indicators",
        sensitive=False,
        request=request,
    )
    return pdf_response(pdf, f"monitoring-{prison.code}-{start}-to-{end}.pdf")
