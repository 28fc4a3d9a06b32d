"""Sessions and incidents sent through the API: the web's rules, a 400 with field errors for
anything wrong, and nothing saved unless everything is right.

Sessions go through buddies.activity.session_record (the quick log's service), incidents through
governance.incident_services, so the rules tested here are theirs; these tests check that the API
passes input to them faithfully and answers in the standard's field names.
"""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.services import api_token_create
from buddies.models import Session
from governance.models import Incident
from tests.factories import (
    AssignmentFactory,
    BuddyFactory,
    CarePlanFactory,
    RecipientFactory,
    train,
)

DAY = dt.date(2026, 3, 3)
SESSIONS = "/api/v1/sessions/"
INCIDENTS = "/api/v1/incidents/"


def client_for(user) -> APIClient:
    client = APIClient()
    _details, secret = api_token_create(user=user, name="Wing system")
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def fit_buddy(prison, number):
    buddy = BuddyFactory(
        prison=prison,
        prison_number=number,
        given_name="Ann",
        family_name="Carter",
        status="active",
        vetting_outcome="approved",
        vetted_on=dt.date(2026, 1, 6),
        started_on=dt.date(2026, 1, 8),
        compact_signed_on=dt.date(2026, 1, 8),
        benefits_explained_on=dt.date(2026, 1, 8),
        safeguarding_briefed_on=dt.date(2026, 1, 8),
    )
    return train(buddy)


@pytest.fixture
def pair(home_prison):
    """A buddy fit to work, assigned to a person whose approved plan lists meals_collect."""
    buddy = fit_buddy(home_prison, "A1234BC")
    person = RecipientFactory(prison=home_prison, prison_number="R1234PS", given_name="Pat")
    plan = CarePlanFactory(recipient=person, state="approved", la_approved_on=dt.date(2026, 1, 15))
    plan.tasks.set(["meals_collect"])
    AssignmentFactory(buddy=buddy, recipient=person, started_on=dt.date(2026, 1, 12))
    return buddy, person


@pytest.fixture
def elsewhere(other_prison):
    """The same kind of pair in a prison outside the lead's."""
    buddy = fit_buddy(other_prison, "B1234BC")
    person = RecipientFactory(prison=other_prison, prison_number="R9999PS")
    AssignmentFactory(buddy=buddy, recipient=person, started_on=dt.date(2026, 1, 12))
    return buddy, person


