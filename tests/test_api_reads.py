"""The API's read endpoints: who may read what, from which prisons, in which shape.

The same policy as the web (accounts.policy): leads, staff and local authority reviewers read the
records of their prisons; inspectors and analysts read prisons, costs and indicators only (small
numbers hidden), and get 403 from every endpoint about people; nobody reads another prison's
records (404 for one record, 400 for a filter naming that prison, which reads exactly as a prison
that does not exist).
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from accounts.constants import Role
from api.services import api_token_create
from buddies.models import Session
from costs.models import CostYear
from governance.models import Incident, StaffMember, Supervision, TrainingRecord
from tests.factories import (
    AssignmentFactory,
    BuddyFactory,
    CarePlanFactory,
    PrisonFactory,
    RecipientFactory,
)

DAY = dt.date(2026, 1, 20)
JANUARY = {"from": "2026-01-01", "to": "2026-01-31"}
ERROR_KEYS = {"status", "code", "detail", "errors"}


def client_for(user) -> APIClient:
    """An API client holding a token of the user's (no token for None: nobody)."""
    client = APIClient()
    if user is not None:
        _details, secret = api_token_create(user=user, name="Tests")
        client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def add_records(prison, n: int, *, start: int = 0) -> dict:
    """n buddies and people in a prison, each with what every list endpoint lists: a plan, a
    session, training, supervision, an incident."""
    made = {}
    staff = StaffMember.objects.get_or_create(
        prison=prison,
        staff_ref=f"S-{prison.code}",
        defaults={"name": "Officer Dibble", "role": "Officer", "organisation": "prison"},
    )[0]
    for i in range(start, start + n):
        letter = prison.code[0]
        buddy = BuddyFactory(
            prison=prison,
            prison_number=f"{letter}{i:04d}BB",
            given_name="Zebedee",
            family_name=f"Secret{prison.code}{i}",
            status="active",
            vetting_outcome="approved",
            vetted_on=dt.date(2026, 1, 6),
            started_on=dt.date(2026, 1, 8),
        )
        person = RecipientFactory(
            prison=prison,
            prison_number=f"{letter}{i:04d}RR",
            given_name="Ysolde",
            family_name=f"Hidden{prison.code}{i}",
        )
        plan = CarePlanFactory(
            recipient=person, state="approved", la_approved_on=dt.date(2026, 1, 15)
        )
        plan.tasks.set(["meals_collect"])
        AssignmentFactory(buddy=buddy, recipient=person)
        session = Session.objects.create(
            prison=prison, date=DAY, period="am", buddy=buddy, recipient=person, minutes=30
        )
        session.tasks.set(["meals_collect"])
        TrainingRecord.objects.create(
            prison=prison,
            buddy=buddy,
            module_id="safeguarding",
            provider="local_authority",
            completed_on=dt.date(2026, 1, 7),
        )
        supervision = Supervision.objects.create(
            prison=prison, reference=f"SUP-{i}", date=DAY, kind="group", supervisor=staff
        )
        supervision.buddies.add(buddy)
        incident = Incident.objects.create(
            prison=prison,
            reference=f"INC-{i}",
            occurred_on=DAY,
            category_id="boundary_crossed",
            severity="high",
            buddy=buddy,
            recipient=person,
            summary=f"Secret{prison.code}{i} overstepped",
        )
        made = {
            "buddy": buddy,
            "recipient": person,
            "plan": plan,
            "session": session,
            "incident": incident,
        }
    CostYear.objects.get_or_create(
        prison=prison,
        financial_year="2025-26",
        defaults={
            "template": {
                "prison_code": prison.code,
                "financial_year": "2025-26",
                "buddies_in_year": 1,
                "recipients_in_year": 1,
            }
        },
    )
    return made


@pytest.fixture
def worlds(home_prison, other_prison):
    return {"own": add_records(home_prison, 1), "other": add_records(other_prison, 1)}


