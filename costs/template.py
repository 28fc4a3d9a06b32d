"""Read a cost-template JSON (DATA-STANDARD.md) into a CostInput, reporting every error as
`field: message`, and write a CostInput back in the standard's form."""

from decimal import Decimal, InvalidOperation

from costs.calculation import (
    PAYERS,
    BuddyPayLine,
    CostInput,
    ExternalLine,
    ItemLine,
    PaidLine,
    StaffLine,
    financial_year_start,
)

SCHEMES = ["standard", "enhanced", "credit", "unpaid_volunteer"]
TOP_KEYS = {
    "prison_code",
    "financial_year",
    "buddies_in_year",
    "recipients_in_year",
    "buddy_pay",
    "staff",
    "external_organisations",
    "non_labour",
    "training",
    "incentives",
    "recipients_by_scheme",
    "prison_estimate_total",
}
LINE_KEYS = {
    "buddy_pay": ({"scheme", "rate_per_session", "sessions_per_week", "weeks", "buddies"}, set()),
    "staff": ({"role", "band", "hours"}, {"purpose"}),
    "external_organisations": ({"organisation", "role", "hours", "cost"}, set()),
    "non_labour": ({"item", "unit_cost", "quantity", "paid_by"}, set()),
    "training": ({"description", "cost", "paid_by"}, set()),
    "incentives": ({"description", "cost", "paid_by"}, set()),
}


