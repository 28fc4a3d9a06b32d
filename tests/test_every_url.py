"""Walks every URL pattern of the product as every role, and as nobody.

The walk finds URL patterns by itself, so every page added later is covered. A new URL keyword
(say `buddy_id`) makes `test_every_url_keyword_has_sample_values` fail until SAMPLES below says
which record of each prison to use for it.

What must hold:
- nobody signed in reaches anything but the public pages;
- a user of any role who has given their password but not the code from their authenticator app
  reaches only the public pages and the steps of two-factor sign-in (the API: no session at all);
- a lead, member of staff or local authority reviewer asking for anything of a prison outside
  their scope gets 404 or 403, by GET and by POST;
- no page errors for any role, in scope or out;
- inspectors and national analysts never see a name or prison number, on any page of any prison;
- every response carries the security headers and may not be kept in any cache
  (tests/test_security_headers.py checks each header in full).
"""

import datetime
import subprocess

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.constants import Role
from buddies.models import Session
from costs.models import CostYear
from exchange.models import ImportRun
from files.models import FileState, PreparedFile
from governance.models import Incident, StaffMember
from outcomes.models import Response
from tests.factories import (
    AssignmentFactory,
    BuddyFactory,
    CarePlanFactory,
    RecipientFactory,
    SurveyWaveFactory,
    UserFactory,
)
from tests.two_factor import password_only_login

PUBLIC = {"sign-in", "help", "help-role", "accessibility", "privacy"}
# Health checks for load balancers (common/health.py): open to everyone, they show no data.
PUBLIC |= {"healthz", "readyz"}
# Open to a user who has given their password but not yet the second factor.
TWO_FACTOR_STEPS = {
    "sign-out",
    "session-keep-alive",
    "two-factor-set-up",
    "two-factor-verify",
    "two-factor-recovery",
}
# The API answers for itself: 401 to nobody signed in (no redirect), 404 in its own shape for an
# address that is no endpoint; a bare POST (not JSON) to an endpoint that records is a 415, and
# one that names no record a 400. Its documentation and token pages are pages like any other.
API_PAGES = {"api-docs", "api-tokens", "api-tokens-all"}
API_NOT_FOUND = "api-not-found"
API_ANSWERS = {400, 415}
# "Stay signed in" in the timeout warning: a POST answered with 204 and nothing to show.
KEEP_ALIVE = "session-keep-alive"
# Asking for a file to be prepared: a bare POST names no file, a 400.
FILE_REQUEST = "file-request"


def is_api(name: str) -> bool:
    return name.startswith("api-") and name not in API_PAGES


# How to fill each URL keyword for a given prison's "world" of records.
SAMPLES = {
    "code": lambda world: world["prison"].code,
    "buddy_id": lambda world: world["buddy"].pk,
    "recipient_id": lambda world: world["recipient"].pk,
    "plan_id": lambda world: world["plan"].pk,
    "assignment_id": lambda world: world["assignment"].pk,
    "week": lambda world: "2026-W03",  # also the .pdf of the same week
    "staff_id": lambda world: world["staff"].pk,
    "incident_id": lambda world: world["incident"].pk,
    "year": lambda world: world["cost_year"].financial_year,
    "fmt": lambda world: "csv",
    "session_id": lambda world: session_of(world).pk,
    "run_id": lambda world: import_run_of(world).pk,
    "wave_id": lambda world: response_of(world).wave_id,
    "instrument_id": lambda world: response_of(world).instrument_id,
    "response_id": lambda world: response_of(world).pk,
    "file_id": lambda world: prepared_file_of(world).pk,
    "role": lambda world: "social-care-lead",  # a help page, the same for every prison
}


def prepared_file_of(world):
    """A file prepared for someone else, made the first time a URL asks: only the person who
    asked for a file may see it, whatever their role, so every walker is refused it."""
    if "prepared_file" not in world:
        code = world["prison"].code
        world["prepared_file"] = PreparedFile.objects.create(
            kind="comparison",
            parameters={"from": "2025-01-21", "to": "2026-01-20", "by": "prison", "format": "csv"},
            title=f"Prisons compared ({code})",
            requested_by=UserFactory(username=f"asker-{code.lower()}", role=Role.NATIONAL_ANALYST),
            state=FileState.READY,
            filename="prisons-compared.csv",
            content_type="text/csv; charset=utf-8",
            content=b"prison_code\n",
        )
    return world["prepared_file"]


def response_of(world):
    """The world's buddy's answers in a baseline survey, made the first time a URL asks."""
    if "response" not in world:
        wave = SurveyWaveFactory(prison=world["prison"])
        world["response"] = Response.objects.create(
            wave=wave,
            instrument=wave.instruments.get(code="peercare-buddy"),
            prison=world["prison"],
            buddy=world["buddy"],
            answered_on=wave.starts_on,
        )
    return world["response"]


