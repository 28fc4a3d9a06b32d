"""The pseudonymised research extract (`manage.py research_extract`): no name, prison number, date
of birth or free text in any cell; keyed pseudonyms stable across runs and prisons; age bands;
refusals that write nothing; the manifest and the audit record; a fixed number of queries."""

import csv
import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from buddies.models import MissedReason, Session
from costs.models import CostYear, UnitCost
from governance.models import Incident, Task
from outcomes.extract import FILES, age_band
from outcomes.models import Answer, ExtractRun, Instrument, Response, SurveyWave
from outcomes.scoring import score_response
from tests.factories import BuddyFactory, CarePlanFactory, RecipientFactory, SurveyWaveFactory
from tests.test_cost_template import WORKED_EXAMPLE

KEY = "k" * 20 + "-research-extract-key-2026"
OTHER_KEY = "o" * 20 + "-another-research-key-2026"
FROM, TO = "2026-01-01", "2026-03-31"
FILE_NAMES = [spec.filename for spec in FILES]

# Prison numbers use only letters that cannot appear in a hex pseudonym.
SHARED_NUMBER = "Q7391XZ"  # the same person, supported at both prisons
NAMES = ["Ottoline", "Quenbury", "Barnabus", "Wolstenholme", "Perpetua", "Fitzgrimble"]
NAMES += ["Lysander", "Throgmorton", "Marigold", "Hollingsworth-Vane"]
FREE_TEXT = [
    "plum velvet care notes",
    "Dr Periwinkle Strangeways",
    "asked for help with the tapestry loom",
    "not appointed: failed the juggling test",
    "INC-ZEPHYR-17",
    "spilt marmalade on the landing",
    "moved wings after the marmalade incident",
    "restorative chat about marmalade",
    "Tangerine rest day",
]


def expected(key: str, prison_number: str) -> str:
    return hmac.new(key.encode(), prison_number.encode(), hashlib.sha256).hexdigest()[:16]


@pytest.fixture
def key(monkeypatch):
    monkeypatch.setenv("PEERCARE_PSEUDONYM_KEY", KEY)
    return KEY


def instrument(code):
    return Instrument.objects.get(code=code, version=1)


def respond(prison, *, code, answered_on, values=None, declined=False, **person):
    """A response in a wave of its own, numbered after the prison's waves so far."""
    wave = SurveyWaveFactory(
        prison=prison,
        number=SurveyWave.objects.filter(prison=prison).count(),
        starts_on=answered_on,
        ends_on=answered_on,
        instruments=[instrument(code)],
    )
    response = Response.objects.create(
        wave=wave,
        instrument=instrument(code),
        prison=prison,
        answered_on=answered_on,
        declined=declined,
        **person,
    )
    for item in response.instrument.items.all():
        if values and item.number in values:
            Answer.objects.create(response=response, item=item, value=values[item.number])
    return response


