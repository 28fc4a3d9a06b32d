"""The monitoring outputs say the same thing: the command's JSON and CSV, the lead's dashboard and
the PDF summary (its text read back with pdftotext) give the same figures for the same period.
Also: what is missing from the records, worked out by hand; the PDF format of the command; the
dashboard's queries do not grow with the data."""

import datetime as dt
import html
import io
import json
import re
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.templatetags.govuk import words
from monitoring.indicators import LABELS, compute_all
from monitoring.summary import Gap, data_quality, mondays_between
from tests.factories import BuddyFactory
from tests.test_indicators import (
    END,
    QUERIES_FOR_ONE_PRISON,
    START,
    add_scheme_activity,
    build_dataset,
    d,
)

# The lead's dashboard on this day shows "Last 12 months" as 26 January 2025 to 25 January 2026,
# which holds the whole hand-made dataset (11 to 26 January 2026, less the 26th).
TODAY = dt.date(2026, 1, 25)
YEAR_START = dt.date(2025, 1, 26)


@pytest.fixture
def dataset(home_prison, other_prison):
    return build_dataset(home_prison, other_prison)


def report(*args) -> str:
    out = io.StringIO()
    call_command("monitoring_report", *args, stdout=out)
    return out.getvalue()


def as_text(value) -> str:
    """A figure as the dashboard and the PDF write it."""
    if value is None:
        return "\N{EN DASH}"
    if value == {}:
        return "None"
    if isinstance(value, dict):
        return " ".join(
            f"{words(code).capitalize()}: {as_text(number)}" for code, number in value.items()
        )
    return str(value)


def pdf_text(pdf: bytes, tmp_path, *, layout: bool) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf)
    command = ["/usr/bin/pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("•", " ")).strip()


def dashboard_cells(page: str) -> dict[str, list[str]]:
    """{row heading: [cell text, ...]} of the dashboard's indicator table."""
    table = page[page.index('aria-label="Indicators by period"') :]
    rows = {}
    for label, cells in re.findall(r'scope="row"[^>]*>([^<]*)</th>(.*?)</tr>', table, re.S):
        texts = re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
        rows[html.unescape(label)] = [
            squeeze(html.unescape(re.sub(r"<[^>]+>", " ", t))) for t in texts
        ]
    return rows


def test_json_csv_dashboard_and_pdf_agree(dataset, client, lead, monkeypatch, tmp_path):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)
    period = ["--prison", "HMX", "--from", YEAR_START.isoformat(), "--to", TODAY.isoformat()]
    indicators = json.loads(report(*period, "--format", "json"))["indicators"]
    labels = LABELS

    # Hand-checked anchors, so that agreement cannot be agreement on nothing: over the year the
    # dataset's 26 January session falls outside, its 11 January one inside.
    assert indicators["sessions_delivered"] == 10
    assert indicators["sessions_missed"]["missed_regime_lockdown"] == 2
    assert indicators["support_by_task"]["laundry"] == 1

    # CSV: the same figures row by row.
    csv_rows = report(*period, "--format", "csv").splitlines()[1:]
    flattened = []
    for key, value in indicators.items():
        if isinstance(value, dict):
            flattened += [f"{key},{code},{'' if n is None else n}" for code, n in value.items()]
        else:
            flattened.append(f"{key},,{'' if value is None else value}")
    assert csv_rows == flattened

    # Dashboard: the last-12-months column.
    client.force_login(lead)
    cells = dashboard_cells(
        client.get(reverse("monitoring-dashboard", args=["HMX"])).content.decode()
    )
    for key, value in indicators.items():
        assert cells[labels[key]][2] == as_text(value), key

    # PDF: single figures on their row of the laid-out text, breakdowns as a run of items.
    response = client.get(
        reverse("monitoring-summary-pdf", args=["HMX"]),
        {"from": YEAR_START.isoformat(), "to": TODAY.isoformat()},
    )
    laid_out = pdf_text(response.content, tmp_path, layout=True)
    table = laid_out[laid_out.index("Indicators\n") : laid_out.index("Sessions over the 12 months")]
    lines = [line.strip() for line in table.splitlines()]
    running = squeeze(pdf_text(response.content, tmp_path, layout=False))
    for key, value in indicators.items():
        if isinstance(value, dict):
            assert as_text(value) in running, key
        else:
            line = next(line for line in lines if line.startswith(labels[key][:22]))
            assert re.split(r"\s{2,}", line)[1] == as_text(value), key


def test_what_is_missing_is_counted_by_hand(dataset, home_prison, other_prison):
    BuddyFactory(prison=home_prison, status="active")  # active, with no training at all
    gaps = {gap.what: gap for gap in data_quality([home_prison], START, END)}
    # Two weeks, each with sessions and with staff time logged (weeks of 12 and 19 January).
    assert gaps["Weeks with no session recorded"] == Gap(
        "Weeks with no session recorded", 0, 2, about_people=False
    )
    assert (
        gaps["Weeks with no staff time logged"].missing,
        gaps["Weeks with no staff time logged"].out_of,
    ) == (0, 2)
    # 9 delivered sessions; the one on 20 January has no task.
    assert (
        gaps["Sessions delivered with no task recorded"].missing,
        gaps["Sessions delivered with no task recorded"].out_of,
    ) == (1, 9)
    # Rae, Ron and Rob were supported; all have needs; Rob has no approved plan.
    people = gaps["People supported with no care plan approved by the local authority"]
    assert (people.missing, people.out_of) == (1, 3)
    assert gaps["People supported with no need recorded"].missing == 0
    # Ann and Ben have training records, the new buddy none.
    untrained = gaps["Active buddies with no training on record"]
    assert (untrained.missing, untrained.out_of) == (1, 3)