# (URL name, its keywords from a world, whether it is about people)
ENDPOINTS = [
    ("api-prison-list", lambda w: {}, False),
    ("api-prison-detail", lambda w: {"code": w["buddy"].prison.code}, False),
    ("api-prison-indicators", lambda w: {"code": w["buddy"].prison.code}, False),
    ("api-cost-list", lambda w: {}, False),
    ("api-cost-report", lambda w: {"code": w["buddy"].prison.code, "year": "2025-26"}, False),
    ("api-buddy-list", lambda w: {}, True),
    ("api-buddy-detail", lambda w: {"buddy_id": w["buddy"].pk}, True),
    ("api-recipient-list", lambda w: {}, True),
    ("api-recipient-detail", lambda w: {"recipient_id": w["recipient"].pk}, True),
    ("api-care-plan-list", lambda w: {}, True),
    ("api-care-plan-detail", lambda w: {"plan_id": w["plan"].pk}, True),
    ("api-session-list", lambda w: {}, True),
    ("api-session-detail", lambda w: {"session_id": w["session"].pk}, True),
    ("api-training-list", lambda w: {}, True),
    ("api-supervision-list", lambda w: {}, True),
    ("api-incident-list", lambda w: {}, True),
    ("api-incident-detail", lambda w: {"incident_id": w["incident"].pk}, True),
]
LISTS = [name for name, _kwargs, _personal in ENDPOINTS if name.endswith("-list")]


def url(name: str, world: dict) -> str:
    kwargs = next(kwargs for known, kwargs, _personal in ENDPOINTS if known == name)
    return reverse(name, kwargs=kwargs(world))


def url_names(patterns) -> set[str]:
    names = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            names |= url_names(entry.url_patterns)
        else:
            names.add(entry.name)
    return names


def test_every_api_endpoint_is_tested_here():
    api_reads = {
        name for name in url_names(get_resolver().url_patterns) if name.startswith("api-")
    } - {
        "api-schema",
        "api-docs",
        "api-not-found",
        "api-tokens",
        "api-tokens-all",
    }
    assert api_reads == {name for name, _kwargs, _personal in ENDPOINTS}


@pytest.mark.parametrize(("name", "kwargs", "personal"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
@pytest.mark.parametrize("role", [None, *Role], ids=["nobody", *Role.values])
def test_each_role_reads_what_its_role_allows(users_by_role, worlds, role, name, kwargs, personal):
    client = client_for(users_by_role[role] if role else None)
    response = client.get(reverse(name, kwargs=kwargs(worlds["own"])))
    if role is None:
        expected = 401
    elif personal and role in {Role.INSPECTOR, Role.NATIONAL_ANALYST}:
        expected = 403
    else:
        expected = 200
    assert response.status_code == expected, response.content
    if expected != 200:
        assert set(response.json()) == ERROR_KEYS
        assert response.json()["status"] == expected


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.NATIONAL_ANALYST])
def test_aggregate_roles_never_see_a_name_or_prison_number(users_by_role, worlds, role):
    client = client_for(users_by_role[role])
    markers = []
    for world in worlds.values():
        markers += [world["buddy"].prison_number, world["buddy"].family_name]
        markers += [world["recipient"].prison_number, world["recipient"].family_name]
    for world in worlds.values():
        for name, kwargs, _personal in ENDPOINTS:
            body = client.get(reverse(name, kwargs=kwargs(world)), JANUARY).content.decode()
            for marker in markers:
                assert marker not in body, f"{role} saw {marker} at {name}"


def test_a_signed_in_session_also_reads_the_api(client, lead, worlds):
    client.force_login(lead)
    assert client.get(reverse("api-buddy-list")).status_code == 200


# Scope ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", [name for name, _kwargs, _personal in ENDPOINTS if not name.endswith("-list")]
)
@pytest.mark.parametrize("role", [Role.SOCIAL_CARE_LEAD, Role.PRISON_STAFF, Role.LA_REVIEWER])
def test_another_prisons_record_is_not_found(users_by_role, worlds, role, name):
    client = client_for(users_by_role[role])
    address = url(name, worlds["other"])
    assert client.get(address).status_code == 404
    # Whatever the method: a record elsewhere is not there for them.
    assert client.post(address, {}, format="json").status_code == 404
    assert client.delete(address).status_code in {403, 404}
    assert client.options(address).status_code == 404