def build(home_prison, other_prison, *, size=1, tag=0):
    """People, sessions, plans, incidents, survey responses and costs, with distinctive names,
    prison numbers, dates of birth and free text; returns what must never appear."""
    secrets = {"names": set(NAMES), "numbers": {SHARED_NUMBER}, "births": set(), "text": set()}
    meals = Task.objects.get(code="meals_collect")
    rest_day, _ = MissedReason.objects.get_or_create(
        prison=home_prison, label=FREE_TEXT[8], defaults={"maps_to": "missed_other"}
    )
    secrets["text"].update(FREE_TEXT)
    born = [dt.date(1961, 2, 13), dt.date(1987, 11, 29), dt.date(1999, 6, 3), dt.date(1944, 8, 21)]
    for n in range(size):
        letter = "GHJKLMNPRSTUVWXYZ"[n + tag * 5]
        buddy_number = f"G{n:02d}{tag}8{letter}W"
        person_number = f"R{n:02d}{tag}7{letter}Y" if n or tag else SHARED_NUMBER
        helper_number = f"H{n:02d}{tag}6{letter}K"
        birth = born[n % len(born)].replace(day=1 + n + tag)
        secrets["numbers"].update({buddy_number, person_number, helper_number})
        secrets["births"].add(birth.isoformat())
        buddy = BuddyFactory(
            prison=home_prison,
            prison_number=buddy_number,
            given_name=NAMES[0],
            family_name=f"{NAMES[1]}{letter}",
            status="rejected",
            rejected_on=dt.date(2026, 1, 20),
            rejection_reason=FREE_TEXT[3],
        )
        person = RecipientFactory(
            prison=home_prison,
            prison_number=person_number,
            given_name=NAMES[2],
            family_name=f"{NAMES[3]}{letter}",
            date_of_birth=birth,
        )
        person.needs.set(["mobility", "wheelchair_user"])
        plan = CarePlanFactory(
            recipient=person,
            starts_on=dt.date(2026, 1, 12),
            capacity_at_agreement="lacks_capacity",
            best_interests_decision_by=FREE_TEXT[1],
            notes=FREE_TEXT[0],
        )
        plan.tasks.set([meals])
        delivered = Session.objects.create(
            prison=home_prison,
            date=dt.date(2026, 2, 2),
            period="am",
            buddy=buddy,
            recipient=person,
            minutes=45,
            off_plan_reason=FREE_TEXT[2],
        )
        delivered.tasks.set([meals])
        Session.objects.create(
            prison=home_prison,
            date=dt.date(2026, 2, 3),
            period="pm",
            buddy=buddy,
            recipient=person,
            minutes=0,
            outcome="missed_other",
            missed_reason=rest_day,
        )
        Session.objects.create(
            prison=home_prison,
            date=dt.date(2026, 2, 4),
            period="eve",
            helper_prison_number=helper_number,
            recipient=person,
            minutes=20,
            informal=True,
        )
        Incident.objects.create(
            prison=home_prison,
            reference=f"{FREE_TEXT[4]}-{n}{tag}",
            occurred_on=dt.date(2026, 3, 5),
            category_id="bullying",
            severity="high",
            status="open",
            buddy=buddy,
            recipient=person,
            summary=FREE_TEXT[5],
            actions=FREE_TEXT[6],
            outcome=FREE_TEXT[7],
        )
        respond(
            home_prison,
            code="peercare-recipient",
            answered_on=dt.date(2026, 2, 10),
            values=dict.fromkeys(range(1, 15), 4),
            recipient=person,
        )
        respond(
            home_prison,
            code="peercare-buddy",
            answered_on=dt.date(2026, 2, 11),
            declined=True,
            buddy=buddy,
        )
    # The shared person also supported at the other prison, under other names.
    if not tag:
        RecipientFactory(
            prison=other_prison,
            prison_number=SHARED_NUMBER,
            given_name=NAMES[4],
            family_name=NAMES[5],
            date_of_birth=dt.date(1961, 2, 13),
        )
        secrets["births"].add("1961-02-13")
        UnitCost.objects.create(financial_year="2025-26", band=6, hourly_cost="58.70")
        CostYear.objects.create(
            prison=home_prison,
            financial_year="2025-26",
            template={**WORKED_EXAMPLE, "financial_year": "2025-26"},
        )
    return secrets


def run(tmp_path, name="extract", **options):
    output = tmp_path / name
    call_command(
        "research_extract",
        "--from",
        FROM,
        "--to",
        TO,
        "--output",
        str(output),
        "--requested-by",
        options.pop("requested_by", "Research Analyst"),
        *options.pop("args", []),
    )
    return output


