"""The monitoring_report command: JSON and CSV say the same as compute_all, and bad input is
refused with a clear message."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from monitoring.indicators import compute_all
from tests.test_indicators import END, START, build_dataset


@pytest.fixture
def dataset(home_prison, other_prison):
    return build_dataset(home_prison, other_prison)


def run(*args) -> str:
    out = io.StringIO()
    call_command("monitoring_report", *args, stdout=out)
    return out.getvalue()


def period(fmt: str, *codes: str) -> list[str]:
    prisons = [arg for code in codes for arg in ("--prison", code)]
    return [*prisons, "--from", START.isoformat(), "--to", END.isoformat(), "--format", fmt]


def as_text(value) -> str:
    return "" if value is None else str(value)


def csv_rows(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["indicator", "code", "value"]
    return rows[1:]


def json_rows(report: dict) -> list[list[str]]:
    """The JSON report flattened as the CSV lays it out."""
    rows = []
    for key, value in report["indicators"].items():
        if isinstance(value, dict):
            rows += [[key, code, as_text(number)] for code, number in value.items()]
        else:
            rows.append([key, "", as_text(value)])
    return rows


def test_json_matches_compute_all(dataset, home_prison):
    report = json.loads(run(*period("json", "HMX")))
    expected = compute_all([home_prison], START, END)
    assert report["prison_codes"] == ["HMX"]
    assert report["from"] == "2026-01-12"
    assert report["to"] == "2026-01-25"
    assert list(report["indicators"]) == list(expected)
    for key, indicator in expected.items():
        value = indicator.value
        if isinstance(value, dict):
            assert report["indicators"][key] == {
                code: str(n) if isinstance(n, Decimal) else n for code, n in value.items()
            }
        else:
            assert report["indicators"][key] == (
                str(value) if isinstance(value, Decimal) else value
            )
    # Decimals travel as strings, never floats.
    assert report["indicators"]["buddy_hours_per_week"]["scheme_total"] == "2.63"
    assert report["indicators"]["staff_hours"] == "5.75"


def test_csv_and_json_agree(dataset):
    as_json = json.loads(run(*period("json", "HMX", "OTX")))
    as_csv = csv_rows(run(*period("csv", "HMX", "OTX")))
    assert as_csv == json_rows(as_json)
    assert ["sessions_missed", "missed_regime_lockdown", "2"] in csv_rows(
        run(*period("csv", "HMX"))
    )
    assert ["psi_requirements_met", "HMX", "3"] in as_csv


def test_report_written_to_a_file(dataset, tmp_path):
    target = tmp_path / "report.csv"
    assert run(*period("csv", "HMX"), "--output", str(target)) == ""
    assert csv_rows(target.read_text()) == csv_rows(run(*period("csv", "HMX")))


def test_unknown_prison_is_refused(dataset):
    with pytest.raises(CommandError, match="No prison with code NOPE"):
        run(*period("json", "HMX", "NOPE"))


def test_bad_date_is_refused(home_prison):
    with pytest.raises(CommandError, match="--from must be a real date"):
        run("--prison", "HMX", "--from", "2026-02-30", "--to", "2026-03-01")


def test_period_ending_before_it_starts_is_refused(home_prison):
    with pytest.raises(CommandError, match="must be on or before --to"):
        run("--prison", "HMX", "--from", "2026-03-01", "--to", "2026-02-01")
