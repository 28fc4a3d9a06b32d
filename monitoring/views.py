import datetime as dt

from django.shortcuts import render
from django.utils import timezone

from accounts import policy
from monitoring.disclosure import NOT_ABOUT_PEOPLE, suppress
from monitoring.indicators import INDICATORS, LABELS, compute_all


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
    return render(
        request,
        "monitoring/dashboard.html",
        {"prison": prison, "periods": chosen, "rows": rows, "hide_small": hide_small},
    )
