"""Headers on every response: a content security policy that allows no inline code, no plugin
and no framing; no content sniffing; no referrer sent to other sites; and no copy of any page,
download or API answer kept by a browser or proxy. In production, HTTPS only (redirect, HSTS,
secure cookies), and Django's deployment checklist passes.

Production settings are read at start-up, so those tests start Django in a process of its own
with the production environment (tests/fresh_process.py); the others use this test process."""

import json

import pytest
from django.urls import reverse

from accounts.constants import Role
from tests.factories import RecipientFactory
from tests.fresh_process import PRODUCTION, run, run_django, settings_values

# The policy, directive by directive. The header's order of directives is not fixed.
POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "frame-ancestors": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
}
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"  # Django's never_cache


def policy_of(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: set(sources) for name, *sources in directives}


@pytest.fixture
def person(home_prison):
    return RecipientFactory(prison=home_prison, given_name="Ysolde", family_name="Hidden")


# What is asked for, by whom: (role or None for nobody, address, status, content type, caching).
RESPONSES = {
    "sign-in page": (None, lambda p: reverse("sign-in"), 200, "text/html", NEVER_CACHE),
    "page of a person": (
        Role.SOCIAL_CARE_LEAD,
        lambda p: reverse("recipient-detail", args=[p.prison.code, p.pk]),
        200,
        "text/html",
        "no-store",
    ),
    "handover PDF": (
        Role.SOCIAL_CARE_LEAD,
        lambda p: reverse("recipient-handover-pdf", args=[p.prison.code, p.pk]),
        200,
        "application/pdf",
        "no-store",
    ),
    "comparison CSV": (
        Role.INSPECTOR,
        lambda p: reverse("monitoring-comparison") + "?format=csv",
        200,
        "text/csv",
        "no-store",
    ),
    "API answer": (
        Role.SOCIAL_CARE_LEAD,
        lambda p: "/api/v1/prisons/",
        200,
        "application/json",
        "no-store",
    ),
    "page not found": (
        Role.SOCIAL_CARE_LEAD,
        lambda p: "/no-such-page/",
        404,
        "text/html",
        "no-store",
    ),
    "refused address": (None, lambda p: "/help/?q=%00", 400, "text/html", "no-store"),
}


@pytest.mark.parametrize("what", RESPONSES)
def test_every_kind_of_response_carries_the_security_headers(client, users_by_role, person, what):
    role, address, status, content_type, caching = RESPONSES[what]
    if role:
        client.force_login(users_by_role[role])
    response = client.get(address(person))
    assert response.status_code == status
    assert response["Content-Type"].startswith(content_type)
    assert policy_of(response) == POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cache-Control"] == caching


def test_the_policy_allows_no_inline_code_no_plugins_and_no_framing(client):
    header = client.get(reverse("sign-in"))["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    assert "object-src 'none'" in header
    assert "frame-ancestors 'none'" in header


def test_static_files_keep_their_own_caching(client):
    """Styles and scripts hold no personal data: WhiteNoise answers them before the no-store rule."""
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)  # read to the end, which closes the file
    assert response["Cache-Control"] == "max-age=60, public"


# Production ------------------------------------------------------------------------------------


def test_production_settings_pass_the_deployment_checklist():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert result.stderr == ""


COOKIE_AND_HTTPS_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
]


def test_production_sends_cookies_over_https_only_and_never_to_scripts():
    assert settings_values(COOKIE_AND_HTTPS_SETTINGS, **PRODUCTION) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": None,
        "SECURE_HSTS_SECONDS": 2 * 365 * 24 * 60 * 60,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
    }


def test_development_works_over_plain_http():
    """`make run` serves http://127.0.0.1:8000: no redirect, no HSTS, cookies sent over HTTP."""
    values = settings_values(COOKIE_AND_HTTPS_SETTINGS)
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False


# The sign-in page asked for three ways: over HTTP, over HTTPS, and over HTTP with the header a
# TLS-terminating proxy adds. Production names static files from the manifest collectstatic
# writes, which a checkout does not have, so only the static storage is changed here.
SIGN_IN_THREE_WAYS = """
import json
from django.test import Client, override_settings

plain_static = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
with override_settings(STORAGES=plain_static):
    client = Client(headers={"host": "peercare.example"})
    answers = {
        "http": client.get("/sign-in/"),
        "https": client.get("/sign-in/", secure=True),
        "proxied https": client.get("/sign-in/", headers={"x-forwarded-proto": "https"}),
    }
summary = {}
for way, response in answers.items():
    cookie = response.cookies.get("csrftoken")
    summary[way] = {
        "status": response.status_code,
        "location": response.get("Location"),
        "hsts": response.get("Strict-Transport-Security"),
        "csrf cookie": cookie and [cookie["secure"], cookie["httponly"], cookie["samesite"]],
    }
print(json.dumps(summary))
"""
HTTPS_SIGN_IN = {
    "status": 200,
    "location": None,
    "hsts": "max-age=63072000; includeSubDomains; preload",
    "csrf cookie": [True, True, "Lax"],
}
REDIRECT_TO_HTTPS = {
    "status": 301,
    "location": "https://peercare.example/sign-in/",
    "hsts": None,
    "csrf cookie": None,
}


def test_production_redirects_to_https_and_answers_it_with_hsts_and_secure_cookies():
    answers = json.loads(run_django(SIGN_IN_THREE_WAYS, **PRODUCTION))
    assert answers["http"] == REDIRECT_TO_HTTPS
    assert answers["https"] == HTTPS_SIGN_IN
    # Without DJANGO_PROXY_SSL_HEADER a client's own X-Forwarded-Proto is not believed.
    assert answers["proxied https"] == REDIRECT_TO_HTTPS


def test_behind_a_proxy_its_https_header_is_believed():
    answers = json.loads(
        run_django(SIGN_IN_THREE_WAYS, **PRODUCTION, DJANGO_PROXY_SSL_HEADER="X-Forwarded-Proto")
    )
    assert answers["http"] == REDIRECT_TO_HTTPS
    assert answers["proxied https"] == HTTPS_SIGN_IN


def test_the_redirect_to_https_can_be_left_to_the_proxy():
    answers = json.loads(
        run_django(SIGN_IN_THREE_WAYS, **PRODUCTION, DJANGO_SECURE_SSL_REDIRECT="0")
    )
    assert answers["http"]["status"] == 200
    assert answers["http"]["hsts"] is None  # HSTS is only ever sent over HTTPS
    assert answers["https"] == HTTPS_SIGN_IN


HEALTH_OVER_HTTP = """
import json
from django.test import Client

client = Client(headers={"host": "peercare.example"})
print(json.dumps({path: client.get(path).status_code for path in ["/healthz", "/sign-in/"]}))
"""


def test_a_health_check_over_plain_http_is_answered_not_redirected():
    answers = json.loads(run_django(HEALTH_OVER_HTTP, **PRODUCTION))
    assert answers == {"/healthz": 200, "/sign-in/": 301}
