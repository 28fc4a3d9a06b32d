"""Signing in and staying signed in (OWASP ASVS 2.1, 2.2, 3.2, 3.3; issue 11).

- Lockout: 5 failures with one username, or from one address, pause signing in with it for 10
  minutes from the 5th; failures during the pause do not stretch it; the page says the same
  whether or not the username exists. The API's tokens are not affected.
- Passwords: at least 12 characters, not common, not like the username (`manage.py add_user`).
- Sessions: a new session key at sign-in; signing out or deactivation ends every session of the
  user; 30 minutes without a request or 12 hours after signing in end a session, and the
  sign-in page says why.
- Dormant accounts: unused for 90 days (180 for administrators) are deactivated.

Times are set with time-machine; every expected time and date is worked out by hand here.
"""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import CommandError, call_command
from django.test import Client
from django.test.client import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.constants import Role
from accounts.models import User
from api.services import api_token_create
from tests.factories import TEST_PASSWORD, UserFactory
from tests.two_factor import next_code

LONDON = ZoneInfo("Europe/London")
SIGN_IN = "/sign-in/"
# A Monday morning in winter (GMT, so London time is UTC time).
START = datetime.datetime(2026, 1, 12, 9, 0, tzinfo=LONDON)
PAUSED = "Signing in is paused"


