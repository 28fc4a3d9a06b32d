"""Prisons compared per prison and per group, with small numbers hidden for inspectors and a
group's figure withheld where it would give a hidden prison's figure away. Every expected figure is
counted by hand from the sessions made here (12 to 25 January 2026)."""

import subprocess

import pytest
from django.urls import reverse

from governance.compliance import PARTLY_MET, RequirementResult, psi_compliance
from monitoring.comparison import comparison_table
from monitoring.disclosure import small_numbers_hidden
from tests.factories import PrisonFactory, RecipientFactory
from tests.test_indicators import END, START, d, fit_buddy, session

PERIOD = {"from": START.isoformat(), "to": END.isoformat()}


@pytest.fixture
def prisons(home_prison, other_prison):
    """HMX (North, C): 6 buddies, 6 sessions. OTX (North, B): 5 buddies, 5 sessions and 2 of
    informal help. ZZX (South, C): 1 buddy, 1 session."""
    home_prison.region, home_prison.category = "North", "C"
    other_prison.region, other_prison.category = "North", "B"
    home_prison.save()
    other_prison.save()
    south = PrisonFactory(code="ZZX", name="HMP South", region="South", category="C")
    for prison, buddies in [(home_prison, 6), (other_prison, 5), (south, 1)]:
        for n in range(buddies):
            person = RecipientFactory(prison=prison)
            session(prison, d(13), person, 30, buddy=fit_buddy(prison), tasks=["laundry"])
            if prison == other_prison and n < 2:
                session(prison, d(14), person, 20, informal=True, helper_prison_number="X9999ZZ")
    return [home_prison, other_prison, south]


def columns(keys, row) -> dict:
    return dict(zip(keys, row.cells, strict=True))


def test_by_region_for_inspectors_withholds_groups_with_a_hidden_prison(prisons):
    keys, rows = comparison_table(prisons, START, END, by="region", hide_small=True)
    north, south = rows
    assert (north.label, south.label) == ("North", "South")
    figures = columns(keys, north)
    assert figures["prisons"] == 2
    assert figures["buddies_active"] == 11  # 6 + 5, both shown for each prison
    assert figures["recipients_supported"] == 11
    assert figures["sessions_delivered"] == 13  # 6 + 5 + 2 informal
    assert figures["sessions_informal"] == "[c]"  # OTX's 2 is hidden: North less HMX would tell
    assert columns(keys, south)["buddies_active"] == "[c]"
    assert "governance_model" not in keys


def test_by_region_for_those_who_see_records_hides_nothing(prisons):
    keys, rows = comparison_table(prisons, START, END, by="region", hide_small=False)
    north, south = (columns(keys, row) for row in rows)
    assert (north["sessions_informal"], south["buddies_active"]) == (2, 1)


def test_by_category_groups_prisons_of_one_category(prisons):
    keys, rows = comparison_table(prisons, START, END, by="category", hide_small=True)
    by_label = {row.label: columns(keys, row) for row in rows}
    assert set(by_label) == {"Category B", "Category C"}
    assert by_label["Category B"]["sessions_delivered"] == 7
    assert by_label["Category C"]["prisons"] == 2
    assert by_label["Category C"]["buddies_active"] == "[c]"  # ZZX's 1 is hidden


def test_per_prison_rows_hide_small_counts(prisons):
    keys, rows = comparison_table(prisons, START, END, by="prison", hide_small=True)
    figures = {row.prison.code: columns(keys, row) for row in rows}
    assert figures["HMX"]["buddies_active"] == 6
    assert figures["OTX"]["sessions_informal"] == "<5"
    assert figures["ZZX"]["buddies_active"] == "<5"


def test_the_comparison_downloads_as_csv_and_pdf(prisons, client, inspector, tmp_path):
    client.force_login(inspector)
    url = reverse("monitoring-comparison")
    response = client.get(url, {**PERIOD, "by": "region", "format": "csv"})
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("region,prisons,buddies_active,recipients_supported")
    assert lines[1].startswith("North,2,11,11,13,[c],")
    assert lines[2].startswith("South,1,[c],[c],[c],")

    response = client.get(url, {**PERIOD, "by": "region", "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert (
        "prisons-compared-by-region-2026-01-12-to-2026-01-25.pdf"
        in (response["Content-Disposition"])
    )
    path = tmp_path / "compared.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(  # noqa: S603
        ["/usr/bin/pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Prisons compared by region, 12 January 2026 to 25 January 2026" in text
    north = next(line for line in text.splitlines() if line.strip().startswith("North"))
    assert north.split()[:6] == ["North", "2", "11", "11", "13", "[c]"]


def test_an_unknown_grouping_falls_back_to_prisons(prisons, client, analyst):
    client.force_login(analyst)
    page = client.get(reverse("monitoring-comparison"), {**PERIOD, "by": "shoe_size"})
    assert page.status_code == 200
    assert "By prison, 12 January 2026 to 25 January 2026" in page.content.decode()


def test_psi_explanations_write_small_counts_as_less_than_five(prisons):
    south = prisons[2]
    plain = psi_compliance(south, END)[4]  # requirement 5: compact and pay rate
    with small_numbers_hidden():
        hidden = psi_compliance(south, END)[4]
    assert "of 1 active buddy" in plain.explanation
    assert "of <5 active buddies" in hidden.explanation
    assert "1 with a compact" in plain.explanation
    assert "<5 with a compact" in hidden.explanation


@pytest.mark.parametrize(
    ("numerator", "denominator", "hidden", "percent"),
    [(3, 10, False, 30), (3, 10, True, None), (7, 10, True, None), (6, 12, True, 50)],
)
def test_a_partly_met_share_is_not_given_when_it_would_tell_a_small_count(
    numerator, denominator, hidden, percent
):
    result = RequirementResult(
        number=5,
        title="",
        status=PARTLY_MET,
        numerator=numerator,
        denominator=denominator,
        explanation="",
        evidence=("", {}, ""),
        url="",
        small_numbers_hidden=hidden,
    )
    assert result.percent == percent
