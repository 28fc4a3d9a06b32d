import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts import policy
from accounts.todo import action_lists
from common.formatting import govuk_date
from common.spreadsheet import CsvWriter, safe_row
from monitoring import summary
from monitoring.comparison import GROUPINGS, comparison_table, headings
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
    or governance model; as a page, a CSV or a PDF."""
    from governance.models import Prison

    start, end = _period_from(request, timezone.localdate())
    by = request.GET.get("by")
    if by not in GROUPINGS:
        by = "prison"
    prisons = (
        Prison.objects.for_user(request.user)
        .select_related("scheme", "local_authority")
        .order_by("region", "name")
    )
    hide_small = hides_small_numbers(request.user)
    keys, rows = comparison_table(prisons, start, end, by=by, hide_small=hide_small)
    name = f"prisons-compared-by-{by.replace('_', '-')}-{start}-to-{end}"
    output = request.GET.get("format")
    if output == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        writer = CsvWriter(response)
        if by == "prison":
            writer.writerow(["prison_code", "region", "category", "leadership", *keys])
            for row in rows:
                scheme = getattr(row.prison, "scheme", None)
                writer.writerow(
                    safe_row(
                        [
                            row.prison.code,
                            row.prison.region,
                            row.prison.category,
                            scheme.leadership if scheme else "",
                            *row.cells,
                        ]
                    )
                )
        else:
            writer.writerow([by, *keys])
            for row in rows:
                writer.writerow(safe_row([row.label, *row.cells]))
        return response
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
    }
    if output == "pdf":
        from common.pdf import pdf_response, render_pdf

        period = f"{govuk_date(start)} to {govuk_date(end)}"
        pdf = render_pdf(
            template_name="monitoring/comparison_pdf.html",
            context={**context, "running_header": f"Prisons compared · {period}"},
            title=f"Prisons compared by {GROUPINGS[by].lower()}, {period}",
            subject="Peer-supported social care: the evaluation guide's indicators",
            sensitive=False,
            request=request,
        )
        return pdf_response(pdf, f"{name}.pdf")
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
