"""The weekly sheet: a grid of (buddy, person) rows by day and period, and its one-letter codes.

A cell holds minutes for a delivered session ("30"), minutes and "u" for one worked but not paid
("30u"), or a letter for a missed one: L regime or lockdown, B buddy unavailable, D the person
declined, M another reason. An empty cell means no session.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils import dateformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from buddies.activity import PERIOD_WORDS, SessionContext, SessionInput, default_paid
from buddies.constants import Outcome, Period
from buddies.models import Session

MISSED_CODES = {
    "L": Outcome.MISSED_REGIME_LOCKDOWN,
    "B": Outcome.MISSED_BUDDY_UNAVAILABLE,
    "D": Outcome.MISSED_RECIPIENT_DECLINED,
    "M": Outcome.MISSED_OTHER,
}
CODE_FOR_OUTCOME = {outcome: code for code, outcome in MISSED_CODES.items()}
CELL = re.compile(r"^\s*(?:(?P<minutes>\d{1,3})\s*(?P<unpaid>[uU])?|(?P<missed>[LBDMlbdm]))\s*$")
CELL_HELP = (
    "Enter minutes (like 30), minutes and u if not paid (30u), or L, B, D or M for a missed session"
)


class CellInvalid(ValueError):
    """A cell's text is not minutes, minutes and u, or a missed-session letter."""


# Weeks and months asked for by address are kept to years the service can mean.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_iso_week(text: str) -> dt.date:
    """The Monday of an ISO week written like 2026-W03 (ValueError if there is no such week)."""
    match = re.fullmatch(r"(\d{4})-W(\d{2})", text)
    if not match or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        raise ValueError(text)
    return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)