def import_run_of(world):
    """A checked import into the world's prison, made the first time a URL asks for one."""
    if "import_run" not in world:
        world["import_run"] = ImportRun.objects.create(
            prison=world["prison"],
            source="browser",
            result="refused",
            files=["buddies.csv"],
            errors=[f"buddies.csv:2: prison_number: no buddy {world['buddy'].prison_number}"],
        )
    return world["import_run"]


def session_of(world):
    """A session of the world's buddy and person, made the first time a URL asks for one."""
    if "session" not in world:
        world["session"] = Session.objects.create(
            prison=world["prison"],
            date=datetime.date(2026, 1, 20),
            period="am",
            buddy=world["buddy"],
            recipient=world["recipient"],
            minutes=30,
        )
    return world["session"]


def all_patterns(resolver=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            assert entry.namespace is None, "namespaced includes: teach this walk to follow them"
            yield from all_patterns(entry)
        else:
            assert isinstance(entry, URLPattern)
            yield entry


def named_urls():
    """(name, keyword names) for every URL pattern."""
    resolver = get_resolver()
    for entry in all_patterns():
        assert entry.name, f"every URL needs a name: {entry.pattern}"
        for possibility, _pattern, _defaults, _converters in resolver.reverse_dict.getlist(
            entry.name
        ):
            for _format, params in possibility:
                yield entry.name, tuple(params)


URLS = sorted(set(named_urls()))

# Keywords that name something in one prison; the others (a year, a format) do not.
# Questionnaires and help pages are the same everywhere.
UNSCOPED_KEYWORDS = {"year", "fmt", "instrument_id", "role"}


def readable_text(response) -> str:
    """What a person reads in the response: a PDF's text, or the page."""
    if response.get("Content-Type") == "application/pdf":
        result = subprocess.run(
            ["/usr/bin/pdftotext", "-", "-"],
            input=response.content,
            capture_output=True,
            check=True,
        )
        return result.stdout.decode()
    return response.content.decode()


def assert_security_headers(response, url):
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy, url
    assert "unsafe-inline" not in policy, url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert "no-store" in response["Cache-Control"].split(", "), url


def build(name, params, world):
    return reverse(name, kwargs={param: SAMPLES[param](world) for param in params})


@pytest.fixture
def worlds(home_prison, other_prison, lead):
    """Records in each prison, with personal details that aggregate roles must never see."""
    other_lead = UserFactory(
        username="otherlead",
        first_name="Olly",
        last_name="Otherlead",
        role=Role.SOCIAL_CARE_LEAD,
        prisons=[other_prison],
    )
    markers = []
    worlds = {}
    for key, prison, editor, number in [
        ("own", home_prison, lead, "A1111AA"),
        ("other", other_prison, other_lead, "B2222BB"),
    ]:
        prison.scheme._history_user = editor
        prison.scheme.name = f"Helpers of {prison.code}"
        prison.scheme.save()
        buddy = BuddyFactory(
            prison=prison,
            prison_number=number,
            given_name="Zebedee",
            family_name=f"Secret{key}",
            status="active",
            vetting_outcome="approved",
            vetted_on=datetime.date(2026, 1, 6),
        )
        person_number = number.replace(number[0], "R", 1)
        recipient = RecipientFactory(
            prison=prison,
            prison_number=person_number,
            given_name="Ysolde",
            family_name=f"Hidden{key}",
        )
        plan = CarePlanFactory(recipient=recipient, state="submitted")
        assignment = AssignmentFactory(buddy=buddy, recipient=recipient)
        markers += [editor.get_full_name(), number, f"Secret{key}", person_number, f"Hidden{key}"]
        staff = StaffMember.objects.create(
            prison=prison,
            staff_ref=f"S-{key}",
            name=f"Officer Hidden{key}",
            role="Officer",
            organisation="prison",
        )
        incident = Incident.objects.create(
            prison=prison,
            reference=f"INC-{key}",
            occurred_on=datetime.date(2026, 1, 20),
            category_id="boundary_crossed",
            severity="high",
            buddy=buddy,
            recipient=recipient,
            summary=f"Secret{key} overstepped",
        )
        cost_year = CostYear.objects.create(
            prison=prison,
            financial_year="2022-23",
            template={
                "prison_code": prison.code,
                "financial_year": "2022-23",
                "buddies_in_year": 1,
                "recipients_in_year": 1,
                "staff": [{"role": f"Officer Hidden{key}", "band": 6, "hours": 1}],
            },
        )
        worlds[key] = {
            "cost_year": cost_year,
            "incident": incident,
            "staff": staff,
            "prison": prison,
            "buddy": buddy,
            "recipient": recipient,
            "plan": plan,
            "assignment": assignment,
        }
    return {**worlds, "personal_markers": markers}


def test_the_walk_finds_the_product_pages():
    names = {name for name, _params in URLS}
    assert {"home", "sign-in", "prison-detail", "scheme-edit", "prison-history"} <= names
    assert {"buddy-list", "buddy-detail", "buddy-status", "buddy-pay", "buddy-recruitment"} <= names
    assert {
        "recipient-detail",
        "plan-detail",
        "plan-review",
        "review-queue",
        "assignment-end",
    } <= names
    assert {
        "api-session-list",
        "api-session-detail",
        "api-prison-indicators",
        "api-tokens",
    } <= names
    assert {
        "audit-log",
        "prison-audit",
        "recipient-audit",
        "plan-audit",
        "buddy-audit",
        "incident-audit",
    } <= names


def test_every_url_keyword_has_sample_values():
    unknown = {param for _name, params in URLS for param in params} - set(SAMPLES)
    assert not unknown, f"add sample values to SAMPLES for URL keywords {sorted(unknown)}"


def test_nobody_signed_in_reaches_only_public_pages(client, worlds):
    for name, params in URLS:
        url = build(name, params, worlds["own"])
        response = client.get(url)
        assert_security_headers(response, url)
        if name in PUBLIC:
            assert response.status_code == 200, url
        elif name == API_NOT_FOUND:
            assert response.status_code == 404, url
        elif is_api(name):
            assert response.status_code == 401, url
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("sign-in")), url


