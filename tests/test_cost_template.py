"""Importing a cost template and reporting it: the worked example end to end, and bad input."""

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from buddies.models import PayRate, Session
from buddies.pay import pay_sheet
from costs.models import CostYear
from tests.factories import BuddyFactory, RecipientFactory

WORKED_EXAMPLE = {
    "prison_code": "HMX",
    "financial_year": "2022-23",
    "buddies_in_year": 12,
    "recipients_in_year": 20,
    "buddy_pay": [
        {
            "scheme": "enhanced",
            "rate_per_session": "1.50",
            "sessions_per_week": 8,
            "weeks": 52,
            "buddies": 12,
        }
    ],
    "staff": [
        {"role": "Equalities officer", "band": 6, "hours": 104},
        {"role": "Wing officer", "band": None, "hours": 50},
    ],
    "external_organisations": [
        {"organisation": "Local charity", "role": "training", "hours": 14, "cost": None}
    ],
    "non_labour": [],
    "training": [
        {
            "description": "Module training, 12 buddies",
            "cost": "1200.00",
            "paid_by": "local_authority",
        }
    ],
    "incentives": [],
    "recipients_by_scheme": {"enhanced": 20},
    "prison_estimate_total": None,
}


def write(tmp_path, data, name="cost-template-HMX-2022-23.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def report(prison="HMX", year="2022-23", fmt="json"):
    from io import StringIO

    out = StringIO()
    call_command("cost_report", "--prison", prison, "--year", year, "--format", fmt, stdout=out)
    return out.getvalue()


def test_the_worked_example_through_import_and_report(home_prison, tmp_path):
    call_command("import_cost_template", str(write(tmp_path, WORKED_EXAMPLE)))
    result = json.loads(report())
    # 7,488 buddy pay + 1,200 training + 104 h x 58.70 = 6,104.80 staff = 14,792.80.
    assert result["components"]["buddy_pay"] == "7488.00"
    assert result["components"]["staff_labour"] == "6104.80"
    assert result["total"] == "14792.80"
    assert result["total_excluding_training"] == "13592.80"
    assert result["per_recipient"] == "739.64"
    assert result["per_recipient_excluding_training"] == "679.64"
    assert result["per_buddy"] == "1232.73"
    assert result["per_recipient_by_scheme"] == {"enhanced": "739.64"}
    assert result["by_payer"] == {"prison": "13592.80", "local_authority": "1200.00"}
    assert result["source_of_buddy_pay"] == "template"
    assert result["incomplete"] == [
        "Wing officer: salary band not recorded; 50 hours not costed",
        "Local charity (training): cost not recorded; not costed",
    ]


def test_the_csv_report_has_the_same_figures(home_prison, tmp_path):
    call_command("import_cost_template", str(write(tmp_path, WORKED_EXAMPLE)))
    rows = dict(
        line.split(",", 1)
        for line in report(fmt="csv").strip().splitlines()[1:]
        if not line.startswith("incomplete")
    )
    assert rows["total"] == "14792.80"
    assert rows["per_recipient"] == "739.64"


def test_reimporting_replaces_the_year(home_prison, tmp_path):
    call_command("import_cost_template", str(write(tmp_path, WORKED_EXAMPLE)))
    changed = copy.deepcopy(WORKED_EXAMPLE)
    changed["training"][0]["cost"] = "1000.00"
    call_command("import_cost_template", str(write(tmp_path, changed)))
    assert CostYear.objects.count() == 1
    assert json.loads(report())["total"] == "14592.80"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d.update(financial_year="2022-24"),
            "financial_year: must be a financial year like 2022-23",
        ),
        (lambda d: d.update(colour="blue"), "colour: is not a field of the cost template"),
        (lambda d: d["staff"][0].update(hours=-4), "staff[0].hours: must be 0 or more"),
        (
            lambda d: d["training"][0].update(paid_by="council"),
            "training[0].paid_by: must be one of prison, local_authority, external_organisation, other",
        ),
        (
            lambda d: d["buddy_pay"][0].update(rate_per_session="1.505"),
            "buddy_pay[0].rate_per_session: must have at most 2 decimal places",
        ),
        (
            lambda d: d.update(recipients_by_scheme={"enhanced": 19}),
            "recipients_by_scheme: must add up to recipients_in_year (20)",
        ),
        (lambda d: d.update(prison_code="NOPE"), "prison_code: no prison with code NOPE"),
        (
            lambda d: d["staff"][0].pop("band"),
            "staff[0].band: is missing (use null when not known)",
        ),
    ],
)
def test_bad_templates_are_refused_with_every_error_and_nothing_saved(
    home_prison, tmp_path, change, message
):
    data = copy.deepcopy(WORKED_EXAMPLE)
    change(data)
    with pytest.raises(CommandError) as raised:
        call_command("import_cost_template", str(write(tmp_path, data)))
    assert message in str(raised.value).splitlines()
    assert not CostYear.objects.exists()


