"""Headers on every response: a content security policy that allows no inline code, no plugin
and no framing; no content sniffing; no referrer sent to other sites; and no copy of any page,
download or API answer kept by a browser or proxy."""

import pytest
from django.urls import reverse

from accounts.constants import Role
from tests.factories import RecipientFactory

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