@pytest.mark.parametrize("role", list(Role))
def test_a_password_alone_reaches_only_public_pages_and_the_second_step(
    client, users_by_role, worlds, role
):
    user = users_by_role[role]
    verify = reverse("two-factor-verify")
    for name, params in URLS:
        url = build(name, params, worlds["own"])
        for method in (client.get, client.post):
            password_only_login(client, user)
            response = method(url)
            assert_security_headers(response, url)
            where = f"{role} {method.__name__} {url}"
            if name in PUBLIC or name in TWO_FACTOR_STEPS:
                assert response.status_code in {200, 204, 302, 405}, where
            elif name == API_NOT_FOUND:
                assert response.status_code == 404, where
            elif is_api(name):
                assert response.status_code in {401, 403}, where
            else:
                assert response.status_code == 302, where
                assert response["Location"].startswith(f"{verify}?next="), where


@pytest.mark.parametrize("role", [Role.SOCIAL_CARE_LEAD, Role.PRISON_STAFF, Role.LA_REVIEWER])
def test_prison_scoped_roles_get_nothing_from_another_prison(client, users_by_role, worlds, role):
    checked = 0
    for name, params in URLS:
        if not set(params) - UNSCOPED_KEYWORDS:
            continue
        url = build(name, params, worlds["other"])
        for method in (client.get, client.post):
            client.force_login(users_by_role[role])
            response = method(url)
            assert response.status_code in {403, 404}, f"{role} {method.__name__} {url}"
            assert_security_headers(response, url)
            checked += 1
    assert checked >= 6


@pytest.mark.parametrize("role", list(Role))
def test_every_page_works_for_every_role_and_aggregate_roles_see_no_one(
    client, users_by_role, worlds, role
):
    user = users_by_role[role]
    for world in ("own", "other"):
        for name, params in URLS:
            url = build(name, params, worlds[world])
            for method in (client.get, client.post):
                # Signing out ends every session of the user by changing what their sessions
                # must match: sign in as they are now, not as they were before the walk did so.
                user.refresh_from_db()
                client.force_login(user)
                response = method(url)
                allowed = {200, 302, 403, 404, 405} | (API_ANSWERS if is_api(name) else set())
                if name == KEEP_ALIVE:
                    allowed.add(204)
                if name == FILE_REQUEST and method == client.post:
                    allowed.add(400)
                assert response.status_code in allowed, f"{method.__name__} {url}"
                assert_security_headers(response, url)
                if role in {Role.INSPECTOR, Role.NATIONAL_ANALYST}:
                    page = readable_text(response)
                    for marker in worlds["personal_markers"]:
                        assert marker not in page, f"{role} saw {marker!r} at {url}"


def test_pages_across_prisons_show_only_the_users_prisons(client, lead, worlds):
    client.force_login(lead)
    url = reverse("cost-comparison", args=["2022-23"])
    response = client.get(url)
    assert_security_headers(response, url)
    page = response.content.decode()
    assert "HMP Home" in page
    assert "HMP Other" not in page
