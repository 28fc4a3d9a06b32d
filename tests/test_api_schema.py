"""The API's OpenAPI schema, its documentation page, and the API checked against its own schema.

The schemathesis run sends generated requests, valid and invalid, to every operation in this
process (the project's WSGI application, on the test database) with a lead's token, and checks
that nothing answers with a server error and every answer is what the schema says: its status,
content type, headers and body. Generation is derandomised, so a run is repeatable.
"""

import datetime as dt
import itertools
import re

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.services import api_token_create
from buddies.models import Session
from costs.models import CostYear
from governance.models import Incident, StaffMember, Supervision, TrainingRecord
from tests.factories import AssignmentFactory, BuddyFactory, CarePlanFactory, RecipientFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 20  # of each kind, valid and invalid, for each operation


def token_for(user) -> str:
    _details, secret = api_token_create(user=user, name="Schema checks")
    return secret


@pytest.fixture
def records(home_prison):
    """One of everything at the lead's prison, so that lists and reports have rows to check."""
    buddy = BuddyFactory(
        prison=home_prison,
        prison_number="A1234BC",
        status="active",
        vetting_outcome="approved",
        vetted_on=dt.date(2026, 1, 6),
        started_on=dt.date(2026, 1, 8),
    )
    person = RecipientFactory(prison=home_prison, prison_number="R1234PS")
    plan = CarePlanFactory(recipient=person, state="approved", la_approved_on=dt.date(2026, 1, 15))
    plan.tasks.set(["meals_collect"])
    AssignmentFactory(buddy=buddy, recipient=person)
    session = Session.objects.create(
        prison=home_prison,
        date=dt.date(2026, 1, 20),
        period="am",
        buddy=buddy,
        recipient=person,
        minutes=30,
    )
    session.tasks.set(["meals_collect"])
    Session.objects.create(
        prison=home_prison,
        date=dt.date(2026, 1, 21),
        period="pm",
        helper_prison_number="Z9999ZZ",
        recipient=person,
        minutes=20,
        informal=True,
    )
    staff = StaffMember.objects.create(
        prison=home_prison, staff_ref="S-1", name="Officer", role="Officer", organisation="prison"
    )
    TrainingRecord.objects.create(
        prison=home_prison,
        staff=staff,
        module_id="staff_peer_scheme",
        provider="prison",
        completed_on=dt.date(2026, 1, 7),
        hours="2.50",
    )
    supervision = Supervision.objects.create(
        prison=home_prison,
        reference="SUP-1",
        date=dt.date(2026, 1, 22),
        kind="group",
        supervisor_name="Visiting lead",
    )
    supervision.buddies.add(buddy)
    incident = Incident.objects.create(
        prison=home_prison,
        reference="INC-1",
        occurred_on=dt.date(2026, 1, 23),
        category_id="missed_care",
        severity="low",
        status="closed",
        closed_on=dt.date(2026, 1, 24),
    )
    CostYear.objects.create(
        prison=home_prison,
        financial_year="2025-26",
        template={
            "prison_code": "HMX",
            "financial_year": "2025-26",
            "buddies_in_year": 2,
            "recipients_in_year": 3,
            "staff": [{"role": "Wing officer", "band": None, "hours": 10}],
        },
    )
    return {
        "code": "HMX",
        "year": "2025-26",
        "buddy_id": buddy.pk,
        "recipient_id": person.pk,
        "plan_id": plan.pk,
        "session_id": session.pk,
        "incident_id": incident.pk,
    }


@pytest.fixture
def application():
    """The project's WSGI application, answering in this process on the test database. Like
    Django's test client, it must not close the test's database connection after each request."""
    from config.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_schema_is_served_to_whoever_has_a_token(lead, inspector):
    for user in [lead, inspector]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        response = client.get("/api/schema/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
        schema = response.json()
        assert schema["openapi"].startswith("3.")
        assert "/api/v1/sessions/" in schema["paths"]
    yaml = client.get("/api/schema/?format=yaml")
    assert yaml.content.startswith(b"openapi: 3.")


def test_the_schema_needs_a_token_and_says_so_in_the_error_shape():
    response = APIClient().get("/api/schema/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_every_operation_documents_its_errors(lead):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(lead)}")
    schema = client.get("/api/schema/").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, f"{method} {path}"
            if method in {"post", "patch"}:
                assert "400" in codes, f"{method} {path}"
            if "{" in path:
                assert "404" in codes, f"{method} {path}"
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"status", "code", "detail", "errors"}


def test_the_documentation_page_keeps_the_content_security_policy(client, lead):
    client.force_login(lead)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    page = response.content.decode()
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page), "an inline script"
    assert "<style" not in page
    assert " style=" not in page
    assert "cdn" not in page.lower()
    assert "swagger-ui" not in page.lower()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert assets  # the site's own styles and scripts, as on every page
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert b"".join(served.streaming_content)  # read to the end, which closes the file
    assert not re.search(r'(?:src|href)="(?://|https?://)(?!www\.nationalarchives\.gov\.uk/)', page)


