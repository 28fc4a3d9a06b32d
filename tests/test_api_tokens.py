"""API tokens: made on the user's own page and shown once, kept as a digest only, working until
revoked or expired; administrators revoke anyone's."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from api.models import TokenDetails
from api.services import api_token_create

TOKENS = "/account/api-tokens/"
ALL_TOKENS = "/account/api-tokens/all/"
API = "/api/v1/prisons/"


def make_token(client, user, name="Nightly export") -> str:
    """Make a token on the page as the user; the secret as the page shows it."""
    client.force_login(user)
    response = client.post(TOKENS, {"name": name})
    assert response.status_code == 200
    found = re.search(
        r'id="api-token" name="api-token" type="text" value="([0-9a-f]+)"', page(response)
    )
    assert found, page(response)
    return found[1]


def page(response) -> str:
    return response.content.decode()


def api_status(secret: str, address: str = API) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client.get(address).status_code


def test_the_page_lists_no_tokens_at_first_and_offers_to_make_one(client, lead):
    client.force_login(lead)
    response = client.get(TOKENS)
    assert response.status_code == 200
    assert "You have no API tokens." in page(response)
    assert "Create a token" in page(response)
    assert "A token works for 365 days" in page(response)


def test_a_token_is_shown_once_and_works(client, lead, home_prison):
    secret = make_token(client, lead)
    assert len(secret) == 64
    assert api_status(secret) == 200
    listing = page(client.get(TOKENS))
    assert "Nightly export" in listing
    assert secret not in listing
    assert secret[:8] in listing  # enough to tell tokens apart


def test_the_page_showing_a_token_is_not_kept_in_any_cache(client, lead):
    client.force_login(lead)
    response = client.post(TOKENS, {"name": "Nightly export"})
    assert response["Cache-Control"] == "no-store"
    assert "You will not be able to see it again" in page(response)


def test_a_token_is_stored_only_as_a_digest(client, lead):
    secret = make_token(client, lead)
    token = AuthToken.objects.get()
    assert token.digest != secret
    assert len(token.digest) == 128  # SHA-512, in hex
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest, token_key FROM knox_authtoken")
        (digest, key) = cursor.fetchone()
    assert secret not in digest
    assert key == secret[:15]  # knox's lookup prefix, not the token


def test_a_token_expires_after_a_year(client, lead):
    make_token(client, lead)
    expiry = AuthToken.objects.get().expiry
    assert timezone.now() + dt.timedelta(days=364) < expiry
    assert expiry < timezone.now() + dt.timedelta(days=366)


def test_an_expired_token_stops_working(lead):
    _details, secret = api_token_create(user=lead, name="Old")
    AuthToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert api_status(secret) == 401
    assert not AuthToken.objects.exists()  # knox removes it


def test_a_token_needs_a_name(client, lead):
    client.force_login(lead)
    response = client.post(TOKENS, {"name": ""})
    assert "Enter what the token is for" in page(response)
    assert not AuthToken.objects.exists()


def test_a_user_holds_at_most_ten_tokens(client, lead):
    for n in range(10):
        api_token_create(user=lead, name=f"Token {n}")
    client.force_login(lead)
    response = client.post(TOKENS, {"name": "One more"})
    assert "You already have 10 tokens: revoke one you no longer use first" in page(response)
    assert AuthToken.objects.count() == 10


def test_a_revoked_token_stops_working(client, lead):
    secret = make_token(client, lead)
    details = TokenDetails.objects.get()
    response = client.post(TOKENS, {"revoke": details.pk}, follow=True)
    assert "Token “Nightly export” revoked: it no longer works" in page(response)
    assert api_status(secret) == 401
    assert not AuthToken.objects.exists()
    revoked = TokenDetails.history.filter(history_type="-").get()
    assert (revoked.name, revoked.history_user) == ("Nightly export", lead)


def test_nobody_revokes_another_users_token_from_their_own_page(client, lead, staff):
    secret = make_token(client, staff)
    details = TokenDetails.objects.get()
    client.force_login(lead)
    assert client.post(TOKENS, {"revoke": details.pk}).status_code == 404
    assert client.post(TOKENS, {"revoke": "not-a-number"}).status_code == 404
    assert api_status(secret) == 200


def test_an_administrator_lists_and_revokes_anyones_token(client, staff, admin_user):
    secret = make_token(client, staff, name="Wing kiosk")
    client.force_login(admin_user)
    listing = page(client.get(ALL_TOKENS))
    assert "Wing kiosk" in listing
    assert "Sasha Staff (staff, prison staff)" in listing
    assert secret not in listing
    response = client.post(ALL_TOKENS, {"revoke": TokenDetails.objects.get().pk}, follow=True)
    assert "Token “Wing kiosk” of Sasha Staff revoked" in page(response)
    assert api_status(secret) == 401
    assert TokenDetails.history.filter(history_type="-").get().history_user == admin_user


@pytest.mark.parametrize("role_user", ["lead", "staff", "la_reviewer", "inspector", "analyst"])
def test_only_administrators_see_everyones_tokens(client, db, request, role_user):
    client.force_login(request.getfixturevalue(role_user))
    assert client.get(ALL_TOKENS).status_code == 403
    assert client.post(ALL_TOKENS, {"revoke": "1"}).status_code == 403


def test_the_token_pages_need_signing_in(client):
    for address in [TOKENS, ALL_TOKENS]:
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")


def test_an_inspectors_token_reads_figures_and_is_told_so(client, inspector):
    secret = make_token(client, inspector)
    assert "it sees figures only, never a name or prison number" in page(client.get(TOKENS))
    assert api_status(secret) == 200
    assert api_status(secret, "/api/v1/buddies/") == 403


def test_a_deactivated_users_token_stops_working(client, lead):
    secret = make_token(client, lead)
    lead.is_active = False
    lead.save()
    assert api_status(secret) == 401


def test_a_changed_role_changes_what_the_token_reads(client, lead):
    secret = make_token(client, lead)
    assert api_status(secret, "/api/v1/buddies/") == 200
    lead.role = "national_analyst"
    lead.save()
    lead.prisons.clear()
    assert api_status(secret, "/api/v1/buddies/") == 403


def test_the_home_page_links_to_the_token_page(client, lead):
    client.force_login(lead)
    assert f'href="{reverse("api-tokens")}"' in page(client.get(reverse("home")))