def test_several_errors_are_all_listed(home_prison, tmp_path):
    data = copy.deepcopy(WORKED_EXAMPLE)
    data["buddies_in_year"] = -1
    data["non_labour"] = [{"item": "gloves", "unit_cost": "x", "quantity": 2, "paid_by": "prison"}]
    with pytest.raises(CommandError) as raised:
        call_command("import_cost_template", str(write(tmp_path, data)))
    assert str(raised.value).splitlines() == [
        "buddies_in_year: must be a whole number, 0 or more",
        "non_labour[0].unit_cost: 'x' is not a number",
    ]


def test_a_file_that_is_not_json_names_the_place(home_prison, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"prison_code": "HMX",\n  "financial_year": }')
    with pytest.raises(CommandError, match=r"broken.json:2: 21: Expecting value"):
        call_command("import_cost_template", str(path))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"[" * 100_000 + b"]" * 100_000,
            "deep.json:1: file: nested too deeply to be a cost template",
        ),
        (b'{"prison_code": "HMX\xff"}', "deep.json:1: file: not UTF-8 text (invalid start byte)"),
    ],
)
def test_a_file_too_deep_or_not_text_is_refused_by_the_command(
    home_prison, tmp_path, content, message
):
    path = tmp_path / "deep.json"
    path.write_bytes(content)
    with pytest.raises(CommandError) as raised:
        call_command("import_cost_template", str(path))
    assert str(raised.value) == str(path.parent / message)
    assert not CostYear.objects.exists()


def test_pay_from_sessions_equals_the_pay_sheet_for_the_year(home_prison, tmp_path):
    data = copy.deepcopy(WORKED_EXAMPLE)
    data["financial_year"] = "2025-26"
    buddy = BuddyFactory(prison=home_prison)
    PayRate.objects.create(
        buddy=buddy,
        pay_scheme="standard",
        rate_per_session=Decimal("1.20"),
        effective_from=dt.date(2025, 1, 1),
    )
    PayRate.objects.create(
        buddy=buddy,
        pay_scheme="enhanced",
        rate_per_session=Decimal("2.40"),
        effective_from=dt.date(2025, 10, 1),
    )
    person = RecipientFactory(prison=home_prison)
    for day, paid in [
        (dt.date(2025, 4, 1), True),
        (dt.date(2025, 9, 30), True),
        (dt.date(2025, 10, 1), True),
        (dt.date(2025, 10, 2), False),
        (dt.date(2026, 3, 31), True),
        (dt.date(2026, 4, 1), True),
    ]:
        Session.objects.create(
            prison=home_prison,
            buddy=buddy,
            recipient=person,
            date=day,
            period="am",
            minutes=30,
            paid=paid,
        )
    call_command("import_cost_template", str(write(tmp_path, data)))
    result = json.loads(report(year="2025-26"))
    # In the year: 2 paid at 1.20 (standard) and 2 paid at 2.40 (enhanced) = 7.20; 1 April 2026 is next year.
    sheet = pay_sheet(home_prison, dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert result["source_of_buddy_pay"] == "sessions"
    assert result["components"]["buddy_pay"] == "7.20" == f"{sheet.totals.pay_due:.2f}"


def test_the_pdf_report_carries_the_same_numbers(home_prison, tmp_path):
    import subprocess

    call_command("import_cost_template", str(write(tmp_path, WORKED_EXAMPLE)))
    output = tmp_path / "costs.pdf"
    call_command(
        "cost_report",
        "--prison",
        "HMX",
        "--year",
        "2022-23",
        "--format",
        "pdf",
        "--output",
        str(output),
    )
    text = subprocess.run(  # noqa: S603
        ["/usr/bin/pdftotext", "-layout", str(output), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "14792.80" in text and "739.64" in text
    assert "Wing officer: salary band not recorded; 50 hours not costed" in text


def test_staff_time_logs_replace_the_templates_staff_lines(home_prison, tmp_path):
    from governance.models import StaffMember, StaffTime

    officer = StaffMember.objects.create(
        prison=home_prison,
        staff_ref="EQ-1",
        name="Jo",
        role="Equalities officer",
        organisation="prison",
        band=6,
    )
    monday = dt.date(2022, 4, 4)
    for week in range(52):  # 2 hours a week for 52 weeks inside 2022-23
        StaffTime.objects.create(
            staff=officer,
            week_starting=monday + dt.timedelta(weeks=week),
            activity="running",
            hours=Decimal(2),
        )
    StaffTime.objects.create(
        staff=officer, week_starting=dt.date(2023, 4, 3), activity="running", hours=Decimal(9)
    )  # next year
    call_command("import_cost_template", str(write(tmp_path, WORKED_EXAMPLE)))
    result = json.loads(report())
    # 104 hours x 58.70 = 6,104.80, as the template's own staff line; the wing officer line is gone.
    assert result["source_of_staff_time"] == "staff_time_logs"
    assert result["components"]["staff_labour"] == "6104.80"
    assert result["incomplete"] == ["Local charity (training): cost not recorded; not costed"]