def sign_in(client, username, password=TEST_PASSWORD, address="192.0.2.1"):
    return client.post(SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    """The password was accepted: the home page opens, or asks for the second factor (the next
    step of signing in, tests/test_two_factor.py) rather than for signing in."""
    response = client.get(reverse("home"))
    return response.status_code == 200 or (
        response.status_code == 302
        and response["Location"].startswith(reverse("two-factor-verify"))
    )


# Lockout ---------------------------------------------------------------------------------------


def test_the_fifth_failure_pauses_signing_in_even_with_the_right_password(client, lead):
    for _attempt in range(4):
        response = sign_in(client, "lead", "not-the-password")
        assert response.status_code == 200
        assert "Enter a correct username and password" in response.content.decode()
    fifth = sign_in(client, "lead", "not-the-password")
    assert fifth.status_code == 429
    assert PAUSED in fifth.content.decode()
    right_password = sign_in(client, "lead")
    assert right_password.status_code == 429
    assert not signed_in(client)


def test_the_pause_lasts_ten_minutes_from_the_fifth_failure_however_often_one_tries(client, lead):
    with time_machine.travel(START, tick=False) as traveller:
        for _attempt in range(5):
            sign_in(client, "lead", "not-the-password")
            traveller.shift(datetime.timedelta(seconds=30))
        # The 5th failure was at 9:02; trying every minute until 9:11:59 changes nothing.
        traveller.move_to(START + datetime.timedelta(minutes=2))
        for _minute in range(9):
            traveller.shift(datetime.timedelta(minutes=1))
            assert sign_in(client, "lead", "still-not-it").status_code == 429
        traveller.move_to(datetime.datetime(2026, 1, 12, 9, 11, 59, tzinfo=LONDON))
        assert sign_in(client, "lead").status_code == 429
        traveller.move_to(datetime.datetime(2026, 1, 12, 9, 12, 1, tzinfo=LONDON))
        response = sign_in(client, "lead")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_paused_page_reads_the_same_whether_or_not_the_username_exists(lead):
    pages = {}
    for username, address in [("lead", "192.0.2.1"), ("nobody-by-this-name", "192.0.2.2")]:
        client = Client()
        for _attempt in range(5):
            response = sign_in(client, username, "not-the-password", address)
        assert response.status_code == 429
        pages[username] = response.content.decode()
    assert pages["lead"] == pages["nobody-by-this-name"]
    page = pages["lead"]
    assert "<title>Signing in is paused \N{EN DASH} PeerCare</title>" in page
    assert '<h1 class="govuk-heading-l">Signing in is paused</h1>' in page
    assert "signing in is paused for 10 minutes. Wait 10 minutes, then try again." in page


def test_changing_address_does_not_escape_the_lockout_of_a_username(client, lead):
    for number in range(1, 6):
        sign_in(client, "lead", "not-the-password", address=f"198.51.100.{number}")
    assert sign_in(client, "lead", address="198.51.100.77").status_code == 429


def test_one_address_trying_many_usernames_is_paused_but_others_are_not(lead, staff):
    guesser = Client()
    for username in ["anna", "bob", "carol", "dev", "eve"]:
        sign_in(guesser, username, "Password123", address="203.0.113.9")
    assert sign_in(guesser, "lead", address="203.0.113.9").status_code == 429
    elsewhere = Client()
    assert sign_in(elsewhere, "lead", address="192.0.2.50").status_code == 302


def test_a_sign_in_clears_its_own_failures(client, lead):
    for _attempt in range(4):
        sign_in(client, "lead", "not-the-password")
    assert sign_in(client, "lead").status_code == 302
    client.post(reverse("sign-out"))
    for _attempt in range(4):
        assert sign_in(client, "lead", "not-the-password").status_code == 200
    assert sign_in(client, "lead", "not-the-password").status_code == 429


def test_signing_in_as_oneself_does_not_clear_failures_against_someone_else(lead, staff):
    """Someone with an account cannot reset the count against another username by signing in
    from the same computer between guesses."""
    insider = Client()
    for _attempt in range(4):
        sign_in(insider, "lead", "guess", address="192.0.2.7")
    assert sign_in(insider, "staff", address="192.0.2.7").status_code == 302
    assert sign_in(Client(), "lead", "guess", address="192.0.2.8").status_code == 429


def test_an_administrator_can_lift_the_pause_with_axes_reset_username(client, lead):
    for number in range(1, 6):
        sign_in(client, "lead", "not-the-password", address=f"198.51.100.{number}")
    assert sign_in(client, "lead", address="198.51.100.9").status_code == 429
    call_command("axes_reset_username", "lead", stdout=io.StringIO())
    assert sign_in(client, "lead", address="198.51.100.9").status_code == 302


def test_the_api_answers_a_token_while_its_users_sign_in_is_paused(client, lead):
    _details, secret = api_token_create(user=lead, name="Nightly feed")
    for _attempt in range(5):
        sign_in(client, "lead", "not-the-password")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.get("/api/v1/prisons/", REMOTE_ADDR="192.0.2.1").status_code == 200


@pytest.mark.parametrize(
    ("forwarded", "proxies", "counted_as"),
    [
        # No proxy: the connection's own address; a client's header is not believed.
        ("203.0.113.5", 0, "10.0.0.2"),
        # One proxy appends what it saw; whatever the client wrote before that is ignored.
        ("198.51.100.66, 203.0.113.5", 1, "203.0.113.5"),
        # Two proxies: the second-to-last address is the one the outer proxy saw.
        ("198.51.100.66, 203.0.113.5, 10.0.0.9", 2, "203.0.113.5"),
        # Fewer addresses than proxies: not through them, so the connection's address.
        ("203.0.113.5", 2, "10.0.0.2"),
    ],
)
def test_the_address_counted_is_the_one_the_outermost_proxy_saw(
    settings, forwarded, proxies, counted_as
):
    from accounts.lockout import client_ip_address

    settings.PEERCARE_PROXY_COUNT = proxies
    request = RequestFactory().post(SIGN_IN, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip_address(request) == counted_as


# Passwords -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("plum-kite-7", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("robin.hartley", "The password is too similar to the username."),
        ("730194628517", "This password is entirely numeric."),
    ],
)
def test_add_user_refuses_a_weak_password(db, monkeypatch, password, message):
    monkeypatch.setenv("PEERCARE_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        call_command("add_user", "robin.hartley", "--role", "inspector")
    assert not User.objects.filter(username="robin.hartley").exists()


def test_add_user_accepts_twelve_characters(db, monkeypatch):
    monkeypatch.setenv("PEERCARE_PASSWORD", "plum-kite-71")
    call_command("add_user", "robin.hartley", "--role", "inspector", stdout=io.StringIO())
    assert User.objects.get(username="robin.hartley").check_password("plum-kite-71")


# Session keys and ending sessions ---------------------------------------------------------------


def test_signing_in_replaces_the_session_key_and_drops_the_old_one(client, lead):
    before = SessionStore()
    before["chosen_by"] = "someone else"
    before.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key
    assert sign_in(client, "lead").status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before.session_key
    assert not SessionStore().exists(before.session_key)
    assert signed_in(client)


def test_signing_out_ends_every_session_of_that_user_only(lead, staff):
    laptop, phone, colleague = Client(), Client(), Client()
    for client, username in [(laptop, "lead"), (phone, "lead"), (colleague, "staff")]:
        assert sign_in(client, username).status_code == 302
    laptop.post(reverse("sign-out"))
    assert not signed_in(laptop)
    assert not signed_in(phone)
    assert signed_in(colleague)
    # Signing in again works as before.
    assert sign_in(phone, "lead").status_code == 302
    assert signed_in(phone)


def test_deactivating_ends_every_session_and_reactivating_brings_none_back(client, lead):
    assert sign_in(client, "lead").status_code == 302
    lead.refresh_from_db()
    lead.is_active = False
    lead.save()
    assert not signed_in(client)
    lead.is_active = True
    lead.save()
    assert not signed_in(client)
    assert sign_in(client, "lead").status_code == 302


def test_a_password_change_keeps_the_session_that_made_it_and_ends_the_others(lead):
    mine, other = Client(), Client()
    sign_in(mine, "lead")
    sign_in(other, "lead")
    lead.refresh_from_db()
    # What a password change view does: set the password, then update_session_auth_hash.
    request = RequestFactory().post("/")
    request.session = SessionStore(mine.cookies[settings.SESSION_COOKIE_NAME].value)
    request.user = lead
    lead.set_password("a-new-long-passphrase")
    lead.save()
    update_session_auth_hash(request, lead)
    request.session.save()
    mine.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    assert signed_in(mine)
    assert not signed_in(other)


# Timeouts --------------------------------------------------------------------------------------


def test_thirty_minutes_without_a_request_signs_out_with_the_reason(client, lead):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, "lead")
        traveller.move_to(datetime.datetime(2026, 1, 12, 9, 29, 59, tzinfo=LONDON))
        assert signed_in(client)  # 29 minutes 59 seconds: and this request starts the clock again
        traveller.move_to(datetime.datetime(2026, 1, 12, 9, 59, 58, tzinfo=LONDON))
        assert signed_in(client)
        traveller.move_to(datetime.datetime(2026, 1, 12, 10, 29, 58, tzinfo=LONDON))
        response = client.get("/prisons/HMX/buddies/")
        assert response.status_code == 302
        assert response["Location"] == "/sign-in/?next=/prisons/HMX/buddies/"
        page = client.get(response["Location"]).content.decode()
        assert "You were signed out because you had not done anything for 30 minutes." in page
        assert not signed_in(client)


