"""Subject access (`manage.py subject_access_export`): everything held about one prison number in
every prison, as JSON and a tagged PDF, with history, answers and scores; other people only as
"another person", in the records and in free text; refusals that write nothing."""

import datetime as dt
import json
import re

import pytest
from django.core.management import CommandError, call_command

from buddies.models import PayRate, Session
from governance.models import Incident, Supervision
from outcomes.models import Answer, Instrument, Response
from recipients.models import PlanReview
from tests.factories import (
    AssignmentFactory,
    BuddyFactory,
    CarePlanFactory,
    RecipientFactory,
    SurveyWaveFactory,
    train,
)
from tests.test_pdf import catalogue_language, pdf_info, pdf_text, poppler

NUMBER = "S4321XY"
OWN_NAMES = ["Florizel", "Ambergrove"]
# Everyone else: other prisoners (buddies and people supported) and the names typed as free text.
OTHERS = {
    "Q5555QQ": ("Quillon", "Marchbanks"),  # buddy at home_prison
    "T6666TT": ("Tiberius", "Wolfhart"),  # person supported at home_prison
    "E7777EE": ("Esmeralda", "Crookshank"),  # buddy at other_prison
}
TYPED_NAMES = ["Hepzibah", "Thornquist", "Periwinkle"]
USERS = ["Lee Lead", "Robin Reviewer"]


def respond(prison, person, code, values):
    wave = SurveyWaveFactory(
        prison=prison, number=0, starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 28)
    )
    response = Response.objects.create(
        wave=wave,
        instrument=Instrument.objects.get(code=code, version=1),
        prison=prison,
        answered_on=dt.date(2026, 3, 10),
        **person,
    )
    for item in response.instrument.items.filter(number__in=values):
        Answer.objects.create(response=response, item=item, value=values[item.number])
    return response


@pytest.fixture
def person(home_prison, other_prison, lead, la_reviewer):
    """S4321XY is a buddy at home_prison and supported at other_prison; the others are not."""
    given, family = OWN_NAMES
    buddy = BuddyFactory(
        prison=home_prison,
        prison_number=NUMBER,
        given_name=given,
        family_name=family,
        applied_on=dt.date(2025, 11, 3),
    )
    buddy._history_user = lead
    buddy.status, buddy.started_on = "active", dt.date(2025, 12, 1)
    buddy.save()
    supported = RecipientFactory(
        prison=other_prison, prison_number=NUMBER, given_name=given, family_name=family
    )
    supported.needs.set(["mobility"])

    other_buddy = BuddyFactory(
        prison=home_prison, prison_number="Q5555QQ", given_name="Quillon", family_name="Marchbanks"
    )
    other_person = RecipientFactory(
        prison=home_prison, prison_number="T6666TT", given_name="Tiberius", family_name="Wolfhart"
    )
    buddy_there = BuddyFactory(
        prison=other_prison,
        prison_number="E7777EE",
        given_name="Esmeralda",
        family_name="Crookshank",
    )

    # As a buddy: pay, training, a group supervision.
    PayRate.objects.create(
        buddy=buddy, effective_from=dt.date(2025, 12, 1), pay_scheme="standard", rate_per_session=1
    )
    PayRate.objects.create(
        buddy=buddy, effective_from=dt.date(2026, 2, 1), pay_scheme="enhanced", rate_per_session=2
    )
    train(buddy, on=dt.date(2025, 12, 2), modules=["care_act"])
    group = Supervision.objects.create(
        prison=home_prison,
        reference="SUP-1",
        date=dt.date(2026, 1, 20),
        kind="group",
        supervisor_name="Dr Periwinkle",
        notes="Talked with Quillon Marchbanks about rotas",
    )
    group.buddies.set([buddy, other_buddy])

    # As a person supported: two plan versions, the second reviewed.
    CarePlanFactory(
        recipient=supported,
        version=1,
        state="superseded",
        starts_on=dt.date(2026, 1, 12),
        la_approved_on=dt.date(2026, 1, 13),
    )
    plan = CarePlanFactory(
        recipient=supported,
        version=2,
        state="approved",
        starts_on=dt.date(2026, 2, 2),
        review_due_on=dt.date(2026, 8, 2),
        la_approved_on=dt.date(2026, 2, 3),
        capacity_at_agreement="lacks_capacity",
        best_interests_decision_by="Hepzibah Thornquist",
        notes="Collect meals with Quillon Marchbanks (Q5555QQ)",
    )
    PlanReview.objects.create(
        plan=plan, action="approved", by=la_reviewer, comments="Discussed with Robin"
    )

    def session(day, **fields):
        return Session.objects.create(date=day, period="am", minutes=30, **fields)

    session(
        dt.date(2026, 2, 2),
        prison=home_prison,
        buddy=buddy,
        recipient=other_person,
        off_plan_reason="Tiberius asked for extra help",
    )
    session(dt.date(2026, 2, 3), prison=home_prison, buddy=buddy, recipient=other_person)
    session(dt.date(2026, 2, 4), prison=other_prison, buddy=buddy_there, recipient=supported)
    session(
        dt.date(2026, 2, 5),
        prison=home_prison,
        helper_prison_number=NUMBER,
        recipient=other_person,
        informal=True,
    )
    session(dt.date(2026, 2, 6), prison=home_prison, buddy=buddy, recipient=other_person).delete()
    # Someone else's session: not theirs.
    session(dt.date(2026, 2, 9), prison=home_prison, buddy=other_buddy, recipient=other_person)

    AssignmentFactory(buddy=buddy, recipient=other_person, started_on=dt.date(2026, 2, 2))
    AssignmentFactory(buddy=buddy_there, recipient=supported, started_on=dt.date(2026, 2, 4))
    AssignmentFactory(buddy=other_buddy, recipient=other_person, started_on=dt.date(2026, 2, 9))

    def incident(prison, reference, summary, **named):
        return Incident.objects.create(
            prison=prison,
            reference=reference,
            occurred_on=dt.date(2026, 2, 10),
            category_id="theft_or_accusation",
            severity="low",
            summary=summary,
            **named,
        )

    incident(
        home_prison,
        "INC-1",
        "Tiberius Wolfhart (t6666tt) said Florizel took his radio",
        buddy=buddy,
        recipient=other_person,
    )
    incident(other_prison, "INC-2", "Florizel fell on the stairs", recipient=supported)
    incident(home_prison, "INC-3", "Quillon and Tiberius argued", buddy=other_buddy)

    # Buddy questionnaire: item 2 (reverse scored) answered 2, the other 11 items 4.
    respond(
        home_prison,
        {"buddy": buddy},
        "peercare-buddy",
        {number: 2 if number == 2 else 4 for number in range(1, 13)},
    )
    respond(other_prison, {"recipient": supported}, "peercare-recipient", {1: 4, 2: 3, 3: 5})
    respond(home_prison, {"buddy": other_buddy}, "peercare-buddy", {1: 1})
    return buddy