def a_session(**changes) -> dict:
    body = {
        "prison_code": "HMX",
        "date": "2026-03-03",
        "period": "am",
        "buddy_prison_number": "A1234BC",
        "recipient_prison_number": "R1234PS",
        "minutes": 45,
        "tasks": ["meals_collect"],
        "delivered": "yes",
        "informal": False,
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


# Sessions -----------------------------------------------------------------------------------


def test_a_session_is_recorded_with_the_values_sent(lead, pair):
    buddy, person = pair
    response = client_for(lead).post(SESSIONS, a_session(), format="json")
    assert response.status_code == 201, response.content
    session = Session.objects.get()
    assert (session.prison.code, session.date, session.period) == ("HMX", DAY, "am")
    assert (session.buddy, session.recipient, session.minutes) == (buddy, person, 45)
    assert [t.code for t in session.tasks.all()] == ["meals_collect"]
    assert (session.outcome, session.informal, session.paid) == ("yes", False, True)
    assert session.logged_by == lead
    assert {entry.history_user for entry in session.history.all()} == {lead}
    body = response.json()
    assert body["id"] == session.pk
    assert body["buddy_prison_number"] == "A1234BC"
    assert body["warnings"] == []
    assert response["Location"] == f"/api/v1/sessions/{session.pk}/"


def test_prison_staff_record_sessions_too(staff, pair):
    assert client_for(staff).post(SESSIONS, a_session(), format="json").status_code == 201


def test_a_missed_session_keeps_its_reason_and_is_paid_as_the_prison_says(lead, pair):
    response = client_for(lead).post(
        SESSIONS, a_session(delivered="missed_regime_lockdown", minutes=30), format="json"
    )
    assert response.status_code == 201, response.content
    session = Session.objects.get()
    assert session.outcome == "missed_regime_lockdown"
    assert session.paid is True  # the scheme pays sessions the regime cancelled, by default


def test_paid_may_be_given_as_the_standard_writes_it(lead, pair):
    response = client_for(lead).post(SESSIONS, a_session(paid="no"), format="json")
    assert response.status_code == 201
    assert Session.objects.get().paid is False


def test_a_buddy_not_fit_to_work_is_recorded_with_a_warning(lead, home_prison, pair):
    buddy, _person = pair
    buddy.compact_signed_on = None
    buddy.save()
    response = client_for(lead).post(SESSIONS, a_session(), format="json")
    assert response.status_code == 201
    assert response.json()["warnings"] == [
        "Ann Carter is not fit to work: compact signed is not met"
    ]


def test_informal_help_by_someone_who_is_not_a_buddy_keeps_the_helpers_number(lead, pair):
    response = client_for(lead).post(
        SESSIONS, a_session(buddy_prison_number="Z9999ZZ", informal=True), format="json"
    )
    assert response.status_code == 201, response.content
    session = Session.objects.get()
    assert (session.buddy, session.helper_prison_number, session.informal) == (
        None,
        "Z9999ZZ",
        True,
    )
    assert response.json()["buddy_prison_number"] == "Z9999ZZ"
    assert any("PSI requirement 12" in warning for warning in response.json()["warnings"])


FUTURE = (timezone.localdate() + dt.timedelta(days=30)).isoformat()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"tasks": ["feeding"]},
            "tasks",
            "Feeding is never allowed for a buddy",
        ),
        ({"tasks": ["juggling"]}, "tasks", "juggling is not a task on the national list"),
        ({"tasks": ["medication_collect"]}, "tasks", "is not switched on for HMP Home"),
        ({"tasks": ["laundry"]}, "off_plan_reason", "Laundry is not on this person's care plan"),
        ({"prison_code": "NOPE"}, "prison_code", "No prison with code NOPE among your prisons"),
        ({"prison_code": "hmx"}, "prison_code", "This value does not match the required pattern."),
        (
            {"recipient_prison_number": "12345"},
            "recipient_prison_number",
            "Enter a prison number in the right format",
        ),
        (
            {"recipient_prison_number": "X0000XX"},
            "recipient_prison_number",
            "No person supported with prison number X0000XX at HMX",
        ),
        (
            {"buddy_prison_number": "X0000XX"},
            "buddy_prison_number",
            "No buddy with prison number X0000XX at HMX",
        ),
        (
            {"buddy_prison_number": ""},
            "buddy_prison_number",
            "Choose the buddy, or mark this as informal help",
        ),
        ({"date": "03/03/2026"}, "date", "Date has wrong format. Use one of these formats"),
        ({"date": "1999-03-03"}, "date", "Enter a date from 2000 to 2100"),
        ({"date": FUTURE}, "date", "The date must be today or in the past"),
        ({"delivered": "no"}, "delivered", '"no" is not a valid choice.'),
        ({"period": "night"}, "period", '"night" is not a valid choice.'),
        ({"minutes": 0}, "minutes", "Enter the minutes of help, from 1 to 600"),
        ({"minutes": "lots"}, "minutes", "A valid integer is required."),
        ({"informal": "perhaps"}, "informal", "Must be a valid boolean."),
        ({"tasks": "meals_collect"}, "tasks", 'Expected a list of items but got type "str".'),
    ],
)
def test_a_session_that_breaks_a_rule_is_refused_and_nothing_is_saved(
    lead, pair, changes, field, message
):
    response = client_for(lead).post(SESSIONS, a_session(**changes), format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert any(message in text for text in body["errors"][field]), body["errors"]
    assert Session.objects.count() == 0


def test_a_buddy_not_assigned_to_the_person_is_refused(lead, home_prison, pair):
    fit_buddy(home_prison, "C1234BC")
    response = client_for(lead).post(
        SESSIONS, a_session(buddy_prison_number="C1234BC"), format="json"
    )
    assert response.status_code == 400
    assert "was not assigned to this person" in response.json()["errors"]["buddy_prison_number"][0]
    assert Session.objects.count() == 0


def test_missing_fields_are_each_named(lead, pair):
    response = client_for(lead).post(SESSIONS, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "prison_code",
        "date",
        "period",
        "recipient_prison_number",
        "minutes",
        "delivered",
        "informal",
    }
    assert response.json()["errors"]["date"] == ["This field is required."]
    assert Session.objects.count() == 0


@pytest.mark.parametrize("body", ["[1, 2]", "null", "{not json", '"a string"'])
def test_a_body_that_is_not_an_object_is_a_400(lead, pair, body):
    response = client_for(lead).post(SESSIONS, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_the_same_session_twice_is_refused(lead, pair):
    client = client_for(lead)
    assert client.post(SESSIONS, a_session(), format="json").status_code == 201
    again = client.post(SESSIONS, a_session(minutes=30), format="json")
    assert again.status_code == 400
    assert (
        "There is already a session for this buddy and person"
        in (again.json()["errors"]["period"][0])
    )
    assert Session.objects.count() == 1


def test_a_lead_cannot_record_a_session_in_another_prison(lead, pair, elsewhere):
    response = client_for(lead).post(
        SESSIONS,
        a_session(
            prison_code="OTX", buddy_prison_number="B1234BC", recipient_prison_number="R9999PS"
        ),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "prison_code": ["No prison with code OTX among your prisons"]
    }
    assert Session.objects.count() == 0


def test_a_person_of_another_prison_cannot_be_named(lead, pair, elsewhere):
    response = client_for(lead).post(
        SESSIONS, a_session(recipient_prison_number="R9999PS"), format="json"
    )
    assert response.status_code == 400
    assert Session.objects.count() == 0


@pytest.mark.parametrize("role_user", ["la_reviewer", "inspector", "analyst"])
def test_roles_that_record_no_activity_get_403(request, pair, role_user):
    user = request.getfixturevalue(role_user)
    response = client_for(user).post(SESSIONS, a_session(), format="json")
    assert response.status_code == 403
    assert Session.objects.count() == 0


def test_nobody_without_a_token_records_anything(pair):
    response = APIClient().post(SESSIONS, a_session(), format="json")
    assert response.status_code == 401
    assert Session.objects.count() == 0


def test_a_session_recorded_in_error_is_withdrawn(staff, pair):
    client = client_for(staff)
    created = client.post(SESSIONS, a_session(), format="json").json()
    response = client.delete(f"{SESSIONS}{created['id']}/")
    assert response.status_code == 204
    assert Session.objects.count() == 0
    assert Session.history.filter(id=created["id"], history_type="-").get().history_user == staff


def test_withdrawing_needs_the_right_to_record_and_the_prison(
    lead, la_reviewer, other_prison, pair, elsewhere
):
    buddy, person = elsewhere
    theirs = Session.objects.create(
        prison=other_prison, date=DAY, period="am", buddy=buddy, recipient=person, minutes=30
    )
    assert client_for(lead).delete(f"{SESSIONS}{theirs.pk}/").status_code == 404
    ours = client_for(lead).post(SESSIONS, a_session(), format="json").json()
    assert client_for(la_reviewer).delete(f"{SESSIONS}{ours['id']}/").status_code == 403
    assert Session.objects.count() == 2


# Who may write ------------------------------------------------------------------------------

WRITERS = {
    # operation: {role: status}; nobody without a token gets 401 from every one
    "record a session": {"lead": 201, "staff": 201, "la_reviewer": 403, "admin_user": 201},
    "withdraw a session": {"lead": 204, "staff": 204, "la_reviewer": 403, "admin_user": 204},
    "record an incident": {"lead": 201, "staff": 403, "la_reviewer": 403, "admin_user": 201},
    "change an incident": {"lead": 200, "staff": 403, "la_reviewer": 403, "admin_user": 200},
}


@pytest.mark.parametrize("operation", list(WRITERS))
@pytest.mark.parametrize(
    "role_user", [None, "lead", "staff", "la_reviewer", "inspector", "analyst", "admin_user"]
)
def test_each_role_writes_what_its_role_allows(request, home_prison, pair, operation, role_user):
    buddy, person = pair
    session = Session.objects.create(
        prison=home_prison, date=DAY, period="pm", buddy=buddy, recipient=person, minutes=30
    )
    incident = Incident.objects.create(
        prison=home_prison,
        reference="INC-1",
        occurred_on=DAY,
        category_id="bullying",
        severity="low",
    )
    client = client_for(request.getfixturevalue(role_user)) if role_user else APIClient()
    response = {
        "record a session": lambda: client.post(SESSIONS, a_session(), format="json"),
        "withdraw a session": lambda: client.delete(f"{SESSIONS}{session.pk}/"),
        "record an incident": lambda: client.post(INCIDENTS, an_incident(), format="json"),
        "change an incident": lambda: client.patch(
            f"{INCIDENTS}{incident.pk}/", {"severity": "high"}, format="json"
        ),
    }[operation]()
    expected = 401 if role_user is None else WRITERS[operation].get(role_user, 403)
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert (Session.objects.count(), Incident.objects.count()) == (1, 1)
        assert Incident.objects.get().severity == "low"


# Incidents --------------------------------------------------------------------------------


def an_incident(**changes) -> dict:
    body = {
        "prison_code": "HMX",
        "reference": "INC-2026-014",
        "occurred_on": "2026-03-02",
        "category": "boundary_crossed",
        "severity": "high",
        "buddy_prison_number": "A1234BC",
        "recipient_prison_number": "R1234PS",
        "status": "open",
        "summary": "Helped with dressing when asked",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def test_an_incident_is_recorded_with_the_values_sent(lead, pair):
    buddy, person = pair
    response = client_for(lead).post(INCIDENTS, an_incident(), format="json")
    assert response.status_code == 201, response.content
    incident = Incident.objects.get()
    assert (incident.prison.code, incident.reference, incident.occurred_on) == (
        "HMX",
        "INC-2026-014",
        dt.date(2026, 3, 2),
    )
    assert (incident.category_id, incident.severity, incident.status) == (
        "boundary_crossed",
        "high",
        "open",
    )
    assert (incident.buddy, incident.recipient, incident.recorded_by) == (buddy, person, lead)
    assert incident.summary == "Helped with dressing when asked"
    assert response.json()["buddy_prison_number"] == "A1234BC"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"category": "gossip"}, "category", "No incident category with the code gossip"),
        ({"severity": "dire"}, "severity", '"dire" is not a valid choice.'),
        ({"status": "closed"}, "closed_on", "Enter the date the incident was closed"),
        ({"closed_on": "2026-03-03"}, "status", "An incident with a closing date must be closed"),
        ({"reference": "INC 14!"}, "reference", "Use letters, numbers, hyphens and underscores"),
        ({"occurred_on": "2 March 2026"}, "occurred_on", "Date has wrong format."),
        ({"occurred_on": FUTURE}, "occurred_on", "The date it happened must be today or in"),
        (
            {"buddy_prison_number": "B1234BC"},
            "buddy_prison_number",
            "No buddy with prison number B1234BC at HMX",
        ),
        ({"prison_code": "OTX"}, "prison_code", "No prison with code OTX among your prisons"),
        ({"recipient_prison_number": "r1234ps"}, "recipient_prison_number", "right format"),
    ],
)
def test_an_incident_that_breaks_a_rule_is_refused_and_nothing_is_saved(
    lead, pair, elsewhere, changes, field, message
):
    response = client_for(lead).post(INCIDENTS, an_incident(**changes), format="json")
    assert response.status_code == 400, response.content
    assert any(message in text for text in response.json()["errors"][field])
    assert Incident.objects.count() == 0


