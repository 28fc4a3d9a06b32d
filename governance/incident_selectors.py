"""Reads for incidents: the lead's to-do counts and the aggregate summary inspectors see."""

import datetime as dt

from django.db.models import Count, Q

from governance.constants import IncidentStatus, Severity
from governance.models import Incident, IncidentCategory, Prison

STILL_OPEN = [IncidentStatus.OPEN, IncidentStatus.INVESTIGATING]


def incident_todo_counts(user) -> dict[int, dict[str, int]]:
    """Per prison the user may see people in: high-severity incidents still open or being
    investigated. Prisons with none are left out. One aggregate query, whatever the number of prisons."""
    rows = (
        Incident.objects.for_user(user)
        .filter(severity=Severity.HIGH, status__in=STILL_OPEN)
        .values("prison_id")
        .annotate(open_high=Count("pk"))
        .order_by()
    )
    return {row.pop("prison_id"): row for row in rows}


def incident_counts(prison: Prison, start: dt.date, end: dt.date) -> dict:
    """Incidents at a prison that happened from `start` to `end` (inclusive), counted by category
    and severity: figures only, never who was involved or what was written.

    Returns {"rows": [(category, {severity: n}, total)], "by_severity": {severity: n}, "total": n,
    "still_open": n, "referrals": n}, every category listed, in the data standard's order.
    """
    incidents = Incident.objects.filter(prison=prison, occurred_on__range=(start, end))
    cells = {
        (row["category_id"], row["severity"]): row["n"]
        for row in incidents.values("category_id", "severity").annotate(n=Count("pk")).order_by()
    }
    severities = [s.value for s in Severity]
    rows = []
    for category in IncidentCategory.objects.all():
        counts = {s: cells.get((category.code, s), 0) for s in severities}
        rows.append((category, counts, sum(counts.values())))
    by_severity = {s: sum(n for (_c, sev), n in cells.items() if sev == s) for s in severities}
    headline = incidents.aggregate(
        still_open=Count("pk", filter=Q(status__in=STILL_OPEN)),
        referrals=Count("pk", filter=Q(safeguarding_referral_on__isnull=False)),
    )
    return {
        "rows": rows,
        "by_severity": by_severity,
        "total": sum(by_severity.values()),
        **headline,
    }