@pytest.fixture
def export(person, tmp_path, capsys):
    """The command run once for S4321XY: its JSON, the PDF's bytes and text, and what it said."""
    call_command("subject_access_export", "--prison-number", NUMBER, "--output", tmp_path / "sar")
    out = capsys.readouterr().out
    data = json.loads((tmp_path / "sar" / f"subject-access-{NUMBER}.json").read_text())
    pdf = (tmp_path / "sar" / f"subject-access-{NUMBER}.pdf").read_bytes()
    return {"json": data, "pdf": pdf, "text": pdf_text(pdf, tmp_path), "out": out}


def strings(value) -> list[str]:
    """Every string in a JSON document, keys included."""
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in [key, *strings(item)]]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return [value] if isinstance(value, str) else []


def test_export_holds_every_record_of_the_person_in_every_prison(export):
    data = export["json"]

    assert data["export"]["prison_number"] == NUMBER
    expected = {
        "buddy_records": 1,
        "recipient_records": 1,
        "pay_rates": 2,
        "training_records": 1,
        "supervisions": 1,
        "care_plans": 2,
        "assignments": 2,
        # 2 given, 1 received, 1 informal help, 1 since deleted (from its history).
        "sessions": 5,
        "incidents": 2,
        "survey_responses": 2,
    }
    assert data["counts"] == expected
    assert {key: len(data[key]) for key in expected} == expected
    assert [entry["status"] for entry in data["sessions"]] == ["current"] * 4 + ["deleted"]
    assert [entry["title"] for entry in data["buddy_records"]] == ["Buddy at HMP Home (HMX)"]
    assert [entry["title"] for entry in data["recipient_records"]] == [
        "Person supported at HMP Other (OTX)"
    ]
    assert [plan["values"]["version"] for plan in data["care_plans"]] == [1, 2]
    assert "Wrote " in export["out"]
    assert "read the free text" in export["out"]