def iso_week(monday: dt.date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def cell_name(buddy_id: int, recipient_id: int, day: dt.date, period: str) -> str:
    return f"c-{buddy_id}-{recipient_id}-{day.isoformat()}-{period}"


def cell_text(session: Session) -> str:
    if session.outcome == Outcome.DELIVERED:
        return f"{session.minutes}{'' if session.paid else 'u'}"
    return CODE_FOR_OUTCOME[session.outcome]


def parse_cell(text: str, *, usual_minutes: int) -> tuple[str, int, bool | None] | None:
    """(outcome, minutes, paid or None for the prison's default) for a cell, or None when empty."""
    if not text.strip():
        return None
    match = CELL.match(text)
    if not match:
        raise CellInvalid(CELL_HELP)
    if match["missed"]:
        return MISSED_CODES[match["missed"].upper()], usual_minutes, None
    return Outcome.DELIVERED, int(match["minutes"]), False if match["unpaid"] else None


NOT_OPEN_CELL = (
    '<td class="govuk-table__cell pc-sheet__cell">'
    '<span class="govuk-visually-hidden">Not assigned or in the future</span></td>'
)
_INPUT = (
    '<input class="govuk-input pc-sheet__input{error_class}" id="{{0}}" name="{{0}}" '
    'value="{{1}}" autocomplete="off" spellcheck="false" maxlength="4" aria-label="{{2}}"'
)
OPEN_CELL = (
    '<td class="govuk-table__cell pc-sheet__cell">' + _INPUT.format(error_class="") + "></td>"
)
ERROR_CELL = (
    '<td class="govuk-table__cell pc-sheet__cell pc-sheet__cell--error">'
    + _INPUT.format(error_class=" govuk-input--error")
    + ' aria-invalid="true" aria-describedby="{3}-error">'
    '<span class="govuk-visually-hidden" id="{4}-error">Error: {5}</span></td>'
)


@dataclass
class Cell:
    name: str
    day: dt.date
    period: str
    value: str = ""
    enabled: bool = True
    errors: list[str] = field(default_factory=list)
    label: str = ""  # what a screen reader says for the cell

    def html(self) -> str:
        """The cell's `<td>`: an input with its label and any error, or "not assigned". Put
        together here rather than in the template: a full week has about 1,900 cells, and the
        template's tags for each were most of the sheet's time (bench/bench_lead_pages.py)."""
        if not self.enabled:
            return mark_safe(NOT_OPEN_CELL)  # noqa: S308 - fixed text, nothing from a user
        if not self.errors:
            return format_html(OPEN_CELL, self.name, self.value, self.label)
        return format_html(
            ERROR_CELL,
            self.name,
            self.value,
            self.label,
            self.name,
            self.name,
            " ".join(self.errors),
        )


@dataclass
class Row:
    buddy: object
    recipient: object
    cells: list[Cell]


def periods_for(sessions: list[Session], evenings: bool) -> list[str]:
    if evenings or any(s.period == Period.EVE for s in sessions):
        return [Period.AM, Period.PM, Period.EVE]
    return [Period.AM, Period.PM]


def build_rows(
    *, assignments, monday: dt.date, periods: list[str], today: dt.date, values: dict[str, str]
) -> list[Row]:
    """One row per buddy and person assigned at some point in the week; a cell is enabled on the
    days the assignment is open and not in the future."""
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    windows: dict[tuple, list] = {}
    pairs = {}
    for a in assignments:
        windows.setdefault((a.buddy_id, a.recipient_id), []).append((a.started_on, a.ended_on))
        pairs[(a.buddy_id, a.recipient_id)] = (a.buddy, a.recipient)
    rows = []
    ordered = sorted(
        pairs.items(),
        key=lambda item: (item[1][0].family_name, item[1][0].given_name, item[1][1].family_name),
    )
    # Each cell's label is put together here, with the words of each day and period worked out
    # once: as template filters, for ~1,900 cells, they were most of the sheet's rendering time.
    when = {
        (day, period): f"{dateformat.format(day, 'l')} {PERIOD_WORDS[period]}"
        for day in days
        for period in periods
    }
    for (buddy_id, recipient_id), (buddy, recipient) in ordered:
        cells = []
        pair = f"{buddy.full_name} with {recipient.full_name}"
        for day in days:
            open_then = any(
                start <= day and (end is None or day <= end)
                for start, end in windows[(buddy_id, recipient_id)]
            )
            for period in periods:
                name = cell_name(buddy_id, recipient_id, day, period)
                cells.append(
                    Cell(
                        name=name,
                        day=day,
                        period=period,
                        value=values.get(name, ""),
                        enabled=open_then and day <= today,
                        label=f"{pair}, {when[(day, period)]}",
                    )
                )
        rows.append(Row(buddy=buddy, recipient=recipient, cells=cells))
    return rows


def entries_from_post(
    *, rows: list[Row], post, ctx: SessionContext, existing: dict[tuple, Session]
) -> tuple[dict[tuple, SessionInput | None], dict[str, list[str]]]:
    """The cells of the grid that the POST changes: new, changed or emptied.

    A cell not sent is left as it is (only a cell sent empty removes a session), a cell sent as it
    was stored is left alone (so what the grid cannot show, such as a prison's own missed reason,
    is kept), and cells not on the grid are ignored.
    """
    entries, errors = {}, {}
    usual = ctx.prison.scheme.usual_session_minutes
    for row in rows:
        for cell in row.cells:
            if not cell.enabled or cell.name not in post:
                continue
            key = (row.buddy.pk, row.recipient.pk, cell.day, cell.period)
            text = post[cell.name]
            cell.value = text
            current = existing.get(key)
            if current is None and not text.strip():
                continue
            if current is not None and text.strip().upper() == cell_text(current).upper():
                continue
            try:
                parsed = parse_cell(text, usual_minutes=usual)
            except CellInvalid as invalid:
                errors[cell.name] = [str(invalid)]
                continue
            if parsed is None:
                entries[key] = None
                continue
            outcome, minutes, paid = parsed
            if current is not None:  # keep what was recorded about the tasks
                codes = [t.code for t in current.tasks.all()]
                off_plan_reason = current.off_plan_reason
            else:
                codes = sorted(ctx.plan_tasks(row.recipient.pk, cell.day) or [])
                off_plan_reason = ""
            entries[key] = SessionInput(
                date=cell.day,
                period=cell.period,
                buddy_id=row.buddy.pk,
                recipient_id=row.recipient.pk,
                minutes=minutes,
                task_codes=codes,
                outcome=outcome,
                paid=paid if paid is not None else default_paid(ctx.prison, outcome),
                off_plan_reason=off_plan_reason,
            )
    return entries, errors
