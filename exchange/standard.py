"""The national data standard, version 1 (docs/DATA-STANDARD.md): its files, their columns in
order, which are required, and each file's key. A public contract: names here never change.

Also the value formats every file shares: dates, yes/no, lists of codes, money and hours, and the
prison number and prison code patterns. Readers raise `BadValue` with a message for the user.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


@dataclass(frozen=True)
class FileSpec:
    name: str  # the file's kind, and its name without .csv (an XLSX sheet's name)
    columns: tuple[str, ...]  # every column, in the standard's order
    required: frozenset[str]
    key: tuple[str, ...]

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


def spec(name: str, columns: str, key: str) -> FileSpec:
    """From the standard's own notation: `a*, b, c*` (required columns starred)."""
    names = [column.strip() for column in columns.split(",")]
    return FileSpec(
        name=name,
        columns=tuple(column.rstrip("*") for column in names),
        required=frozenset(column.rstrip("*") for column in names if column.endswith("*")),
        key=tuple(column.strip() for column in key.split(",")),
    )


# In the order a set of files is imported, whatever their order on disk.
FILES: dict[str, FileSpec] = {
    f.name: f
    for f in [
        spec(
            "prisons",
            "prison_code*, name*, category*, local_authority*, region, scheme_name, "
            "scheme_formality, leadership, scheme_started_on, allows_outer_clothing, "
            "allows_medication_collect, mandatory_modules",
            "prison_code",
        ),
        spec(
            "staff",
            "prison_code*, staff_ref*, name*, role*, organisation*, band, withdrawn",
            "prison_code, staff_ref",
        ),
        spec(
            "buddies",
            "prison_code*, prison_number*, given_name*, family_name*, status*, applied_on, "
            "vetted_on, vetting_outcome, interviewed_on, offered_on, rejected_on, "
            "rejection_reason, compact_signed_on, benefits_explained_on, "
            "safeguarding_briefed_on, started_on, ended_on, end_reason, pay_scheme, "
            "pay_rate_per_session, other_peer_roles",
            "prison_code, prison_number",
        ),
        spec(
            "recipients",
            "prison_code*, prison_number*, given_name*, family_name*, date_of_birth, needs, "
            "mental_capacity, formal_care, referred_to_la_on, la_assessed_on, la_outcome, "
            "support_started_on, support_ended_on, end_reason",
            "prison_code, prison_number",
        ),
        spec(
            "care_plans",
            "prison_code*, prison_number*, starts_on*, review_due_on*, tasks*, "
            "capacity_at_agreement, agreed_with_recipient_on, agreed_with_buddy_on, "
            "best_interests_decision_by, la_approved_on, reviewed_on, boundaries_explained_on, "
            "notes",
            "prison_code, prison_number, starts_on",
        ),
        spec(
            "assignments",
            "prison_code*, buddy_prison_number*, recipient_prison_number*, started_on*, "
            "ended_on, no_personal_relationship_confirmed*, withdrawn",
            "prison_code, buddy_prison_number, recipient_prison_number, started_on",
        ),
        spec(
            "training",
            "prison_code*, person_kind*, person_ref*, module*, provider*, completed_on*, hours, "
            "expires_on, withdrawn",
            "prison_code, person_kind, person_ref, module, completed_on",
        ),
        spec(
            "staff_time",
            "prison_code*, staff_ref*, week_starting*, activity*, hours*, withdrawn",
            "prison_code, staff_ref, week_starting, activity",
        ),
        spec(
            "supervision",
            "prison_code*, reference*, date*, kind*, supervisor*, buddy_prison_numbers*, "
            "minutes, notes, withdrawn",
            "prison_code, reference",
        ),
        spec(
            "incidents",
            "prison_code*, reference*, occurred_on*, category*, severity*, buddy_prison_number, "
            "recipient_prison_number, status*, safeguarding_referral_on, closed_on, summary, "
            "withdrawn",
            "prison_code, reference",
        ),
        spec(
            "sessions",
            "prison_code*, date*, period*, buddy_prison_number, recipient_prison_number*, "
            "minutes*, tasks, delivered*, informal*, paid, off_plan_reason, withdrawn",
            "prison_code, date, period, buddy_prison_number, recipient_prison_number",
        ),
    ]
}

COST_TEMPLATE = re.compile(r"^cost-template-([A-Z]{2,5})-(\d{4}-\d{2})\.json$")
PRISON_NUMBER = re.compile(r"^[A-Z][0-9]{4}[A-Z]{2}$")
PRISON_CODE = re.compile(r"^[A-Z]{2,5}$")


class BadValue(ValueError):
    """A cell that cannot be read; the message says what was expected."""


# Reading ------------------------------------------------------------------------------------


def read_date(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadValue(f"'{text}' is not a date written YYYY-MM-DD, like 2026-01-31") from None


def read_bool(text: str) -> bool | None:
    """yes or no; empty is not recorded (None), never no."""
    if not text:
        return None
    if text in ("yes", "no"):
        return text == "yes"
    raise BadValue(f"'{text}' must be yes or no")


def read_codes(text: str) -> list[str]:
    """A `;`-separated list; order carries no meaning; repeats count once."""
    return sorted({code.strip() for code in text.split(";") if code.strip()})


def read_int(text: str, *, low: int = 0, high: int | None = None) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"\d+", text):
        raise BadValue(f"'{text}' must be a whole number, {low} or more")
    value = int(text)
    if value < low or (high is not None and value > high):
        raise BadValue(f"'{text}' must be from {low} to {high}")
    return value


def read_decimal(text: str, *, what: str = "an amount") -> Decimal | None:
    """Pounds or hours: up to two decimal places, no symbol, not negative."""
    if not text:
        return None
    try:
        if not re.fullmatch(r"\d+(\.\d{1,2})?", text):
            raise InvalidOperation
        return Decimal(text)
    except InvalidOperation:
        raise BadValue(
            f"'{text}' must be {what} with at most two decimals and no symbol, like 12.50"
        ) from None


def read_choice(text: str, choices) -> str:
    """A code from a list (a TextChoices class or a list of codes); empty stays empty."""
    values = list(getattr(choices, "values", choices))
    if text and text not in values:
        raise BadValue(f"'{text}' is not one of: {', '.join(values)}")
    return text


def read_prison_number(text: str) -> str:
    if not PRISON_NUMBER.fullmatch(text):
        raise BadValue(
            f"'{text}' is not a prison number: one letter, 4 digits, 2 letters (A1234BC)"
        )
    return text


# Writing ------------------------------------------------------------------------------------


def write(value) -> str:
    """A value as the standard writes it: dates ISO, booleans yes/no, lists sorted with `;`,
    money and hours with two decimals, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, list | tuple | set | frozenset):
        return ";".join(sorted(str(item) for item in value))
    return str(value)
