"""The evaluation's cost template, calculated: one pure function, no database.

Rules (DOMAIN.md "Costing method", DATA-STANDARD.md cost-template):
- Staff time is costed at the hourly unit cost of its salary band in the financial year.
- A component with a missing band, quantity or cost, or a band with no unit cost for that year,
  is not guessed: it goes into `incomplete` with a plain reason and is left out of totals.
- Every payer's costs count in the total; `by_payer` splits it. Buddy pay and prison staff are paid
  by the prison; external organisations bear their own cost; other lines name their payer.
- Per-buddy and per-recipient figures divide the total (and the total without training) by the
  buddies who worked and the recipients supported in the year. Arithmetic is exact in Decimal;
  rounding half-up to pennies happens only when figures are written out.
- The split by pay scheme: each scheme's own buddy pay over the recipients its buddies supported,
  plus every other cost shared equally across all recipients.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

PAYERS = ["prison", "local_authority", "external_organisation", "other"]
COMPONENTS = [
    "buddy_pay",
    "training",
    "staff_labour",
    "external_organisations",
    "non_labour",
    "incentives",
]
PENNY = Decimal("0.01")


@dataclass(frozen=True)
class BuddyPayLine:
    scheme: str
    rate_per_session: Decimal
    sessions_per_week: Decimal
    weeks: Decimal
    buddies: int


@dataclass(frozen=True)
class StaffLine:
    role: str
    band: int | None
    hours: Decimal | None
    purpose: str = "running"


@dataclass(frozen=True)
class ExternalLine:
    organisation: str
    role: str
    hours: Decimal | None
    cost: Decimal | None


@dataclass(frozen=True)
class ItemLine:
    item: str
    unit_cost: Decimal | None
    quantity: Decimal | None
    paid_by: str


@dataclass(frozen=True)
class PaidLine:
    """A training cost or an incentive: a description, a cost and who paid it."""

    description: str
    cost: Decimal | None
    paid_by: str


@dataclass
class CostInput:
    prison_code: str
    financial_year: str
    buddies_in_year: int
    recipients_in_year: int
    buddy_pay: list[BuddyPayLine] = field(default_factory=list)
    staff: list[StaffLine] = field(default_factory=list)
    external_organisations: list[ExternalLine] = field(default_factory=list)
    non_labour: list[ItemLine] = field(default_factory=list)
    training: list[PaidLine] = field(default_factory=list)
    incentives: list[PaidLine] = field(default_factory=list)
    recipients_by_scheme: dict[str, int] | None = None
    prison_estimate_total: Decimal | None = None


@dataclass
class CostResult:
    prison_code: str
    financial_year: str
    source_of_buddy_pay: str
    buddies: int
    recipients: int
    components: dict[str, Decimal]
    by_payer: dict[str, Decimal]
    total: Decimal
    total_excluding_training: Decimal
    per_buddy: Decimal | None
    per_buddy_excluding_training: Decimal | None
    per_recipient: Decimal | None
    per_recipient_excluding_training: Decimal | None
    per_recipient_by_scheme: dict[str, Decimal]
    incomplete: list[str]
    prison_estimate_total: Decimal | None = None
    source_of_staff_time: str = "template"

    def as_json(self) -> dict:
        """The report's JSON form: amounts as strings with two decimals."""

        def money(value):
            return None if value is None else str(value.quantize(PENNY, rounding=ROUND_HALF_UP))

        return {
            "prison_code": self.prison_code,
            "financial_year": self.financial_year,
            "source_of_buddy_pay": self.source_of_buddy_pay,
            "source_of_staff_time": self.source_of_staff_time,
            "buddies": self.buddies,
            "recipients": self.recipients,
            "components": {k: money(v) for k, v in self.components.items()},
            "by_payer": {k: money(v) for k, v in self.by_payer.items()},
            "total": money(self.total),
            "total_excluding_training": money(self.total_excluding_training),
            "per_buddy": money(self.per_buddy),
            "per_buddy_excluding_training": money(self.per_buddy_excluding_training),
            "per_recipient": money(self.per_recipient),
            "per_recipient_excluding_training": money(self.per_recipient_excluding_training),
            "per_recipient_by_scheme": {
                k: money(v) for k, v in self.per_recipient_by_scheme.items()
            },
            "incomplete": list(self.incomplete),
        }


def financial_year_start(label: str) -> dt.date:
    """1 April of a financial year written like 2022-23 (ValueError if it is not one)."""
    first, _dash, second = label.partition("-")
    if not (len(first) == 4 and len(second) == 2 and first.isdigit() and second.isdigit()):
        raise ValueError(label)
    if (int(first) + 1) % 100 != int(second):
        raise ValueError(label)
    return dt.date(int(first), 4, 1)


