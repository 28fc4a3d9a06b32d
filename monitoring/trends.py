"""Monthly trends for a prison's dashboard: one aggregate query, drawn as SVG on the server."""

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from buddies.constants import Outcome
from buddies.models import Session
from monitoring.disclosure import SMALL, suppress


def month_starts(end: dt.date, months: int = 12) -> list[dt.date]:
    first = end.replace(day=1)
    starts = []
    for _ in range(months):
        starts.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(starts))


def monthly_sessions(prisons, end: dt.date, months: int = 12) -> list[dict]:
    """Per month: sessions delivered and missed, and distinct people supported (delivered), for
    a prison or a list of prisons together."""
    if not isinstance(prisons, list | tuple):
        prisons = [prisons]
    starts = month_starts(end, months)
    rows = (
        Session.objects.filter(prison__in=prisons, date__gte=starts[0], date__lte=end)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(
            delivered=Count("pk", filter=Q(outcome=Outcome.DELIVERED)),
            missed=Count("pk", filter=~Q(outcome=Outcome.DELIVERED)),
            people=Count("recipient", filter=Q(outcome=Outcome.DELIVERED), distinct=True),
        )
        .order_by()
    )
    by_month = {}
    for row in rows:
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        by_month[month] = row
    return [
        {
            "month": start,
            "delivered": by_month.get(start, {}).get("delivered", 0),
            "missed": by_month.get(start, {}).get("missed", 0),
            "people": by_month.get(start, {}).get("people", 0),
        }
        for start in starts
    ]


def hide_small_months(series: list[dict]) -> list[dict]:
    """The series as someone who sees no records may see it: monthly counts of 1 to 4 as "<5"."""
    return [
        {key: value if key == "month" else suppress(value, value) for key, value in point.items()}
        for point in series
    ]


def bars(series: list[dict], key: str, *, height: int = 120, width: int = 36) -> dict:
    """Bar geometry for an SVG chart of one measure: x, y, height per month, and the scale. A
    month shown as "<5" gets no bar (its height would tell the number) and is marked `hidden`."""
    numbers = [point[key] for point in series if point[key] != SMALL]
    top = max(numbers, default=0) or 1
    shapes = []
    for index, point in enumerate(series):
        hidden = point[key] == SMALL
        bar_height = 0 if hidden else round(point[key] / top * height)
        shapes.append(
            {
                "x": index * (width + 6),
                "y": height - bar_height,
                "height": bar_height,
                "width": width,
                "label": f"{point['month']:%b}",
                "value": point[key],
                "hidden": hidden,
            }
        )
    return {"bars": shapes, "height": height, "width": len(series) * (width + 6), "top": top}