class TemplateInvalid(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class _Reader:
    def __init__(self):
        self.errors: list[str] = []

    def fail(self, where: str, message: str):
        self.errors.append(f"{where}: {message}")

    def amount(self, where: str, value, *, nullable=True, places=2) -> Decimal | None:
        """Money or a quantity: a string or a number, 0 or more; null means not known."""
        if value is None:
            if not nullable:
                self.fail(where, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(where, "must be a number or a string of digits")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(where, f"{value!r} is not a number")
            return None
        if not number.is_finite():
            self.fail(where, f"{value!r} is not a number")
            return None
        if number < 0:
            self.fail(where, "must be 0 or more")
            return None
        if -number.as_tuple().exponent > places:
            self.fail(where, f"must have at most {places} decimal places")
            return None
        return number

    def whole(self, where: str, value, *, nullable=False) -> int | None:
        if value is None:
            if not nullable:
                self.fail(where, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(where, "must be a whole number, 0 or more")
            return None
        return value

    def text(self, where: str, value) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(where, "must be some text")
            return ""
        return value.strip()

    def code(self, where: str, value, allowed: list[str]) -> str:
        if value not in allowed:
            self.fail(where, f"must be one of {', '.join(allowed)}")
        return value


def holds_nul(data) -> bool:
    """Whether a key or a text anywhere in parsed JSON holds the NUL character (written \\u0000
    in JSON), which PostgreSQL cannot store. Walked without recursion: the parser allows nesting
    about as deep as Python's recursion limit."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str) and "\x00" in item:
            return True
        if isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            pending += item
    return False


def read_template(data) -> CostInput:
    """Check and read a parsed cost-template JSON. Raises TemplateInvalid listing every error."""
    if holds_nul(data):  # refused before any message could quote it
        raise TemplateInvalid(["file: a text in it holds the NUL character (\\u0000)"])
    r = _Reader()
    if not isinstance(data, dict):
        raise TemplateInvalid(["file: must be a JSON object"])
    for key in sorted(set(data) - TOP_KEYS):
        r.fail(key, "is not a field of the cost template")
    prison_code = data.get("prison_code")
    if not isinstance(prison_code, str) or not (
        2 <= len(prison_code) <= 5 and prison_code.isalpha() and prison_code.isupper()
    ):
        r.fail("prison_code", "must be 2 to 5 capital letters")
    year = data.get("financial_year")
    try:
        financial_year_start(year if isinstance(year, str) else "")
    except ValueError:
        r.fail("financial_year", "must be a financial year like 2022-23")
    buddies = r.whole("buddies_in_year", data.get("buddies_in_year"))
    recipients = r.whole("recipients_in_year", data.get("recipients_in_year"))

    lines: dict[str, list] = {}
    for name, (required, optional) in LINE_KEYS.items():
        items = data.get(name, [])
        if not isinstance(items, list):
            r.fail(name, "must be a list")
            items = []
        lines[name] = []
        for index, item in enumerate(items):
            where = f"{name}[{index}]"
            if not isinstance(item, dict):
                r.fail(where, "must be an object")
                continue
            for key in sorted(set(item) - required - optional):
                r.fail(f"{where}.{key}", "is not a field of this list")
            for key in sorted(required - set(item)):
                r.fail(f"{where}.{key}", "is missing (use null when not known)")
            lines[name].append((where, item))

    buddy_pay = [
        BuddyPayLine(
            scheme=r.code(f"{w}.scheme", i.get("scheme"), SCHEMES),
            rate_per_session=r.amount(
                f"{w}.rate_per_session", i.get("rate_per_session"), nullable=False
            ),
            sessions_per_week=r.amount(
                f"{w}.sessions_per_week", i.get("sessions_per_week"), nullable=False
            ),
            weeks=r.amount(f"{w}.weeks", i.get("weeks"), nullable=False),
            buddies=r.whole(f"{w}.buddies", i.get("buddies")),
        )
        for w, i in lines["buddy_pay"]
    ]
    staff = []
    for w, i in lines["staff"]:
        purpose = i.get("purpose", "running")
        if purpose not in {"set_up", "running"}:
            r.fail(f"{w}.purpose", "must be set_up or running")
        staff.append(
            StaffLine(
                role=r.text(f"{w}.role", i.get("role")),
                band=r.whole(f"{w}.band", i.get("band"), nullable=True),
                hours=r.amount(f"{w}.hours", i.get("hours")),
                purpose=purpose,
            )
        )
    external = [
        ExternalLine(
            organisation=r.text(f"{w}.organisation", i.get("organisation")),
            role=r.text(f"{w}.role", i.get("role")),
            hours=r.amount(f"{w}.hours", i.get("hours")),
            cost=r.amount(f"{w}.cost", i.get("cost")),
        )
        for w, i in lines["external_organisations"]
    ]
    non_labour = [
        ItemLine(
            item=r.text(f"{w}.item", i.get("item")),
            unit_cost=r.amount(f"{w}.unit_cost", i.get("unit_cost")),
            quantity=r.amount(f"{w}.quantity", i.get("quantity")),
            paid_by=r.code(f"{w}.paid_by", i.get("paid_by"), PAYERS),
        )
        for w, i in lines["non_labour"]
    ]
    paid = {
        name: [
            PaidLine(
                description=r.text(f"{w}.description", i.get("description")),
                cost=r.amount(f"{w}.cost", i.get("cost")),
                paid_by=r.code(f"{w}.paid_by", i.get("paid_by"), PAYERS),
            )
            for w, i in lines[name]
        ]
        for name in ("training", "incentives")
    }
    by_scheme = data.get("recipients_by_scheme")
    if by_scheme is not None:
        if not isinstance(by_scheme, dict):
            r.fail("recipients_by_scheme", "must be an object of pay scheme to number")
            by_scheme = None
        else:
            for scheme, count in by_scheme.items():
                r.code(f"recipients_by_scheme.{scheme}", scheme, SCHEMES)
                r.whole(f"recipients_by_scheme.{scheme}", count)
            counts = list(by_scheme.values())
            whole = all(isinstance(v, int) and not isinstance(v, bool) for v in counts)
            if recipients is not None and whole and sum(counts) != recipients:
                r.fail("recipients_by_scheme", f"must add up to recipients_in_year ({recipients})")
    paid_buddies = [line.buddies for line in buddy_pay]
    if buddies is not None and None not in paid_buddies and sum(paid_buddies) > buddies:
        r.fail(
            "buddy_pay", f"the buddies on its lines add up to more than buddies_in_year ({buddies})"
        )
    estimate = r.amount("prison_estimate_total", data.get("prison_estimate_total"))
    if r.errors:
        raise TemplateInvalid(r.errors)
    return CostInput(
        prison_code=prison_code,
        financial_year=year,
        buddies_in_year=buddies,
        recipients_in_year=recipients,
        buddy_pay=buddy_pay,
        staff=staff,
        external_organisations=external,
        non_labour=non_labour,
        training=paid["training"],
        incentives=paid["incentives"],
        recipients_by_scheme=by_scheme,
        prison_estimate_total=estimate,
    )
