"""Prisons compared: key indicators per prison, or per region, category, leadership or
governance model, with small numbers hidden for those who see no records.

A group's figure is worked out by the indicator engine over the group's prisons together (a
percentage is the group's own, not an average of its prisons'). When small numbers are hidden, a
group's figure is withheld ("[c]") wherever one of its prisons has that figure hidden: otherwise
the group's figure less the other prisons' would give the hidden one away.
"""

import datetime as dt
from dataclasses import dataclass

from monitoring.disclosure import CONFIDENTIAL, SMALL
from monitoring.indicators import INDICATORS, LABELS
from monitoring.summary import shown_value

COMPARED = [
    "buddies_active",
    "recipients_supported",
    "sessions_delivered",
    "sessions_informal",
    "buddies_trained_pct",
    "buddies_supervised_pct",
    "incidents_per_1000_sessions",
    "escalations_due",
    "governance_model",
]

GROUPINGS = {
    "prison": "Prison",
    "region": "Region",
    "category": "Category",
    "leadership": "Who leads the scheme",
    "governance_model": "Governance model",
}


@dataclass
class Row:
    label: str
    prisons: list
    cells: list

    @property
    def prison(self):
        """The prison of a one-prison row (the per-prison table links to its dashboard)."""
        return self.prisons[0] if len(self.prisons) == 1 else None


def prison_cells(prison, start: dt.date, end: dt.date, *, hide_small: bool) -> dict:
    return {
        key: shown_value(key, INDICATORS[key]([prison], start, end), hide_small) for key in COMPARED
    }


def group_label(prison, by: str, model: int) -> str:
    if by == "region":
        return prison.region or "No region recorded"
    if by == "category":
        return prison.get_category_display()
    if by == "leadership":
        scheme = getattr(prison, "scheme", None)
        return scheme.get_leadership_display() if scheme else "No scheme"
    return f"Model {model}"


def comparison_table(prisons, start: dt.date, end: dt.date, *, by: str, hide_small: bool):
    """(column keys, rows). Per prison the columns are COMPARED; per group, the governance model
    column gives way to the number of prisons in the group."""
    prisons = list(prisons)
    per_prison = {
        prison.pk: prison_cells(prison, start, end, hide_small=hide_small) for prison in prisons
    }
    if by == "prison":
        return COMPARED, [
            Row(prison.name, [prison], [per_prison[prison.pk][key] for key in COMPARED])
            for prison in prisons
        ]
    keys = [key for key in COMPARED if key != "governance_model"]
    groups: dict[str, list] = {}
    for prison in prisons:
        label = group_label(prison, by, per_prison[prison.pk]["governance_model"])
        groups.setdefault(label, []).append(prison)
    rows = []
    for label, members in sorted(groups.items()):
        cells = [len(members)]
        for key in keys:
            if hide_small and any(per_prison[p.pk][key] == SMALL for p in members):
                cells.append(CONFIDENTIAL)
            else:
                value = shown_value(key, INDICATORS[key](members, start, end), hide_small)
                cells.append(value)
        rows.append(Row(label, members, cells))
    return ["prisons", *keys], rows


def headings(keys: list[str]) -> list[str]:
    return ["Prisons" if key == "prisons" else LABELS[key] for key in keys]
