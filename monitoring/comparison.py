"""Prisons compared: key indicators per prison, or per region, category, leadership or
governance model, with small numbers hidden for those who see no records.

A group's figure is worked out by the indicator engine over the group's prisons together (a
percentage is the group's own, not an average of its prisons'). When small numbers are hidden, a
group's figure is withheld ("[c]") wherever one of its prisons has that figure hidden: otherwise
the group's figure less the other prisons' would give the hidden one away.
"""

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

from common.formatting import govuk_date
from common.spreadsheet import CsvWriter, safe_row
from governance.classification import governance_models_for
from monitoring.disclosure import CONFIDENTIAL, SMALL
from monitoring.indicators import LABELS, Indicator, compute_all
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


def prison_cells(prison, start: dt.date, end: dt.date, *, hide_small: bool, model=None) -> dict:
    """The prison's compared figures. `model`, the prison's governance model when already worked
    out for many prisons at once (governance_models_for), saves working it out again."""
    keys = [key for key in COMPARED if key != "governance_model" or model is None]
    found = compute_all([prison], start, end, keys=keys)
    if model is not None:
        found["governance_model"] = Indicator("governance_model", model, 1)
    return {key: shown_value(key, found[key], hide_small) for key in COMPARED}


def group_label(prison, by: str, model: int) -> str:
    if by == "region":
        return prison.region or "No region recorded"
    if by == "category":
        return prison.get_category_display()
    if by == "leadership":
        scheme = getattr(prison, "scheme", None)
        return scheme.get_leadership_display() if scheme else "No scheme"
    return f"Model {model}"


def comparison_table(
    prisons,
    start: dt.date,
    end: dt.date,
    *,
    by: str,
    hide_small: bool,
    progress: Callable[[int, int], None] | None = None,
):
    """(column keys, rows). Per prison the columns are COMPARED; per group, the governance model
    column gives way to the number of prisons in the group. `progress(done, total)` is told of
    each prison worked out."""
    prisons = list(prisons)
    models = {pk: found.model for pk, found in governance_models_for(prisons, end).items()}
    per_prison = {}
    for done, prison in enumerate(prisons, start=1):
        per_prison[prison.pk] = prison_cells(
            prison, start, end, hide_small=hide_small, model=models[prison.pk]
        )
        if progress is not None:
            progress(done, len(prisons))
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
        found = compute_all(members, start, end, keys=keys)
        for key in keys:
            if hide_small and any(per_prison[p.pk][key] == SMALL for p in members):
                cells.append(CONFIDENTIAL)
            else:
                cells.append(shown_value(key, found[key], hide_small))
        rows.append(Row(label, members, cells))
    return ["prisons", *keys], rows


def headings(keys: list[str]) -> list[str]:
    return ["Prisons" if key == "prisons" else LABELS[key] for key in keys]


# Across more prisons than this, the comparison page offers its CSV and PDF as files prepared in
# the background: at national scale they take more than a few seconds (bench/bench_monitoring).
BACKGROUND_FROM = 10


def compared_prisons(user):
    """The prisons the user may compare, in the order of the table."""
    from governance.models import Prison

    return list(
        Prison.objects.for_user(user)
        .select_related("scheme", "local_authority")
        .order_by("region", "name")
    )


def comparison_file(
    user,
    start: dt.date,
    end: dt.date,
    *,
    by: str,
    output: str,
    request=None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[str, str, bytes]:
    """The comparison of the user's prisons as a file: (filename, content type, bytes), `output`
    "csv" or "pdf". The same whether a page asks for it or a background task prepares it."""
    from monitoring.views import hides_small_numbers

    hide_small = hides_small_numbers(user)
    keys, rows = comparison_table(
        compared_prisons(user), start, end, by=by, hide_small=hide_small, progress=progress
    )
    name = f"prisons-compared-by-{by.replace('_', '-')}-{start}-to-{end}"
    if output == "csv":
        out = io.StringIO()
        writer = CsvWriter(out)
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
        return f"{name}.csv", "text/csv; charset=utf-8", out.getvalue().encode("utf-8")
    from common.pdf import render_pdf

    period = f"{govuk_date(start)} to {govuk_date(end)}"
    context = {
        "rows": rows,
        "headings": headings(keys),
        "by": by,
        "by_label": GROUPINGS[by],
        "start": start,
        "end": end,
        "hide_small": hide_small,
        "running_header": f"Prisons compared · {period}",
    }
    pdf = render_pdf(
        template_name="monitoring/comparison_pdf.html",
        context=context,
        title=f"Prisons compared by {GROUPINGS[by].lower()}, {period}",
        subject="Peer-supported social care: the evaluation guide's indicators",
        sensitive=False,
        request=request,
    )
    return f"{name}.pdf", "application/pdf", pdf