@pytest.mark.parametrize("name", LISTS)
def test_lists_hold_only_the_users_prisons(users_by_role, worlds, name):
    def prisons_in(role):
        body = client_for(users_by_role[role]).get(reverse(name)).json()
        return {row["prison_code"] for row in body["results"]}

    assert prisons_in(Role.SOCIAL_CARE_LEAD) == {"HMX"}
    assert prisons_in(Role.PRISON_STAFF) == {"HMX"}
    assert prisons_in(Role.LA_REVIEWER) == {"HMX"}
    assert prisons_in(Role.ADMIN) == {"HMX", "OTX"}


@pytest.mark.parametrize("name", LISTS)
def test_a_filter_naming_another_prison_reads_as_no_such_prison(lead, worlds, name):
    client = client_for(lead)
    elsewhere = client.get(reverse(name), {"prison": "OTX"})
    nowhere = client.get(reverse(name), {"prison": "NOPE"})
    assert elsewhere.status_code == nowhere.status_code == 400
    assert elsewhere.json()["errors"] == {"prison": ["No prison with code OTX among your prisons"]}
    assert nowhere.json()["errors"] == {"prison": ["No prison with code NOPE among your prisons"]}


def test_an_administrator_filters_by_prison(admin_user, worlds):
    body = client_for(admin_user).get(reverse("api-buddy-list"), {"prison": "OTX"}).json()
    assert [row["prison_number"] for row in body["results"]] == ["O0000BB"]


def test_another_prisons_indicators_and_costs_are_not_found(lead, worlds):
    client = client_for(lead)
    assert client.get(reverse("api-prison-indicators", args=["OTX"])).status_code == 404
    assert client.get(reverse("api-cost-report", args=["OTX", "2025-26"])).status_code == 404
    assert client.get(reverse("api-prison-detail", args=["OTX"])).status_code == 404


# What comes back ------------------------------------------------------------------------------


def test_a_session_reads_as_the_data_standard_writes_it(lead, worlds):
    session = worlds["own"]["session"]
    body = client_for(lead).get(reverse("api-session-detail", args=[session.pk])).json()
    assert body == {
        "id": session.pk,
        "prison_code": "HMX",
        "date": "2026-01-20",
        "period": "am",
        "buddy_prison_number": "H0000BB",
        "recipient_prison_number": "H0000RR",
        "minutes": 30,
        "tasks": ["meals_collect"],
        "delivered": "yes",
        "informal": False,
        "paid": False,
        "off_plan_reason": "",
        "logged_at": body["logged_at"],
    }


def test_a_buddy_reads_with_codes_and_nulls_for_what_is_not_recorded(lead, worlds):
    buddy = worlds["own"]["buddy"]
    body = client_for(lead).get(reverse("api-buddy-detail", args=[buddy.pk])).json()
    assert body["prison_number"] == "H0000BB"
    assert body["status"] == "active"
    assert body["vetting_outcome"] == "approved"
    assert body["end_reason"] is None
    assert body["pay_scheme"] is None
    assert body["pay_rate_per_session"] is None
    assert body["other_peer_roles"] == []


def test_training_and_supervision_name_people_by_prison_number(lead, worlds):
    client = client_for(lead)
    training = client.get(reverse("api-training-list")).json()["results"]
    supervision = client.get(reverse("api-supervision-list")).json()["results"]
    assert [(t["person_kind"], t["person_ref"], t["module"]) for t in training] == [
        ("buddy", "H0000BB", "safeguarding")
    ]
    assert [(s["reference"], s["supervisor"], s["buddy_prison_numbers"]) for s in supervision] == [
        ("SUP-0", "S-HMX", ["H0000BB"])
    ]


def test_a_prison_reads_with_its_scheme(inspector, worlds):
    body = client_for(inspector).get(reverse("api-prison-detail", args=["HMX"])).json()
    assert body["prison_code"] == "HMX"
    assert body["name"] == "HMP Home"
    assert body["local_authority"] == "Northshire County Council"
    assert body["scheme_formality"] == "formal"
    assert body["mandatory_modules"] == [
        "care_act",
        "confidentiality",
        "raising_concerns",
        "role_and_boundaries",
        "safeguarding",
    ]