def test_export_has_each_records_history_with_who_by_role(export):
    buddy = export["json"]["buddy_records"][0]

    assert [(v["action"], v["by"]) for v in buddy["history"]] == [
        ("Created", "PeerCare (no one signed in: an import or a maintenance task)"),
        ("Changed", "Social care lead"),
    ]
    assert buddy["history"][0]["values"]["status"] == "Applicant"
    assert buddy["history"][1]["values"]["status"] == "Active"
    assert buddy["values"]["given_name"] == "Florizel"
    supported = export["json"]["recipient_records"][0]
    assert supported["values"]["needs"] == ["Mobility"]
    assert [v["values"]["needs"] for v in supported["history"]] == [[], ["Mobility"]]
    deleted = export["json"]["sessions"][-1]
    assert [v["action"] for v in deleted["history"]] == ["Created", "Deleted"]
    assert deleted["values"]["date"] == "2026-02-06"
    review = export["json"]["care_plans"][1]["reviews"]
    assert [(r["action"], r["by"]) for r in review] == [("Approved", "Local authority reviewer")]


def test_export_has_every_answer_and_the_scores(export):
    buddy_response, recipient_response = export["json"]["survey_responses"]

    assert [(a["question"], a["value"]) for a in buddy_response["answers"]] == [
        (n, 2 if n == 2 else 4) for n in range(1, 13)
    ]
    assert buddy_response["answers"][0]["answer"] == "Agree"
    # Item 2 is reverse scored (1 + 5 - 2 = 4); items 8 and 9 too (1 + 5 - 4 = 2). Wellbeing
    # (1, 2) = 4.00, safety (7, 8) and workload (9, 10) = 3.00; overall 44 / 12 = 3.67.
    scores = {s["code"]: s["score"] for s in buddy_response["scores"]["subscales"]}
    assert scores == {
        "wellbeing": "4.00",
        "confidence": "4.00",
        "skills": "4.00",
        "safety": "3.00",
        "burden": "3.00",
        "staff_support": "4.00",
    }
    assert buddy_response["scores"]["overall"]["score"] == "3.67"
    assert len(buddy_response["answer_history"]) == 12
    # 3 of 14 items: too few for an overall score.
    overall = recipient_response["scores"]["overall"]
    assert overall["score"] is None
    assert overall["reason"] == "Only 3 of 14 items answered; at least 80% are needed"


def test_other_people_appear_only_as_another_person(export):
    sessions = export["json"]["sessions"]

    assert [s["values"]["recipient"] for s in sessions[:2]] == ["another person"] * 2
    assert sessions[0]["values"]["buddy"] == "this person, as a buddy at HMP Home (HMX)"
    assert sessions[2]["values"]["buddy"] == "another person"
    assert sessions[2]["values"]["recipient"] == (
        "this person, as a person supported at HMP Other (OTX)"
    )
    assert sessions[3]["values"]["helper_prison_number"] == NUMBER
    assert sessions[3]["values"]["recipient"] == "another person"
    supervision = export["json"]["supervisions"][0]
    assert supervision["values"]["buddies"] == [
        "another person",
        "this person, as a buddy at HMP Home (HMX)",
    ]
    assert supervision["values"]["supervisor_name"] == "another person"


def test_free_text_keeps_the_person_and_removes_everyone_else(export):
    data = export["json"]

    first = data["incidents"][0]
    assert first["values"]["summary"] == (
        "[another person] [another person] ([another person]) said Florizel took his radio"
    )
    assert first["other_people_removed_from"] == ["summary"]
    assert data["incidents"][1]["values"]["summary"] == "Florizel fell on the stairs"
    assert data["incidents"][1]["other_people_removed_from"] == []
    plan = data["care_plans"][1]
    assert (
        plan["values"]["notes"]
        == "Collect meals with [another person] [another person] ([another person])"
    )
    assert plan["values"]["best_interests_decision_by"] == "another person"
    assert plan["other_people_removed_from"] == ["best_interests_decision_by", "notes"]
    assert plan["reviews"][0]["comments"] == "Discussed with [another person]"
    assert data["sessions"][0]["values"]["off_plan_reason"] == (
        "[another person] asked for extra help"
    )
    assert data["supervisions"][0]["values"]["notes"] == (
        "Talked with [another person] [another person] about rotas"
    )