def read(output, filename):
    with open(output / filename, encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


def cells(output):
    for filename in FILE_NAMES:
        with open(output / filename, encoding="utf-8", newline="") as source:
            for row in csv.reader(source):
                for cell in row:
                    yield filename, cell


def test_no_name_prison_number_birth_date_or_free_text_in_any_cell(
    key, tmp_path, home_prison, other_prison
):
    secrets = build(home_prison, other_prison, size=3)
    output = run(tmp_path)
    seen = 0
    for filename, cell in cells(output):
        seen += 1
        lowered = cell.lower()
        for name in secrets["names"]:
            assert name.lower() not in lowered, (filename, cell)
        for number in secrets["numbers"]:
            assert number.lower() not in lowered, (filename, cell)
        for birth in secrets["births"]:
            assert birth not in cell, (filename, cell)
        for text in secrets["text"]:
            assert text.lower() not in lowered, (filename, cell)
            # nor a fragment of it (the distinctive words)
            for word in ("periwinkle", "marmalade", "tapestry", "juggling", "zephyr", "tangerine"):
                assert word not in lowered, (filename, cell)
    assert seen > 200
    manifest = (output / "manifest.json").read_text()
    assert KEY not in manifest
    assert not any(number in manifest for number in secrets["numbers"])
    # Every file has rows, and what is kept is kept.
    sessions = read(output, "sessions.csv")
    assert len(sessions) == 9
    informal = [row for row in sessions if row["helper_kind"] == "informal_helper"]
    assert {row["helper_pseudonym"] for row in informal} == {
        expected(KEY, number) for number in secrets["numbers"] if number.startswith("H")
    }
    delivered = next(row for row in sessions if row["minutes"] == "45")
    assert (delivered["date"], delivered["tasks"], delivered["outcome"]) == (
        "2026-02-02",
        "meals_collect",
        "yes",
    )
    assert delivered["tasks_off_plan_explained"] == "yes"
    missed = next(row for row in sessions if row["outcome"] == "missed_other")
    assert missed["missed_reason"] == "missed_other"
    plans = read(output, "care_plans.csv")
    assert {row["best_interests_decision_recorded"] for row in plans} == {"yes"}
    incidents = read(output, "incidents.csv")
    assert {(row["category"], row["severity"], row["prison_code"]) for row in incidents} == {
        ("bullying", "high", "HMX")
    }
    people = read(output, "people.csv")
    assert {row["role"] for row in people} == {"buddy", "recipient", "informal_helper"}
    assert read(output, "costs.csv")


def test_pseudonyms_are_the_keyed_hmac_stable_across_runs_and_prisons(
    monkeypatch, key, tmp_path, home_prison, other_prison
):
    build(home_prison, other_prison, size=2)
    first = run(tmp_path, "first")
    second = run(tmp_path, "second")
    shared = expected(KEY, SHARED_NUMBER)
    people = read(first, "people.csv")
    assert {row["prison_code"] for row in people if row["pseudonym"] == shared} == {"HMX", "OTX"}
    for filename in FILE_NAMES:
        assert (first / filename).read_bytes() == (second / filename).read_bytes(), filename
    buddy_pseudonym = expected(KEY, "G0008GW")
    assert buddy_pseudonym in {row["pseudonym"] for row in people if row["role"] == "buddy"}
    assert buddy_pseudonym in {row["buddy_pseudonym"] for row in read(first, "incidents.csv")}
    assert shared in {row["recipient_pseudonym"] for row in read(first, "sessions.csv")}
    assert shared in {row["pseudonym"] for row in read(first, "survey_scores.csv")}

    monkeypatch.setenv("PEERCARE_PSEUDONYM_KEY", OTHER_KEY)
    other = run(tmp_path, "other-key")
    other_people = read(other, "people.csv")
    assert expected(OTHER_KEY, SHARED_NUMBER) in {row["pseudonym"] for row in other_people}
    assert not {row["pseudonym"] for row in people} & {row["pseudonym"] for row in other_people}


def test_only_the_chosen_prisons_are_extracted(key, tmp_path, home_prison, other_prison):
    build(home_prison, other_prison)
    output = run(tmp_path, args=["--prison", "OTX"])
    people = read(output, "people.csv")
    assert [(row["prison_code"], row["pseudonym"]) for row in people] == [
        ("OTX", expected(KEY, SHARED_NUMBER))
    ]
    assert read(output, "sessions.csv") == []
    assert json.loads((output / "manifest.json").read_text())["prisons"] == ["OTX"]
    with pytest.raises(CommandError, match="No prison with code NOPE"):
        run(tmp_path, "unknown", args=["--prison", "NOPE"])


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (dt.date(2008, 3, 31), "18-24"),  # 18 on the last day of the period
        (dt.date(2008, 4, 1), "under 18"),
        (dt.date(2001, 4, 1), "18-24"),  # 24 until the next day
        (dt.date(2001, 3, 31), "25-34"),
        (dt.date(1991, 3, 31), "35-44"),
        (dt.date(1971, 4, 1), "45-54"),
        (dt.date(1961, 3, 31), "65-74"),
        (dt.date(1951, 4, 1), "65-74"),
        (dt.date(1951, 3, 31), "75+"),
        (None, "unknown"),
    ],
)
def test_age_band_on_the_last_day_of_the_period(born, band):
    assert age_band(born, dt.date(2026, 3, 31)) == band