def test_a_cost_report_gives_the_years_figures(analyst, worlds):
    body = client_for(analyst).get(reverse("api-cost-report", args=["HMX", "2025-26"])).json()
    assert body["prison_code"] == "HMX"
    assert body["financial_year"] == "2025-26"
    assert body["source_of_buddy_pay"] == "sessions"  # 20 January 2026 is in 2025-26
    assert body["total"] == "0.00"  # an unpaid session, and nothing else in the template
    listed = client_for(analyst).get(reverse("api-cost-list"), {"prison": "HMX"}).json()
    assert [row["report"] for row in listed["results"]] == ["/api/v1/prisons/HMX/costs/2025-26/"]


def test_a_cost_year_that_is_not_recorded_is_not_found(lead, worlds):
    client = client_for(lead)
    assert client.get(reverse("api-cost-report", args=["HMX", "2019-20"])).status_code == 404
    assert client.get(reverse("api-cost-report", args=["HMX", "2019-29"])).status_code == 404


def test_sessions_filter_by_date_and_outcome(lead, home_prison, worlds):
    own = worlds["own"]
    Session.objects.create(
        prison=home_prison,
        date=dt.date(2026, 2, 3),
        period="pm",
        buddy=own["buddy"],
        recipient=own["recipient"],
        minutes=0,
        outcome="missed_regime_lockdown",
    )
    client = client_for(lead)

    def dates(**query):
        body = client.get(reverse("api-session-list"), query).json()
        return [row["date"] for row in body["results"]]

    assert dates() == ["2026-01-20", "2026-02-03"]
    assert dates(**{"from": "2026-02-01"}) == ["2026-02-03"]
    assert dates(to="2026-01-31") == ["2026-01-20"]
    assert dates(delivered="missed_regime_lockdown") == ["2026-02-03"]
    assert dates(**{"from": "2026-01-21", "to": "2026-02-02"}) == []


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "20/01/2026"}, "from", "Enter a date as YYYY-MM-DD, like 2026-01-31"),
        ({"to": "2026-02-30"}, "to", "Enter a date as YYYY-MM-DD, like 2026-01-31"),
        ({"from": "1999-12-31"}, "from", "Enter a date from 2000 to 2100"),
        ({"delivered": "maybe"}, "delivered", "maybe is not one of the codes: see the schema"),
        ({"prison": "hmx"}, "prison", "No prison with code hmx among your prisons"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_parameter(lead, worlds, query, field, message):
    response = client_for(lead).get(reverse("api-session-list"), query)
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "code": "invalid",
        "detail": "The request is not valid: see errors",
        "errors": {field: [message]},
    }


def test_lists_come_in_pages(lead, home_prison, worlds):
    add_records(home_prison, 3, start=1)
    client = client_for(lead)
    first = client.get(reverse("api-buddy-list"), {"page_size": 3}).json()
    assert first["count"] == 4
    assert len(first["results"]) == 3
    assert first["next"].endswith("page=2&page_size=3")
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
    missing = client.get(reverse("api-buddy-list"), {"page": 9})
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Invalid page."


def test_a_page_holds_at_most_200(lead, worlds):
    from api.pagination import PagePagination

    assert PagePagination.max_page_size == 200
    body = client_for(lead).get(reverse("api-buddy-list"), {"page_size": 100000}).json()
    assert body["count"] == 1


# Indicators -------------------------------------------------------------------------------------


@pytest.fixture
def three_sessions(home_prison, worlds):
    """Three sessions delivered at HMX in January 2026: a count an inspector sees as <5."""
    own = worlds["own"]
    for period in ["pm", "eve"]:
        Session.objects.create(
            prison=home_prison,
            date=DAY,
            period=period,
            buddy=own["buddy"],
            recipient=own["recipient"],
            minutes=30,
        )