def test_the_absolute_limit_is_twelve_hours_after_signing_in_however_busy(client, lead):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, "lead")
        # A request every 25 minutes, the last at 20:40 (28 of them: 9:25 to 20:40).
        for _request in range(28):
            traveller.shift(datetime.timedelta(minutes=25))
            assert client.post(reverse("session-keep-alive")).status_code == 204
        traveller.move_to(datetime.datetime(2026, 1, 12, 20, 59, 59, tzinfo=LONDON))
        assert signed_in(client)
        traveller.move_to(datetime.datetime(2026, 1, 12, 21, 0, 0, tzinfo=LONDON))
        response = client.get(reverse("home"), follow=True)
        assert response.redirect_chain == [("/sign-in/?next=/", 302)]
        assert "You were signed out after 12 hours." in response.content.decode()


def test_stay_signed_in_counts_as_activity(lead):
    client = Client(enforce_csrf_checks=True)
    with time_machine.travel(START, tick=False) as traveller:
        page = client.get(SIGN_IN)
        csrf = page.context["csrf_token"]
        client.post(
            SIGN_IN, {"username": "lead", "password": TEST_PASSWORD, "csrfmiddlewaretoken": csrf}
        )
        traveller.shift(datetime.timedelta(minutes=28))
        token = client.cookies[settings.CSRF_COOKIE_NAME].value
        assert client.post(reverse("session-keep-alive")).status_code == 403  # no CSRF token
        answer = client.post(reverse("session-keep-alive"), HTTP_X_CSRFTOKEN=token)
        assert answer.status_code == 204
        assert answer.content == b""
        # 9:28 was the last activity: at 9:57:59 still signed in, 57 minutes after signing in.
        traveller.move_to(datetime.datetime(2026, 1, 12, 9, 57, 59, tzinfo=LONDON))
        assert signed_in(client)


def test_keep_alive_takes_only_a_post(client, lead):
    client.force_login(lead)
    assert client.get(reverse("session-keep-alive")).status_code == 405