def last_financial_year(today: dt.date | None = None) -> str:
    """The most recent financial year that has ended, like 2025-26 in November 2026."""
    today = today or dt.date.today()
    start = today.year - 1 if today.month >= 4 else today.year - 2
    return f"{start}-{(start + 1) % 100:02d}"


def calculate(
    inp: CostInput,
    *,
    unit_costs: dict[int, Decimal],
    pay_from_sessions: dict[str, Decimal] | None = None,
) -> CostResult:
    """Cost the scheme for one prison and year.

    `unit_costs` maps salary band to the hourly cost in this financial year. `pay_from_sessions`,
    when given, is the buddy pay computed from logged sessions by pay scheme, and replaces the
    template's buddy_pay lines.
    """
    components = dict.fromkeys(COMPONENTS, Decimal("0"))
    by_payer = dict.fromkeys(PAYERS, Decimal("0"))
    incomplete: list[str] = []
    pay_by_scheme: dict[str, Decimal] = {}

    def add(component: str, payer: str, amount: Decimal) -> None:
        components[component] += amount
        by_payer[payer] += amount

    if pay_from_sessions is not None:
        source = "sessions"
        for scheme, amount in pay_from_sessions.items():
            pay_by_scheme[scheme] = pay_by_scheme.get(scheme, Decimal("0")) + amount
            add("buddy_pay", "prison", amount)
    else:
        source = "template"
        for line in inp.buddy_pay:
            amount = line.rate_per_session * line.sessions_per_week * line.weeks * line.buddies
            pay_by_scheme[line.scheme] = pay_by_scheme.get(line.scheme, Decimal("0")) + amount
            add("buddy_pay", "prison", amount)

    for line in inp.staff:
        if line.hours is None:
            incomplete.append(f"{line.role}: hours not recorded; not costed")
        elif line.band is None:
            incomplete.append(
                f"{line.role}: salary band not recorded; {_num(line.hours)} hours not costed"
            )
        elif line.band not in unit_costs:
            incomplete.append(
                f"{line.role}: no unit cost for band {line.band} in {inp.financial_year}; "
                f"{_num(line.hours)} hours not costed"
            )
        else:
            add("staff_labour", "prison", line.hours * unit_costs[line.band])

    for line in inp.external_organisations:
        if line.cost is None:
            incomplete.append(f"{line.organisation} ({line.role}): cost not recorded; not costed")
        else:
            add("external_organisations", "external_organisation", line.cost)

    for line in inp.non_labour:
        missing = [
            name
            for name, value in [("unit cost", line.unit_cost), ("quantity", line.quantity)]
            if value is None
        ]
        if missing:
            incomplete.append(f"{line.item}: {' and '.join(missing)} not recorded; not costed")
        else:
            add("non_labour", line.paid_by, line.unit_cost * line.quantity)

    for component, lines in [("training", inp.training), ("incentives", inp.incentives)]:
        for line in lines:
            if line.cost is None:
                incomplete.append(f"{line.description}: cost not recorded; not costed")
            else:
                add(component, line.paid_by, line.cost)

    total = sum(components.values(), Decimal("0"))
    without_training = total - components["training"]

    def per(amount: Decimal, count: int) -> Decimal | None:
        return amount / count if count else None

    by_scheme = {}
    if inp.recipients_by_scheme and inp.recipients_in_year:
        shared = (total - components["buddy_pay"]) / inp.recipients_in_year
        for scheme, recipients in sorted(inp.recipients_by_scheme.items()):
            if recipients:
                by_scheme[scheme] = pay_by_scheme.get(scheme, Decimal("0")) / recipients + shared
    return CostResult(
        prison_code=inp.prison_code,
        financial_year=inp.financial_year,
        source_of_buddy_pay=source,
        buddies=inp.buddies_in_year,
        recipients=inp.recipients_in_year,
        components=components,
        by_payer={payer: amount for payer, amount in by_payer.items() if amount},
        total=total,
        total_excluding_training=without_training,
        per_buddy=per(total, inp.buddies_in_year),
        per_buddy_excluding_training=per(without_training, inp.buddies_in_year),
        per_recipient=per(total, inp.recipients_in_year),
        per_recipient_excluding_training=per(without_training, inp.recipients_in_year),
        per_recipient_by_scheme=by_scheme,
        incomplete=incomplete,
        prison_estimate_total=inp.prison_estimate_total,
    )


def _num(value: Decimal) -> str:
    """A quantity without trailing zeros: 50, 2.5."""
    text = format(value.normalize(), "f")
    return text