def indicators(user, code="HMX", **query) -> dict:
    response = client_for(user).get(
        reverse("api-prison-indicators", args=[code]), {**JANUARY, **query}
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_an_inspector_sees_a_count_of_three_as_under_five(inspector, three_sessions):
    body = indicators(inspector)
    values = {row["key"]: row["value"] for row in body["indicators"]}
    assert body["small_numbers_hidden"] is True
    assert values["sessions_delivered"] == "<5"
    assert values["buddies_active"] == "<5"
    assert values["recipients_supported"] == "<5"
    assert all(row["base"] is None for row in body["indicators"])


def test_a_lead_sees_the_count_itself(lead, three_sessions):
    body = indicators(lead)
    rows = {row["key"]: row for row in body["indicators"]}
    assert body["small_numbers_hidden"] is False
    assert (rows["sessions_delivered"]["value"], rows["sessions_delivered"]["base"]) == (3, 3)
    assert rows["sessions_missed"]["value"] == {
        "missed_regime_lockdown": 0,
        "missed_buddy_unavailable": 0,
        "missed_recipient_declined": 0,
        "missed_other": 0,
    }
    # 3 sessions of 30 minutes over 31 days: 90 * 7 / (60 * 31) hours a week.
    assert rows["buddy_hours_per_week"]["value"]["scheme_total"] == "0.34"


def test_indicators_give_every_indicator_of_the_guide_with_its_period(analyst, worlds):
    body = indicators(analyst)
    assert (body["prison_code"], body["from"], body["to"]) == ("HMX", "2026-01-01", "2026-01-31")
    assert len(body["indicators"]) == 28
    governance = next(row for row in body["indicators"] if row["key"] == "governance_model")
    assert isinstance(governance["value"], int)  # not about people: never hidden


def test_indicators_refuse_a_period_that_ends_before_it_starts(lead, worlds):
    response = client_for(lead).get(
        reverse("api-prison-indicators", args=["HMX"]), {"from": "2026-02-01", "to": "2026-01-01"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"from": ["The start must be on or before the end"]}


# Errors -----------------------------------------------------------------------------------------


def test_every_error_has_the_same_shape(lead, inspector, worlds):
    session = worlds["own"]["session"]
    responses = {
        400: client_for(lead).get(reverse("api-session-list"), {"from": "soon"}),
        401: APIClient().get(reverse("api-session-list")),
        403: client_for(inspector).get(reverse("api-session-list")),
        404: client_for(lead).get(reverse("api-session-detail", args=[999999])),
        405: client_for(lead).put(reverse("api-session-detail", args=[session.pk]), {}),
        415: client_for(lead).post(reverse("api-session-list"), {"a": "b"}, format="multipart"),
    }
    for status, response in responses.items():
        body = response.json()
        assert response.status_code == status
        assert set(body) == ERROR_KEYS, status
        assert body["status"] == status
        assert body["detail"]
        assert (body["errors"] != {}) == (status == 400)
    assert responses[401]["WWW-Authenticate"] == "Token"
    assert responses[403].json()["detail"] == (
        "You do not have access: your role does not let you see or change this"
    )


def test_a_token_that_does_not_work_is_a_401(worlds):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get(reverse("api-session-list"))
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response.json()["detail"] == (
        "This token does not work: it may have been revoked or have expired. "
        "Make a new one at /account/api-tokens/"
    )


@pytest.mark.parametrize(
    "header", ["Token \xe9t\xe9", "Token \x00\x00", "Token a b", "Token", "Token " + "a" * 5000]
)
def test_a_malformed_token_is_a_401_never_an_error(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(reverse("api-prison-list"))
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_an_address_that_is_no_endpoint_is_a_404_in_the_same_shape(lead):
    client = client_for(lead)
    nowhere = client.get("/api/v1/nowhere/")
    assert nowhere.status_code == 404
    assert set(nowhere.json()) == ERROR_KEYS
    slashless = client.get("/api/v1/sessions")
    assert slashless.status_code == 404
    assert slashless.json()["detail"] == (
        "Not found: did you mean /api/v1/sessions/ (with a slash at the end)?"
    )
    assert client.get("/api/v1/buddies/abc/").status_code == 404
    assert client.get("/api/v1/prisons/hmx/").status_code == 404


def test_a_huge_id_is_not_found_rather_than_an_error(lead, worlds):
    response = client_for(lead).get("/api/v1/buddies/99999999999999999999999/")
    assert response.status_code == 404


# Query counts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTS)
def test_a_list_takes_the_same_number_of_queries_whatever_its_length(
    admin_user, home_prison, worlds, name, django_assert_num_queries
):
    client = client_for(admin_user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code == 200
    add_records(home_prison, 6, start=1)
    for _ in range(3):
        add_records(PrisonFactory(), 1)
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get(reverse(name)).json()
    assert body["count"] > 2
