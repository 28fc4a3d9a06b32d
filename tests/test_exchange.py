"""Import and export of the national data standard's files: the round trip over the demo data,
re-import changing nothing, all or nothing, and each kind of error as file:line: column: message."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from buddies.models import Buddy, Session
from exchange.export import export_files, export_workbook
from exchange.importer import run_import
from exchange.models import ImportRun
from exchange.reading import FileSet, read_named, read_path
from governance.models import Incident, Prison
from governance.reference import sync_reference_codes
from recipients.models import Assignment, CarePlan, Recipient

PRISONS = (
    "prison_code,name,category,local_authority,region,scheme_name,scheme_formality,leadership\n"
    "HMX,HMP Home,C,Northshire County Council,North,Buddies,formal,prison\n"
)
BUDDIES = (
    "prison_code,prison_number,given_name,family_name,status,applied_on,vetted_on,"
    "vetting_outcome,compact_signed_on,started_on,pay_scheme,pay_rate_per_session\n"
    "HMX,A1234BC,Dev,Khan,active,2026-01-05,2026-01-06,approved,2026-01-08,2026-01-09,"
    "standard,1.50\n"
)
RECIPIENTS = (
    "prison_code,prison_number,given_name,family_name,needs,support_started_on\n"
    "HMX,B2345CD,Rae,Moss,mobility;wheelchair_user,2026-01-10\n"
)
PLANS = (
    "prison_code,prison_number,starts_on,review_due_on,tasks,capacity_at_agreement,"
    "la_approved_on\n"
    "HMX,B2345CD,2026-01-10,2026-07-10,meals_collect;wheelchair_push,has_capacity,2026-01-10\n"
)
ASSIGNMENTS = (
    "prison_code,buddy_prison_number,recipient_prison_number,started_on,"
    "no_personal_relationship_confirmed\n"
    "HMX,A1234BC,B2345CD,2026-01-10,yes\n"
)
SESSIONS = (
    "prison_code,date,period,buddy_prison_number,recipient_prison_number,minutes,tasks,"
    "delivered,informal\n"
    "HMX,2026-01-12,am,A1234BC,B2345CD,30,meals_collect,yes,no\n"
    "HMX,2026-01-12,pm,A1234BC,B2345CD,20,wheelchair_push,missed_regime_lockdown,no\n"
)


def files(**contents: str) -> FileSet:
    """A FileSet from {kind: CSV text}."""
    found = FileSet()
    for kind, text in contents.items():
        read_named(f"{kind}.csv", text.encode(), found)
    return found


def scheme(**extra) -> dict:
    return {
        "prisons": PRISONS,
        "buddies": BUDDIES,
        "recipients": RECIPIENTS,
        "care_plans": PLANS,
        "assignments": ASSIGNMENTS,
        "sessions": SESSIONS,
        **extra,
    }


@pytest.fixture
def codes(db):
    sync_reference_codes()


def counts() -> tuple:
    return tuple(
        model.objects.count()
        for model in [Prison, Buddy, Recipient, CarePlan, Assignment, Session, Incident]
    )


def test_a_scheme_moves_in_from_its_files(codes):
    report = run_import(files(**scheme()))
    assert report.errors == []
    assert counts() == (1, 1, 1, 1, 1, 2, 0)
    buddy = Buddy.objects.get(prison_number="A1234BC")
    assert (buddy.full_name, buddy.status, buddy.started_on) == (
        "Dev Khan",
        "active",
        dt.date(2026, 1, 9),
    )
    rate = buddy.pay_rates.get()
    assert (rate.pay_scheme, str(rate.rate_per_session), rate.effective_from) == (
        "standard",
        "1.50",
        dt.date(2026, 1, 9),
    )
    person = Recipient.objects.get(prison_number="B2345CD")
    assert sorted(person.needs.values_list("code", flat=True)) == ["mobility", "wheelchair_user"]
    plan = person.care_plans.get()
    assert (plan.version, plan.state) == (1, "approved")
    missed = Session.objects.get(period="pm")
    assert (missed.outcome, missed.minutes, missed.paid) == ("missed_regime_lockdown", 20, False)
    assert [c.created for c in report.counts.values()] == [1, 1, 1, 1, 1, 2]


def test_importing_the_same_files_again_changes_nothing(codes):
    run_import(files(**scheme()))
    history = Session.history.count() + Buddy.history.count() + CarePlan.history.count()
    report = run_import(files(**scheme()))
    assert report.errors == []
    assert {kind: (c.created, c.changed) for kind, c in report.counts.items()} == dict.fromkeys(
        ["prisons", "buddies", "recipients", "care_plans", "assignments", "sessions"], (0, 0)
    )
    assert sum(c.unchanged for c in report.counts.values()) == 7
    assert Session.history.count() + Buddy.history.count() + CarePlan.history.count() == history


def test_a_corrected_row_changes_the_record(codes):
    run_import(files(**scheme()))
    corrected = SESSIONS.replace(
        "HMX,2026-01-12,am,A1234BC,B2345CD,30", "HMX,2026-01-12,am,A1234BC,B2345CD,45"
    )
    report = run_import(files(sessions=corrected))
    assert (report.counts["sessions"].changed, report.counts["sessions"].unchanged) == (1, 1)
    assert Session.objects.get(period="am").minutes == 45


def test_a_withdrawn_row_removes_the_record(codes):
    run_import(files(**scheme()))
    withdrawn = (
        "prison_code,date,period,buddy_prison_number,recipient_prison_number,minutes,"
        "delivered,informal,withdrawn\n"
        "HMX,2026-01-12,pm,A1234BC,B2345CD,20,missed_regime_lockdown,no,yes\n"
    )
    report = run_import(files(sessions=withdrawn))
    assert report.counts["sessions"].withdrawn == 1
    assert list(Session.objects.values_list("period", flat=True)) == ["am"]


def test_one_bad_last_row_saves_nothing(codes):
    bad = SESSIONS + "HMX,2026-01-13,am,A1234BC,B2345CD,30,washing_bathing,yes,no\n"
    report = run_import(files(**scheme(sessions=bad)))
    assert report.errors[0].startswith("sessions.csv:4: tasks: Washing or bathing is never allowed")
    assert len(report.errors) == 1
    assert counts() == (0, 0, 0, 0, 0, 0, 0)


def test_a_dry_run_counts_and_saves_nothing(codes):
    report = run_import(files(**scheme()), dry_run=True)
    assert report.ok and report.counts["sessions"].created == 2
    assert counts() == (0, 0, 0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "buddies",
            BUDDIES.replace("pay_rate_per_session\n", "pay_rate_per_session,shoe_size\n"),
            "buddies.csv:1: shoe_size: not a column of buddies.csv in version 1 of the data "
            "standard (own columns must start with x_)",
        ),
        (
            "buddies",
            BUDDIES.replace("given_name,", ""),
            "buddies.csv:1: given_name: this required column is missing from the header",
        ),
        (
            "buddies",
            BUDDIES.replace(",active,", ",working,"),
            "buddies.csv:2: status: 'working' is not one of: applicant, vetting, interview, "
            "offered, rejected, active, suspended, left",
        ),
        (
            "buddies",
            BUDDIES.replace("A1234BC", "A12345"),
            "buddies.csv:2: prison_number: 'A12345' is not a prison number: one letter, 4 "
            "digits, 2 letters (A1234BC)",
        ),
        (
            "buddies",
            BUDDIES.replace("2026-01-05", "05/01/2026"),
            "buddies.csv:2: applied_on: '05/01/2026' is not a date written YYYY-MM-DD, like "
            "2026-01-31",
        ),
        (
            "recipients",
            RECIPIENTS.replace("mobility;", "mobility;flying;"),
            "recipients.csv:2: needs: 'flying' is not needs on the national list",
        ),
        (
            "care_plans",
            PLANS.replace("meals_collect;", "meals_collect;toileting;"),
            "care_plans.csv:2: tasks: Toileting is never allowed for a buddy: Toileting is "
            "intimate care. (PSI requirement 8)",
        ),
        (
            "care_plans",
            PLANS.replace("2026-07-10", "2026-01-01"),
            "care_plans.csv:2: review_due_on: The review date must be after the date the plan "
            "starts",
        ),
        (
            "assignments",
            ASSIGNMENTS.replace(",yes\n", ",no\n"),
            "assignments.csv:2: no_personal_relationship_confirmed: must be yes",
        ),
        (
            "assignments",
            ASSIGNMENTS.replace("B2345CD", "Z9999ZZ"),
            "assignments.csv:2: recipient_prison_number: no recipient Z9999ZZ at HMX in this "
            "import or on record",
        ),
        (
            "sessions",
            SESSIONS + SESSIONS.splitlines()[1] + "\n",
            "sessions.csv:4: row: same prison_code, date, period, buddy_prison_number, "
            "recipient_prison_number as line 2",
        ),
        (
            "sessions",
            SESSIONS.replace("HMX,2026-01-12,am", "OTX,2026-01-12,am"),
            "sessions.csv:2: prison_code: no prison with code 'OTX' in this import or on record",
        ),
    ],
)
def test_each_kind_of_error_is_reported_where_it_is(codes, kind, text, expected):
    report = run_import(files(**scheme(**{kind: text})))
    assert any(error.startswith(expected) for error in report.errors), report.errors
    assert counts() == (0, 0, 0, 0, 0, 0, 0)


def test_dates_out_of_order_are_an_error(codes):
    ended_early = RECIPIENTS.replace(
        "support_started_on\n", "support_started_on,support_ended_on\n"
    ).replace(",2026-01-10\n", ",2026-01-10,2026-01-02\n")
    report = run_import(files(prisons=PRISONS, recipients=ended_early))
    assert report.errors == [
        "recipients.csv:2: support_ended_on: The end date must be on or after the start date",
        "recipients.csv:2: end_reason: Select why support ended",
    ]


def test_a_lead_cannot_import_rows_of_another_prison(codes, home_prison, other_prison):
    other = BUDDIES.replace("HMX,", "OTX,")
    report = run_import(
        files(buddies=BUDDIES + other.splitlines()[1] + "\n"), allowed_codes={"HMX"}
    )
    assert report.errors == ["buddies.csv:3: prison_code: you cannot import into HMP Other (OTX)"]
    assert Buddy.objects.count() == 0


def test_the_command_imports_a_folder_and_records_the_run(codes, tmp_path):
    for kind, text in scheme().items():
        (tmp_path / f"{kind}.csv").write_text(text)
    out = io.StringIO()
    call_command("import_data", str(tmp_path), "--dry-run", stdout=out)
    assert out.getvalue().startswith("Would import: prisons: 1 new")
    assert counts() == (0, 0, 0, 0, 0, 0, 0)
    call_command("import_data", str(tmp_path), stdout=io.StringIO())
    assert counts() == (1, 1, 1, 1, 1, 2, 0)
    (tmp_path / "sessions.csv").write_text(SESSIONS.replace(",30,", ",-5,"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem: nothing was imported"):
        call_command("import_data", str(tmp_path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().strip() == (
        "sessions.csv:2: minutes: '-5' must be a whole number, 0 or more"
    )
    assert list(ImportRun.objects.order_by("pk").values_list("result", flat=True)) == [
        "checked",
        "imported",
        "refused",
    ]


# These two empty the database half-way (flush), which needs a real transaction around the test.
@pytest.mark.django_db(transaction=True)
def test_the_demo_data_makes_the_round_trip_byte_for_byte(tmp_path):
    call_command("seed_demo", stdout=io.StringIO())
    prisons = list(Prison.objects.order_by("code"))
    before = export_files(prisons)
    assert len(before["sessions.csv"].splitlines()) > 1000
    for name, data in before.items():
        (tmp_path / name).write_bytes(data)
    call_command("flush", interactive=False)
    sync_reference_codes()
    report = run_import(read_path(tmp_path))
    assert report.errors == []
    assert export_files(Prison.objects.order_by("code")) == before


@pytest.mark.django_db(transaction=True)
def test_an_xlsx_workbook_imports_like_the_csv_files(tmp_path):
    call_command("seed_demo", stdout=io.StringIO())
    prisons = list(Prison.objects.order_by("code"))
    before = export_files(prisons)
    workbook = tmp_path / "peercare.xlsx"
    workbook.write_bytes(export_workbook(prisons))
    call_command("flush", interactive=False)
    sync_reference_codes()
    report = run_import(read_path(workbook))
    assert report.errors == []
    after = export_files(Prison.objects.order_by("code"))
    assert {n: d for n, d in after.items() if n.endswith(".csv")} == {
        n: d for n, d in before.items() if n.endswith(".csv")
    }