def test_no_other_persons_name_or_number_anywhere_in_the_json_or_pdf(export):
    text = "\n".join(strings(export["json"]))
    pdf = export["text"]

    secrets = [*OTHERS, *(name for pair in OTHERS.values() for name in pair), *TYPED_NAMES]
    for secret in secrets:
        assert secret.lower() not in text.lower(), secret
        assert secret.lower() not in pdf.lower(), secret
    for user in USERS:
        assert user not in text
        assert user not in pdf.replace("\n", " ")
    # Other prison numbers in any form: none; theirs, yes.
    assert set(re.findall(r"\b[A-Z]\d{4}[A-Z]{2}\b", text.upper())) == {NUMBER}
    assert set(re.findall(r"\b[A-Z]\d{4}[A-Z]{2}\b", pdf.upper())) == {NUMBER}
    for own in [NUMBER, *OWN_NAMES]:
        assert own in text
        assert own in pdf


def test_pdf_is_tagged_titled_in_british_english_and_marked(export, tmp_path):
    info = pdf_info(export["pdf"], tmp_path)

    assert f"Title:           Everything PeerCare holds about {NUMBER}" in info
    assert "Tagged:          yes" in info
    assert catalogue_language(export["pdf"]) == b"en-GB"
    text = export["text"]
    assert "OFFICIAL-SENSITIVE" in text
    assert "Incident on 10 February 2026 at HMP Home (HMX)" in text
    assert "(deleted; kept in its history)" in text
    # The table's columns are as wide as their text: from 10am the time wraps the comment, and a
    # layout of the page would interleave it with the next column. Read the cells in order.
    cells = " ".join(poppler("pdftotext", export["pdf"], tmp_path).split())
    assert "Discussed with [another person]" in cells
    assert "Agree" in text


def test_a_lower_case_number_is_read_as_upper_case(person, tmp_path):
    call_command("subject_access_export", "--prison-number", " s4321xy ", "--output", tmp_path)

    assert sorted(path.name for path in tmp_path.iterdir()) == [
        f"subject-access-{NUMBER}.json",
        f"subject-access-{NUMBER}.pdf",
    ]
    assert oct((tmp_path / f"subject-access-{NUMBER}.json").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("number", ["12345", "A1234B", "AA1234BC", "A1234BCD", ""])
def test_a_number_in_the_wrong_format_is_refused(db, tmp_path, number):
    with pytest.raises(CommandError, match="Enter a prison number in the right format"):
        call_command("subject_access_export", "--prison-number", number, "--output", tmp_path / "x")

    assert not (tmp_path / "x").exists()


def test_a_number_nobody_has_is_refused(person, tmp_path):
    with pytest.raises(
        CommandError,
        match="PeerCare holds no record with prison number Z9999ZZ, now or in any record's "
        "history: nothing was written",
    ):
        call_command(
            "subject_access_export", "--prison-number", "Z9999ZZ", "--output", tmp_path / "x"
        )

    assert not (tmp_path / "x").exists()


def test_an_earlier_export_is_never_overwritten(person, tmp_path):
    earlier = tmp_path / f"subject-access-{NUMBER}.pdf"
    earlier.write_bytes(b"earlier")

    with pytest.raises(CommandError, match="already exists: move it away"):
        call_command("subject_access_export", "--prison-number", NUMBER, "--output", tmp_path)

    assert earlier.read_bytes() == b"earlier"
    assert not (tmp_path / f"subject-access-{NUMBER}.json").exists()


def test_output_that_is_a_file_is_refused(person, tmp_path):
    (tmp_path / "file").write_text("")

    with pytest.raises(CommandError, match="exists and is not a directory"):
        call_command(
            "subject_access_export", "--prison-number", NUMBER, "--output", tmp_path / "file"
        )


def test_someone_who_only_helped_informally_gets_those_sessions(person, tmp_path):
    helper = "H2222HH"
    Session.objects.create(
        prison=person.prison,
        date=dt.date(2026, 2, 12),
        period="pm",
        minutes=20,
        helper_prison_number=helper,
        recipient=Session.objects.get(date=dt.date(2026, 2, 2)).recipient,
        informal=True,
    )

    call_command("subject_access_export", "--prison-number", helper, "--output", tmp_path)

    data = json.loads((tmp_path / f"subject-access-{helper}.json").read_text())
    assert data["counts"]["sessions"] == 1
    assert sum(data["counts"].values()) == 1
    assert data["sessions"][0]["values"]["helper_prison_number"] == helper
    assert data["sessions"][0]["values"]["recipient"] == "another person"
