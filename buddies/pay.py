"""The pay sheet: sessions worked and paid per buddy, and pay due at the rate on each session's date.

Counting is done by the database, grouped by buddy and rate; money is multiplied in Python with
Decimal, so totals are exact to the penny. A paid session with no rate recorded for its date is
counted and flagged, never priced by guess.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from buddies.constants import Outcome
from buddies.models import Buddy, PayRate, Session


@dataclass
class PayLine:
    buddy: Buddy
    worked: int = 0  # delivered sessions
    paid: int = 0  # sessions paid, delivered or not (a regime-cancelled one may be paid)
    unpaid_worked: int = 0  # delivered but not paid: the work buddies do for nothing
    pay_due: Decimal = Decimal("0.00")
    unpriced: int = 0  # paid sessions with no rate recorded for their date
    rates: set[Decimal] = field(default_factory=set)


@dataclass
class PaySheet:
    start: dt.date
    end: dt.date
    lines: list[PayLine]

    @property
    def totals(self) -> PayLine:
        total = PayLine(buddy=None)
        for line in self.lines:
            total.worked += line.worked
            total.paid += line.paid
            total.unpaid_worked += line.unpaid_worked
            total.pay_due += line.pay_due
            total.unpriced += line.unpriced
        return total


def pay_sheet(prison, start: dt.date, end: dt.date) -> PaySheet:
    """Pay per buddy for sessions from `start` to `end` inclusive, in three queries.

    The database counts sessions by buddy, day, outcome and pay; each day's count is priced at the
    rate in force that day (the latest rate starting on or before it).
    """
    groups = list(
        Session.objects.filter(prison=prison, buddy__isnull=False, date__range=(start, end))
        .values("buddy_id", "date", "outcome", "paid")
        .annotate(sessions=Count("pk"))
        .order_by()
    )
    buddy_ids = {row["buddy_id"] for row in groups}
    rates: dict[int, list[tuple[dt.date, Decimal]]] = {}
    for rate in PayRate.objects.filter(buddy_id__in=buddy_ids, effective_from__lte=end).order_by(
        "-effective_from"
    ):
        rates.setdefault(rate.buddy_id, []).append((rate.effective_from, rate.rate_per_session))
    buddies = Buddy.objects.in_bulk(buddy_ids)
    lines: dict[int, PayLine] = {}
    for row in groups:
        line = lines.setdefault(row["buddy_id"], PayLine(buddy=buddies[row["buddy_id"]]))
        count, delivered = row["sessions"], row["outcome"] == Outcome.DELIVERED
        line.worked += count if delivered else 0
        line.unpaid_worked += count if delivered and not row["paid"] else 0
        if not row["paid"]:
            continue
        line.paid += count
        rate = next(
            (r for since, r in rates.get(row["buddy_id"], []) if since <= row["date"]), None
        )
        if rate is None:
            line.unpriced += count
        else:
            line.rates.add(rate)
            line.pay_due += rate * count
    ordered = sorted(
        lines.values(), key=lambda line: (line.buddy.family_name, line.buddy.given_name)
    )
    return PaySheet(start=start, end=end, lines=ordered)