def test_the_documentation_page_lists_every_operation_in_the_schema(client, lead):
    client.force_login(lead)
    schema = client.get("/api/schema/?format=json").json()
    operations = [
        (method.upper(), path, operation["operationId"])
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    page = client.get("/api/docs/").content.decode()
    headings = re.findall(r'<h3 class="govuk-heading-m" id="([^"]+)">', page)
    assert len(headings) == len(operations)
    for method, path, operation_id in operations:
        anchor = operation_id.replace("_", "-")
        assert anchor in headings, operation_id
        assert f'href="#{anchor}"' in page, f"{operation_id} is not in the contents"
        assert f">{method}</strong> <code>{path}</code>" in page, f"{method} {path}"
    # A few by hand, as the API's users know them.
    assert '<h3 class="govuk-heading-m" id="prisons-list">List your prisons</h3>' in page
    assert "<code>/api/v1/prisons/</code>" in page
    assert '<h3 class="govuk-heading-m" id="sessions-create">Record a session</h3>' in page
    assert ">POST</strong> <code>/api/v1/sessions/</code>" in page
    assert ">PATCH</strong> <code>/api/v1/incidents/{incident_id}/</code>" in page
    assert ">DELETE</strong> <code>/api/v1/sessions/{session_id}/</code>" in page
    assert len(operations) == 21


def test_the_documentation_page_shows_parameters_bodies_and_responses(client, lead):
    client.force_login(lead)
    page = client.get("/api/docs/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    section = text[text.index("List buddies GET") : text.index("Get a buddy GET")]
    assert (
        "Parameters Name Where Type Required Description "
        "page Query integer No A page number within the paginated result set. "
    ) in section
    assert (
        "status Query list of string No Status (repeat for several) applicant - Applicant"
        in section
    )
    assert "prison Query list of string No Each: matches ^[A-Z]{2,5}$ ." in section
    assert "Responses Status Description 200 OK 400 The request is not valid" in section
    assert "401 No token was sent, or it has been revoked or has expired" in section
    assert "Fields of the 200 answer" in section
    record = text[text.index("Record a session POST") : text.index("Get a session GET")]
    assert "Request body (JSON) Field Type Required Description" in record
    assert "prison_code string Yes Matches ^[A-Z]{2,5}$ . Up to 5 characters." in record
    assert "date date (YYYY-MM-DD) Yes" in record
    assert "paid boolean, or null No Left out or null: as usual" in record
    assert "201 Created" in record
    withdraw = text[text.index("Withdraw a session DELETE") : text.index("List supervision GET")]
    assert "session_id Path integer Yes At least 1." in withdraw
    assert "204 No response body" in withdraw
    # Authentication and the schema downloads, with the format each link gives.
    assert "Authorization: Token your-token" in text
    assert 'href="/account/api-tokens/"' in page
    assert re.search(
        r'href="/api/schema/\?format=json" download>Download the schema as JSON \(\d+ KB\)', page
    )
    assert re.search(
        r'href="/api/schema/\?format=yaml" download>Download the schema as YAML \(\d+ KB\)', page
    )
    assert client.get("/api/schema/?format=yaml")["Content-Type"].startswith(
        "application/vnd.oai.openapi"
    )


def test_the_documentation_page_headings_go_in_order(client, lead):
    client.force_login(lead)
    page = client.get("/api/docs/").content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    levels = [int(level) for level in re.findall(r"<h([1-6])", main)]
    assert levels[0] == 1
    assert levels.count(1) == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "an id used twice"


def test_the_documentation_page_asks_nobody_signed_in_to_sign_in(client):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/api/docs/"


# Requests that the rules accept, so that the answers to a write are checked too.
ACCEPTED = {
    "POST /api/v1/sessions/": {
        "body": {
            "prison_code": "HMX",
            "date": "2026-01-27",
            "period": "am",
            "buddy_prison_number": "A1234BC",
            "recipient_prison_number": "R1234PS",
            "minutes": 30,
            "tasks": ["meals_collect"],
            "delivered": "yes",
            "informal": False,
        }
    },
    "POST /api/v1/incidents/": {
        "body": {
            "prison_code": "HMX",
            "reference": "INC-2",
            "occurred_on": "2026-01-27",
            "category": "boundary_crossed",
            "severity": "medium",
            "buddy_prison_number": "A1234BC",
            "status": "open",
        }
    },
    "PATCH /api/v1/incidents/{incident_id}/": {"body": {"severity": "high"}},
}


def test_the_api_answers_every_request_as_its_schema_says(application, lead, records):
    """Schemathesis: valid and invalid requests to every operation, first with any path, then
    with the path of a real record (the lead's prison, its buddy, its session…); no 5xx, and
    every response conforms to the schema."""
    headers = {"Authorization": f"Token {token_for(lead)}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, headers=headers)
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        names = re.findall(r"{(\w+)}", operation.path)
        real = {name: records[name] for name in names}
        accepted = ACCEPTED.get(operation.label)
        if accepted:
            case = operation.Case(path_parameters=real, media_type="application/json", **accepted)
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            assert response.status_code in {200, 201}, response.text
        valid, invalid = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
        rounds = [(valid, None), (invalid, None)]
        if real:
            rounds.append((valid, real))
            if len(operation.query) or len(operation.body):  # something left to make invalid
                rounds.append((invalid, real))
        for mode, path in rounds:

            @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path))
            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def check(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                check()
            except Exception as failure:
                where = "real path" if path else "any path"
                failures.append(f"{operation.label} ({mode.value}, {where}): {failure}")
    assert operations >= 17
    assert not failures, "\n\n".join(failures)