def test_weeks_missing_across_prisons_and_a_longer_period(dataset, home_prison, other_prison):
    # 12 January to 8 February: 4 weeks. HMX has sessions and staff time in the weeks of 12, 19
    # and 26 January, nothing in the week of 2 February.
    gaps = {gap.what: gap for gap in data_quality([home_prison], START, d(8, 2))}
    assert (
        gaps["Weeks with no session recorded"].missing,
        gaps["Weeks with no session recorded"].out_of,
    ) == (1, 4)
    assert gaps["Weeks with no staff time logged"].missing == 1
    # Both prisons over the fortnight: 4 prison-weeks; OTX has a session only in the first week
    # and no staff time at all.
    both = {gap.what: gap for gap in data_quality([home_prison, other_prison], START, END)}
    assert (
        both["Weeks with no session recorded"].missing,
        both["Weeks with no session recorded"].out_of,
    ) == (1, 4)
    assert both["Weeks with no staff time logged"].missing == 2


def test_weeks_touched_by_a_period():
    assert mondays_between(d(12), d(25)) == 2  # Monday to Sunday
    assert mondays_between(d(14), d(20)) == 2  # Wednesday to Tuesday
    assert mondays_between(d(12), d(12)) == 1


def test_the_command_writes_the_pdf_summary(dataset, tmp_path):
    args = ["--prison", "HMX", "--from", START.isoformat(), "--to", END.isoformat()]
    with pytest.raises(CommandError, match="--output"):
        report(*args, "--format", "pdf")
    output = tmp_path / "hmx.pdf"
    report(*args, "--format", "pdf", "--output", str(output), "--suppress-small")
    assert output.read_bytes().startswith(b"%PDF")
    text = squeeze(pdf_text(output.read_bytes(), tmp_path, layout=False))
    assert "Monitoring summary: HMP Home, 12 January 2026 to 25 January 2026" in text
    assert "Numbers from 1 to 4 are shown as <5" in text
    assert "Rae" not in text and dataset["ann"].prison_number not in text


def test_the_command_can_hide_small_numbers(dataset):
    args = ["--prison", "HMX", "--from", START.isoformat(), "--to", END.isoformat()]
    shown = json.loads(report(*args))["indicators"]
    hidden = json.loads(report(*args, "--suppress-small"))["indicators"]
    assert (shown["buddies_active"], hidden["buddies_active"]) == (2, "<5")
    assert (shown["sessions_delivered"], hidden["sessions_delivered"]) == (9, 9)
    # A governance model and the PSI count are not counts of people.
    assert hidden["governance_model"] == shown["governance_model"]
    assert hidden["psi_requirements_met"] == shown["psi_requirements_met"]


# Measured once, then fixed: three periods of the indicator engine, the monthly chart, the survey
# waves and, for the lead, the action lists and the INSERT recording that they read them in the
# audit log (an inspector's figures are not personal data); the rest is signing in (session, user,
# second factor), the page's own look-ups, and saving the session with the request's time for the
# idle timeout (3).
DASHBOARD_QUERIES = {"lead": 166, "inspector": 141}


@pytest.mark.parametrize("size", [2, 6])
@pytest.mark.parametrize("role", ["lead", "inspector"])
def test_dashboard_queries_do_not_grow_with_the_data(
    role, size, request, client, home_prison, other_prison, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)
    user = request.getfixturevalue(role)
    build_dataset(home_prison, other_prison)
    add_scheme_activity(home_prison, size)  # buddies, people, sessions, plans and incidents
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("monitoring-dashboard", args=["HMX"]))
    assert page.status_code == 200
    assert len(queries) == DASHBOARD_QUERIES[role]


def test_periods_ending_on_the_same_day_share_their_states_without_changing_them(
    dataset, home_prison, django_assert_num_queries
):
    fortnight = compute_all([home_prison], START, END)
    last_week = compute_all([home_prison], d(19), END)
    memo: dict = {}
    compute_all([home_prison], START, END, memo=memo)
    with django_assert_num_queries(QUERIES_FOR_ONE_PRISON - SHARED_QUERIES - SUMMARY_WORKED_OUT):
        shared = compute_all([home_prison], d(19), END, memo=memo)
    assert shared == last_week
    assert shared["psi_requirements_met"] == fortnight["psi_requirements_met"]
    assert shared["sessions_delivered"] != fortnight["sessions_delivered"]


# psi_requirements_met and governance_model (most of them), the cost templates, and the five
# other states at the end of the period.
SHARED_QUERIES = 42
# The first call worked out the days just written in the daily summary: the second finds it fresh.
SUMMARY_WORKED_OUT = 8