def test_age_band_of_a_leap_day_birth():
    # born 29 February 2000: 24 on 28 February 2025, 25 from 1 March
    assert age_band(dt.date(2000, 2, 29), dt.date(2025, 2, 28)) == "18-24"
    assert age_band(dt.date(2000, 2, 29), dt.date(2025, 3, 1)) == "25-34"


def test_people_have_the_age_band_at_the_end_of_the_period(
    key, tmp_path, home_prison, other_prison
):
    RecipientFactory(
        prison=home_prison, prison_number="M1111MM", date_of_birth=dt.date(2001, 3, 31)
    )
    RecipientFactory(prison=home_prison, prison_number="M2222MM", date_of_birth=dt.date(2001, 4, 1))
    RecipientFactory(prison=home_prison, prison_number="M3333MM", date_of_birth=None)
    BuddyFactory(prison=home_prison, prison_number="M4444MM")
    output = run(tmp_path)
    bands = {row["pseudonym"]: row["age_band"] for row in read(output, "people.csv")}
    assert bands == {
        expected(KEY, "M1111MM"): "25-34",
        expected(KEY, "M2222MM"): "18-24",
        expected(KEY, "M3333MM"): "unknown",
        expected(KEY, "M4444MM"): "unknown",
    }


def test_survey_scores_follow_score_response_and_keep_declined_responses(
    key, tmp_path, home_prison, other_prison
):
    person = RecipientFactory(prison=home_prison, prison_number="S5555SS")
    # needs met 1: 4, 2 (reversed): 2 -> 4; trust 13: 5, 14 not answered
    partly = respond(
        home_prison,
        code="peercare-recipient",
        answered_on=dt.date(2026, 3, 2),
        values={1: 4, 2: 2, 13: 5, 14: None},
        recipient=person,
    )
    respond(
        home_prison,
        code="peercare-recipient",
        answered_on=dt.date(2026, 3, 9),
        declined=True,
        recipient=person,
    )
    respond(  # outside the period
        home_prison,
        code="peercare-recipient",
        answered_on=dt.date(2026, 4, 1),
        values={1: 4},
        recipient=person,
    )
    output = run(tmp_path)
    rows = read(output, "survey_scores.csv")
    result = score_response(partly)
    scored = [row for row in rows if row["declined"] == "no"]
    assert [(row["subscale"], row["score"], row["items_answered"]) for row in scored] == [
        (item.code, "" if item.score is None else str(item.score), str(item.items_answered))
        for item in [*result.subscales.values(), result.overall]
    ]
    assert next(row for row in scored if row["subscale"] == "needs_met")["score"] == "4.00"
    assert {row["pseudonym"] for row in rows} == {expected(KEY, "S5555SS")}
    assert {(row["instrument"], row["instrument_version"]) for row in rows} == {
        ("peercare-recipient", "1")
    }
    declined = [row for row in rows if row["declined"] == "yes"]
    assert [(row["answered_on"], row["subscale"], row["score"]) for row in declined] == [
        ("2026-03-09", "", "")
    ]
    # respond() gives each response a wave of its own: the baseline, then follow-up 1
    assert {row["wave"] for row in scored} == {"0"}
    assert [row["wave"] for row in declined] == ["1"]


def assert_wrote_nothing(tmp_path, before):
    assert sorted(path.name for path in tmp_path.iterdir()) == before
    assert not ExtractRun.objects.exists()