def test_after_a_timeout_a_page_open_to_everyone_shows_as_signed_out_with_the_reason(client, lead):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, "lead")
        traveller.shift(datetime.timedelta(minutes=30))
        response = client.get(reverse("help"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "You were signed out because you had not done anything for 30 minutes." in page
    assert "Sign out</button>" not in page


def test_timeouts_leave_api_token_requests_alone(lead):
    _details, secret = api_token_create(user=lead, name="Nightly feed")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    with time_machine.travel(START, tick=False) as traveller:
        assert api.get("/api/v1/prisons/").status_code == 200
        traveller.shift(datetime.timedelta(hours=13))
        assert api.get("/api/v1/prisons/").status_code == 200


def test_a_timed_out_session_asking_the_api_gets_the_apis_own_answer(client, lead):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, "lead")
        client.post(reverse("two-factor-verify"), {"code": next_code(lead)})
        assert client.get("/api/v1/prisons/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=30))
        response = client.get("/api/v1/prisons/")
    assert response.status_code in {401, 403}
    assert response["Content-Type"] == "application/json"


def test_the_session_cookie_lasts_no_longer_than_the_longest_session(client, lead):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    sign_in(client, "lead")
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 43200


def test_signed_in_pages_carry_the_warning_with_its_timings(client, lead, settings):
    assert 'id="timeout-warning"' not in client.get(SIGN_IN).content.decode()
    client.force_login(lead)
    page = client.get(reverse("home")).content.decode()
    assert 'data-idle-seconds="1800"' in page
    assert 'data-warning-seconds="120"' in page
    assert 'data-keep-alive-url="/session/keep-alive/"' in page
    assert 'data-signed-out-url="/sign-in/?next=/"' in page
    assert 'we will sign you out in <strong class="js-timeout-countdown">2 minutes</strong>' in page
    assert 'src="/static/js/timeout-warning.js"' in page
    settings.PEERCARE_SESSION_IDLE_TIMEOUT = datetime.timedelta(seconds=40)
    settings.PEERCARE_SESSION_WARNING = datetime.timedelta(seconds=30)
    page = client.get(reverse("home")).content.decode()
    assert 'data-idle-seconds="40"' in page
    assert "30 seconds</strong>" in page


# Dormant accounts ------------------------------------------------------------------------------

# 1 June 2026 is in British Summer Time; the sign-ins below are in GMT: whole days are counted,
# so the hour the clocks went forward (29 March) does not matter. Counting back from 1 June:
# 1 May is 31 days, 1 April 61, 4 March 89, 3 March 90, 2 March 91; 4 December 2025 is 179 and
# 3 December 2025 is 180.
TODAY = datetime.datetime(2026, 6, 1, 7, 30, tzinfo=LONDON)


def london(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def accounts(db):
    """name: (role, last sign-in or None, joined)"""
    people = {
        "used-90-days-ago": (Role.INSPECTOR, london(2026, 3, 3, 23, 59), london(2025, 1, 6)),
        "used-89-days-ago": (Role.INSPECTOR, london(2026, 3, 4, 0, 0), london(2025, 1, 6)),
        "used-91-days-ago": (Role.NATIONAL_ANALYST, london(2026, 3, 2, 8, 0), london(2025, 1, 6)),
        "never-joined-90": (Role.INSPECTOR, None, london(2026, 3, 3, 16, 0)),
        "never-joined-89": (Role.INSPECTOR, None, london(2026, 3, 4, 9, 0)),
        "admin-used-180": (Role.ADMIN, london(2025, 12, 3, 12, 0), london(2025, 1, 6)),
        "admin-used-179": (Role.ADMIN, london(2025, 12, 4, 0, 1), london(2025, 1, 6)),
    }
    for username, (role, last_login, joined) in people.items():
        UserFactory(username=username, role=role, last_login=last_login, date_joined=joined)
    UserFactory(
        username="already-inactive",
        role=Role.INSPECTOR,
        is_active=False,
        last_login=london(2025, 1, 6),
    )
    return people


DEACTIVATED = ["admin-used-180", "never-joined-90", "used-90-days-ago", "used-91-days-ago"]


def run_dormant(*args) -> str:
    out = io.StringIO()
    with time_machine.travel(TODAY, tick=False):
        call_command("deactivate_dormant_users", *args, stdout=out)
    return out.getvalue()


def test_accounts_unused_for_90_days_or_180_for_administrators_are_deactivated(accounts):
    output = run_dormant()
    assert output.splitlines() == [
        "Deactivated admin-used-180 (Administrator): last signed in 3 December 2025",
        "Deactivated never-joined-90 (Inspector): never signed in, added 3 March 2026",
        "Deactivated used-90-days-ago (Inspector): last signed in 3 March 2026",
        "Deactivated used-91-days-ago (National analyst): last signed in 2 March 2026",
        "Deactivated 4 accounts not used for 90 days (180 for administrators).",
    ]
    active = set(User.objects.filter(is_active=True).values_list("username", flat=True))
    assert active == {"used-89-days-ago", "never-joined-89", "admin-used-179"}
    assert run_dormant().splitlines() == [
        "Deactivated 0 accounts not used for 90 days (180 for administrators)."
    ]


def test_a_dry_run_lists_the_accounts_and_changes_nothing(accounts):
    output = run_dormant("--dry-run")
    assert [line.split(" (")[0] for line in output.splitlines()[:-1]] == [
        f"Would deactivate {name}" for name in DEACTIVATED
    ]
    assert output.splitlines()[-1] == (
        "Would deactivate 4 accounts not used for 90 days (180 for administrators)."
    )
    assert User.objects.filter(is_active=True).count() == 7


def test_deactivating_a_dormant_account_ends_its_sessions(accounts):
    client = Client()
    client.force_login(User.objects.get(username="used-91-days-ago"))
    # Signing in just now set the last sign-in: put it back 91 days.
    User.objects.filter(username="used-91-days-ago").update(last_login=london(2026, 3, 2, 8, 0))
    run_dormant()
    assert not signed_in(client)
