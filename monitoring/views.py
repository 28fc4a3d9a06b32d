import datetime as dt

from django.shortcuts import render
from django.utils import timezone

from accounts import policy
from accounts.todo import action_lists
from common.downloads import attachment
from monitoring import comparison as compared
from monitoring import summary
from monitoring.comparison import (
    GROUPINGS,
    compared_prisons,
    comparison_file,
    comparison_table,
    headings,
)
from monitoring.indicators import compute_all
from monitoring.trends import bars, hide_small_months, monthly_sessions


def periods(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """This month so far, last month, and the last 12 months."""
    first = today.replace(day=1)
    last_month_end = first - dt.timedelta(days=1)
    return [
        ("This month", first, today),
        ("Last month", last_month_end.replace(day=1), last_month_end),
        ("Last 12 months", today - dt.timedelta(days=364), today),
    ]


def hides_small_numbers(user) -> bool:
    """Whoever may not see records sees counts of 1 to 4 as "<5" (statistical disclosure control)."""
    return not policy.has_capability(user, policy.VIEW_PERSONAL_DATA)


@policy.prison_view(policy.VIEW_AGGREGATES)
def dashboard(request, prison):
    """Every indicator for this month, last month and the last 12 months, monthly charts and,
    for those who see the records, the prison's action lists."""
    today = timezone.localdate()
    chosen = periods(today)
    hide_small = hides_small_numbers(request.user)
    memo: dict = {}  # this month and the last 12 months end today: their states are shared
    results = [compute_all([prison], start, end, memo=memo) for _label, start, end in chosen]
    series = monthly_sessions(prison, today)
    if hide_small:
        series = hide_small_months(series)
    todo = [] if hide_small else action_lists(request.user, [prison])
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "prison": prison,
            "periods": chosen,
            "rows": summary.indicator_rows(results, hide_small=hide_small),
            "hide_small": hide_small,
            "series": series,
            "charts": [
                ("Sessions delivered each month", bars(series, "delivered")),
                ("Sessions missed each month", bars(series, "missed")),
            ],
            "todo": todo,
            "outcomes": summary.outcome_tables(prison, today, hide_small=hide_small),
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


@policy.require_capability(policy.VIEW_AGGREGATES)
def comparison(request):
    """Key indicators across the user's prisons, per prison or per region, category, leadership
    or governance model; as a page, a CSV or a PDF. Across more than BACKGROUND_FROM prisons the
    page offers the CSV and PDF as files prepared in the background (files.tasks); the CSV and
    PDF addresses still answer at once, for scripts."""
    start, end = _period_from(request, timezone.localdate())
    by = request.GET.get("by")
    if by not in GROUPINGS:
        by = "prison"
    output = request.GET.get("format")
    if output in ("csv", "pdf"):
        name, content_type, content = comparison_file(
            request.user, start, end, by=by, output=output, request=request
        )
        return attachment(content, name, content_type)
    prisons = compared_prisons(request.user)
    hide_small = hides_small_numbers(request.user)
    keys, rows = comparison_table(prisons, start, end, by=by, hide_small=hide_small)
    context = {
        "rows": rows,
        "headings": headings(keys),
        "by": by,
        "by_label": GROUPINGS[by],
        "groupings": GROUPINGS,
        "start": start,
        "end": end,
        "hide_small": hide_small,
        "query": f"from={start}&to={end}&by={by}",
        "in_background": len(prisons) > compared.BACKGROUND_FROM,
        "file_formats": [("csv", "CSV"), ("pdf", "PDF")],
    }
    return render(request, "monitoring/comparison.html", context)


@policy.prison_view(policy.VIEW_AGGREGATES)
def summary_pdf(request, prison):
    """The monitoring summary of one prison for a period, as a tagged A4 PDF for inspectors."""
    from common.pdf import pdf_response

    start, end = _period_from(request, timezone.localdate())
    pdf = summary.summary_pdf(
        [prison], start, end, hide_small=hides_small_numbers(request.user), request=request
    )
    return pdf_response(pdf, f"monitoring-{prison.code}-{start}-to-{end}.pdf")