@pytest.mark.parametrize("value", [None, "", "x" * 31])
def test_refuses_without_a_long_enough_key_and_writes_nothing(
    monkeypatch, tmp_path, home_prison, other_prison, value
):
    build(home_prison, other_prison)
    if value is None:
        monkeypatch.delenv("PEERCARE_PSEUDONYM_KEY", raising=False)
    else:
        monkeypatch.setenv("PEERCARE_PSEUDONYM_KEY", value)
    with pytest.raises(CommandError, match="PEERCARE_PSEUDONYM_KEY"):
        run(tmp_path)
    assert_wrote_nothing(tmp_path, [])


def test_refuses_an_output_directory_that_holds_files(key, tmp_path, home_prison, other_prison):
    build(home_prison, other_prison)
    (tmp_path / "extract").mkdir()
    (tmp_path / "extract" / "sessions.csv").write_text("earlier\n")
    with pytest.raises(CommandError, match="already holds files"):
        run(tmp_path)
    assert_wrote_nothing(tmp_path, ["extract"])
    assert [path.name for path in (tmp_path / "extract").iterdir()] == ["sessions.csv"]
    assert (tmp_path / "extract" / "sessions.csv").read_text() == "earlier\n"


def test_an_empty_output_directory_is_used(key, tmp_path, home_prison, other_prison):
    (tmp_path / "extract").mkdir()
    output = run(tmp_path)
    assert sorted(path.name for path in output.iterdir()) == sorted([*FILE_NAMES, "manifest.json"])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["extract"]


def test_the_manifest_counts_rows_and_the_run_is_recorded(key, tmp_path, home_prison, other_prison):
    build(home_prison, other_prison, size=2)
    output = run(tmp_path, requested_by="Dana Evaluator")
    manifest = json.loads((output / "manifest.json").read_text())
    counts = {filename: len(read(output, filename)) for filename in FILE_NAMES}
    assert manifest["row_counts"] == counts
    assert {file["name"]: file["rows"] for file in manifest["files"]} == counts
    assert all(counts.values())
    for file in manifest["files"]:
        assert file["sha256"] == hashlib.sha256((output / file["name"]).read_bytes()).hexdigest()
    assert manifest["period"] == {"from": FROM, "to": TO}
    assert manifest["prisons"] == ["HMX", "OTX"]
    assert manifest["requested_by"] == "Dana Evaluator"
    assert "HMAC-SHA256" in manifest["pseudonym_method"]
    assert KEY not in json.dumps(manifest)

    run_row = ExtractRun.objects.get()
    assert manifest["extract_run"] == run_row.pk
    assert (run_row.requested_by, run_row.period_from, run_row.period_to) == (
        "Dana Evaluator",
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
    )
    assert (run_row.prisons, run_row.row_counts) == (["HMX", "OTX"], counts)
    assert run_row.output_path == str(output)
    assert run_row.history.count() == 1
    run_row.requested_by = "Someone Else"
    with pytest.raises(ValueError, match="never changed"):
        run_row.save()


def test_requested_by_defaults_to_the_operating_system_user(
    key, tmp_path, home_prison, monkeypatch
):
    monkeypatch.setattr("getpass.getuser", lambda: "osanalyst")
    output = tmp_path / "extract"
    call_command("research_extract", "--from", FROM, "--to", TO, "--output", str(output))
    manifest = json.loads((output / "manifest.json").read_text())
    assert (manifest["requested_by"], manifest["os_user"]) == ("osanalyst", "osanalyst")
    assert ExtractRun.objects.get().requested_by == "osanalyst"


def test_the_number_of_queries_does_not_grow_with_the_data(
    key, tmp_path, home_prison, other_prison
):
    build(home_prison, other_prison, size=1)
    with CaptureQueriesContext(connection) as small:
        run(tmp_path, "small")
    build(home_prison, other_prison, size=3, tag=1)
    with CaptureQueriesContext(connection) as large:
        run(tmp_path, "large")
    small_rows = json.loads((tmp_path / "small" / "manifest.json").read_text())["row_counts"]
    large_rows = json.loads((tmp_path / "large" / "manifest.json").read_text())["row_counts"]
    assert large_rows["sessions.csv"] == 4 * small_rows["sessions.csv"]
    assert large_rows["people.csv"] > small_rows["people.csv"]
    assert len(large) == len(small)