@pytest.mark.parametrize("field", ["category", "reference", "summary", "buddy_prison_number"])
def test_a_nul_character_is_refused_not_an_error(lead, pair, field):
    response = client_for(lead).post(INCIDENTS, an_incident(**{field: "a\x00b"}), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_an_incident_reference_is_used_once_in_a_prison(lead, pair):
    client = client_for(lead)
    assert client.post(INCIDENTS, an_incident(), format="json").status_code == 201
    again = client.post(INCIDENTS, an_incident(), format="json")
    assert again.status_code == 400
    assert again.json()["errors"] == {
        "reference": ["This prison already has an incident with this reference"]
    }


def test_recording_an_incident_needs_a_lead(staff, pair):
    response = client_for(staff).post(INCIDENTS, an_incident(), format="json")
    assert response.status_code == 403
    assert Incident.objects.count() == 0


def test_an_incident_is_changed_with_only_what_changes(lead, pair):
    client = client_for(lead)
    created = client.post(INCIDENTS, an_incident(), format="json").json()
    response = client.patch(
        f"{INCIDENTS}{created['id']}/",
        {"status": "closed", "closed_on": "2026-03-03", "buddy_prison_number": None},
        format="json",
    )
    assert response.status_code == 200, response.content
    incident = Incident.objects.get()
    assert (incident.status, incident.closed_on, incident.buddy) == (
        "closed",
        dt.date(2026, 3, 3),
        None,
    )
    assert incident.summary == "Helped with dressing when asked"
    assert response.json()["buddy_prison_number"] is None


def test_a_change_that_breaks_a_rule_changes_nothing(lead, pair):
    client = client_for(lead)
    created = client.post(INCIDENTS, an_incident(), format="json").json()
    response = client.patch(
        f"{INCIDENTS}{created['id']}/", {"status": "closed", "severity": "low"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"closed_on": ["Enter the date the incident was closed"]}
    assert (Incident.objects.get().status, Incident.objects.get().severity) == ("open", "high")
    moved = client.patch(f"{INCIDENTS}{created['id']}/", {"prison_code": "OTX"}, format="json")
    assert moved.status_code == 400
    assert "prison_code" in moved.json()["errors"]


def test_nobody_changes_another_prisons_incident(lead, staff, other_prison, pair, elsewhere):
    buddy, _person = elsewhere
    theirs = Incident.objects.create(
        prison=other_prison,
        reference="INC-1",
        occurred_on=DAY,
        category_id="bullying",
        severity="low",
        buddy=buddy,
    )
    for user in [lead, staff]:
        response = client_for(user).patch(
            f"{INCIDENTS}{theirs.pk}/", {"severity": "high"}, format="json"
        )
        assert response.status_code == 404
    ours = client_for(lead).post(INCIDENTS, an_incident(), format="json").json()
    response = client_for(staff).patch(f"{INCIDENTS}{ours['id']}/", {"severity": "low"})
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.severity == "low"
