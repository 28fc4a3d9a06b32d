"""Two-factor sign-in (accounts/two_factor): the second step every role passes before any page,
set-up with recovery codes, a code working once, throttling, and the administrator's reset.

Codes are worked out here from the device's key with django-otp's TOTP at a frozen time, as an
authenticator app would: 30-second steps since the Unix epoch, six digits."""

import datetime as dt
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.constants import Role
from tests.factories import UserFactory
from tests.two_factor import TEST_TOTP_KEY, code_at, password_only_login

pytestmark = pytest.mark.django_db

# A Thursday morning; the step numbers below are NOON // 30.
NOON = dt.datetime(2026, 11, 26, 12, 0, 0, tzinfo=dt.UTC)
NOON_TS = NOON.timestamp()
VERIFY = reverse("two-factor-verify")
SET_UP = reverse("two-factor-set-up")
RECOVERY = reverse("two-factor-recovery")


@pytest.fixture
def at_noon():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def newcomer(home_prison):
    """A lead whose account was just made: no authenticator app yet."""
    return UserFactory(
        username="newcomer", role=Role.SOCIAL_CARE_LEAD, prisons=[home_prison], authenticator=False
    )


def field_error(response) -> str:
    """The message shown next to the code field (the first, if several)."""
    match = re.search(
        r'<span id="id_code_1_error" class="govuk-error-message">(.*?)</span>\s*<input',
        response.content.decode(),
        re.S,
    )
    assert match, "no error message next to the code field"
    text = re.sub(r"<[^>]+>", " ", match.group(1)).replace("Error:", "")
    return " ".join(text.split())


# --- every page needs the second step ---------------------------------------------------------


def test_a_password_alone_reaches_no_page_and_comes_back_after_the_code(client, lead, at_noon):
    password_only_login(client, lead)
    target = reverse("buddy-list", args=["HMX"])
    response = client.get(target + "?status=active")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fprisons%2FHMX%2Fbuddies%2F%3Fstatus%3Dactive"
    response = client.post(
        VERIFY, {"code": code_at(TEST_TOTP_KEY, NOON_TS), "next": target + "?status=active"}
    )
    assert response.status_code == 302
    assert response["Location"] == target + "?status=active"
    assert client.get(target).status_code == 200


def test_a_user_without_an_app_is_sent_to_set_one_up(client, newcomer):
    password_only_login(client, newcomer)
    response = client.get(reverse("home"))
    assert response["Location"] == f"{SET_UP}?next=%2F"


@pytest.mark.parametrize("name", ["help", "accessibility", "privacy"])
def test_public_pages_stay_open_before_the_second_step(client, lead, name):
    password_only_login(client, lead)
    assert client.get(reverse(name)).status_code == 200


def test_sign_out_works_before_the_second_step(client, lead):
    password_only_login(client, lead)
    assert client.post(reverse("sign-out")).status_code == 302
    assert client.get(VERIFY)["Location"].startswith(reverse("sign-in"))


def test_the_api_treats_a_password_only_session_as_no_session(client, lead):
    password_only_login(client, lead)
    response = client.get("/api/v1/prisons/")
    assert response.status_code in {401, 403}
    assert response["Content-Type"] == "application/json"
    assert client.get(reverse("api-tokens"))["Location"].startswith(VERIFY)
    client.force_login(lead)  # now with the second step passed
    assert client.get("/api/v1/prisons/").status_code == 200


def test_an_address_elsewhere_is_not_followed_after_the_code(client, lead, at_noon):
    password_only_login(client, lead)
    response = client.post(
        VERIFY, {"code": code_at(TEST_TOTP_KEY, NOON_TS), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


# --- codes --------------------------------------------------------------------------------------


def test_a_code_works_once(client, lead, at_noon):
    code = code_at(TEST_TOTP_KEY, NOON_TS)
    password_only_login(client, lead)
    assert client.post(VERIFY, {"code": code})["Location"] == "/"
    client.post(reverse("sign-out"))
    password_only_login(client, lead)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert field_error(response) == "The code is not right. Enter the code your app shows now"
    assert client.get(reverse("home"))["Location"].startswith(VERIFY)


def test_a_code_from_the_step_before_is_accepted_for_clock_drift_but_not_two_before(
    client, lead, at_noon
):
    password_only_login(client, lead)
    two_steps_ago = code_at(TEST_TOTP_KEY, NOON_TS - 60)
    assert field_error(client.post(VERIFY, {"code": two_steps_ago})) == (
        "The code is not right. Enter the code your app shows now"
    )
    at_noon.shift(1)  # the one-second wait after a failure
    one_step_ago = code_at(TEST_TOTP_KEY, NOON_TS - 30)
    assert client.post(VERIFY, {"code": one_step_ago})["Location"] == "/"


def test_wrong_codes_slow_down_the_next_try(client, lead, at_noon):
    password_only_login(client, lead)
    wrong = f"{(int(code_at(TEST_TOTP_KEY, NOON_TS)) + 1) % 1_000_000:06d}"
    assert field_error(client.post(VERIFY, {"code": wrong})) == (
        "The code is not right. Enter the code your app shows now"
    )
    # Straight after the first failure, even the right code waits a second (1, 2, 4... seconds).
    right = code_at(TEST_TOTP_KEY, NOON_TS)
    assert field_error(client.post(VERIFY, {"code": right})) == (
        "You have entered too many wrong codes. Wait 1 second, then enter the code your app shows"
    )
    at_noon.shift(1)
    assert client.post(VERIFY, {"code": wrong}).status_code == 200  # second failure: 2 seconds
    assert "Wait 2 seconds" in field_error(client.post(VERIFY, {"code": right}))
    at_noon.shift(2)
    assert client.post(VERIFY, {"code": right})["Location"] == "/"
    device = TOTPDevice.objects.get(user=lead)
    assert device.throttling_failure_count == 0  # a right code resets the count


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12345", "Enter the 6 digits from your authenticator app"),
        ("12a456", "Enter the 6 digits from your authenticator app"),
        ("1" * 41, "Enter the 6 digits from your authenticator app"),
    ],
)
def test_a_code_of_the_wrong_shape_is_explained_and_not_counted(client, lead, typed, message):
    password_only_login(client, lead)
    response = client.post(VERIFY, {"code": typed})
    assert field_error(response) == message
    assert "There is a problem" in response.content.decode()
    assert TOTPDevice.objects.get(user=lead).throttling_failure_count == 0


def test_spaces_in_a_code_are_allowed(client, lead, at_noon):
    password_only_login(client, lead)
    code = code_at(TEST_TOTP_KEY, NOON_TS)
    assert client.post(VERIFY, {"code": f" {code[:3]} {code[3:]} "})["Location"] == "/"


# --- set-up and recovery codes ------------------------------------------------------------------


def test_set_up_confirms_the_app_and_shows_ten_recovery_codes_once(client, newcomer, at_noon):
    password_only_login(client, newcomer)
    page = client.get(f"{SET_UP}?next=/prisons/HMX/").content.decode()
    assert re.search(
        r'<img class="pc-qr-code" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', page
    )
    device = TOTPDevice.objects.get(user=newcomer)
    assert not device.confirmed
    secret = two_factor.secret_for_typing(device)
    assert secret in page
    assert len(secret.replace(" ", "")) == 32  # 20 bytes of key in base32
    # Reloading shows the same key: the app may already have it.
    assert secret in client.get(SET_UP).content.decode()
    assert TOTPDevice.objects.filter(user=newcomer).count() == 1

    wrong = client.post(
        SET_UP,
        {"code": "000000"} if code_at(device.key, NOON_TS) != "000000" else {"code": "111111"},
    )
    assert field_error(wrong) == "The code is not right. Enter the code your app shows now"
    device.refresh_from_db()
    assert not device.confirmed
    at_noon.shift(2)

    response = client.post(SET_UP, {"code": code_at(device.key, NOON_TS), "next": "/prisons/HMX/"})
    assert response.status_code == 200
    page = response.content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", page)
    assert len(codes) == 10 == len(set(codes))
    assert "Two-factor sign-in is set up" in page
    assert 'href="/prisons/HMX/"' in page
    assert sorted(
        StaticToken.objects.filter(device__user=newcomer).values_list("token", flat=True)
    ) == sorted(codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200  # this session is verified


def test_a_password_alone_cannot_replace_an_app_that_is_set_up(client, lead):
    password_only_login(client, lead)
    assert client.get(SET_UP)["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=lead).count() == 1


def test_a_recovery_code_works_once_and_says_how_many_are_left(client, lead):
    client.force_login(lead)
    codes = two_factor.new_recovery_codes(lead)
    client.post(reverse("sign-out"))
    password_only_login(client, lead)
    response = client.post(RECOVERY, {"code": codes[3].upper(), "next": "/"}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "You used a recovery code. You have 9 left" in response.content.decode()
    client.post(reverse("sign-out"))
    password_only_login(client, lead)
    response = client.post(RECOVERY, {"code": codes[3]})
    assert field_error(response) == "The recovery code is not right, or has already been used"


def test_new_recovery_codes_replace_the_old_ones(client, lead):
    client.force_login(lead)
    old = two_factor.new_recovery_codes(lead)
    page = client.post(reverse("two-factor-recovery-codes")).content.decode()
    new = re.findall(r"<li><code>([a-z0-9]+)</code></li>", page)
    assert len(new) == 10
    assert "Your old recovery codes no longer work" in page
    held = set(StaticToken.objects.filter(device__user=lead).values_list("token", flat=True))
    assert held == set(new)
    assert not held & set(old)
    assert "10 left" in client.get(reverse("two-factor")).content.decode()


def test_changing_the_app_keeps_the_old_one_until_the_new_one_gives_a_right_code(
    client, lead, at_noon
):
    client.force_login(lead)
    client.get(SET_UP)
    new = TOTPDevice.objects.get(user=lead, confirmed=False)
    assert TOTPDevice.objects.filter(user=lead, confirmed=True).count() == 1  # the old app
    client.post(SET_UP, {"code": code_at(new.key, NOON_TS)})
    devices = list(TOTPDevice.objects.filter(user=lead))
    assert [(d.pk, d.confirmed) for d in devices] == [(new.pk, True)]


# --- commands -----------------------------------------------------------------------------------


def test_an_administrator_resets_a_second_factor_and_the_next_sign_in_sets_up_a_new_app(
    client, lead, admin_user
):
    two_factor.new_recovery_codes(lead)
    client.force_login(lead)  # signed in with both factors before the reset
    assert client.get(reverse("home")).status_code == 200
    out = StringIO()
    call_command("reset_two_factor", "lead", "--by", "admin", stdout=out)
    assert out.getvalue() == (
        "Two-factor sign-in reset for lead by admin: 2 devices deleted. "
        "They set up a new app at their next sign-in.\n"
    )
    assert not TOTPDevice.objects.filter(user=lead).exists()
    assert not StaticDevice.objects.filter(user=lead).exists()
    # The session signed in before the reset has ended.
    assert client.get(reverse("home"))["Location"].startswith(reverse("sign-in"))
    password_only_login(client, lead)
    assert client.get(reverse("home"))["Location"] == f"{SET_UP}?next=%2F"


@pytest.mark.parametrize(
    ("by", "message"),
    [
        ("lead", "--by: lead is not an active administrator."),
        ("nobody", "--by: nobody is not an active administrator."),
    ],
)
def test_only_an_administrator_may_reset(lead, admin_user, by, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("reset_two_factor", "lead", "--by", by)
    assert TOTPDevice.objects.filter(user=lead).count() == 1


def test_two_factor_code_prints_the_code_for_a_demo_and_is_refused_in_production(lead, at_noon):
    out = StringIO()
    call_command("two_factor_code", "lead", stdout=out)
    assert out.getvalue() == f"{code_at(TEST_TOTP_KEY, NOON_TS)}  (for 30 more seconds)\n"
    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="not production"):
        call_command("two_factor_code", "lead")


def test_the_demo_accounts_have_the_published_demo_key(db):
    from governance.demo import DEMO_TWO_FACTOR_KEY, demo_seed

    demo_seed()
    device = TOTPDevice.objects.get(user__username="demo_lead")
    assert two_factor.secret_for_typing(device).replace(" ", "") == DEMO_TWO_FACTOR_KEY
    assert device.confirmed


def test_passing_the_second_step_gives_a_new_session_key(client, lead, at_noon):
    password_only_login(client, lead)
    before = client.cookies["sessionid"].value
    client.post(VERIFY, {"code": code_at(TEST_TOTP_KEY, NOON_TS)})
    assert client.cookies["sessionid"].value != before
    assert client.get(reverse("home")).status_code == 200


def test_second_factor_events_are_in_the_audit_log(client, newcomer, admin_user, at_noon):
    from audit.models import AuditEvent

    def kinds():
        return list(
            AuditEvent.objects.filter(object_type="user", object_id=newcomer.pk)
            .filter(Q(kind__startswith="two_factor") | Q(kind__startswith="recovery"))
            .order_by("pk")
            .values_list("kind", "username")
        )

    password_only_login(client, newcomer)
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=newcomer)
    wrong = "111111" if code_at(device.key, NOON_TS) != "111111" else "222222"
    client.post(SET_UP, {"code": wrong})
    at_noon.shift(1)
    page = client.post(SET_UP, {"code": code_at(device.key, NOON_TS)}).content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", page)
    client.post(reverse("sign-out"))
    password_only_login(client, newcomer)
    client.post(RECOVERY, {"code": codes[0]})
    call_command("reset_two_factor", "newcomer", "--by", "admin", stdout=StringIO())
    assert kinds() == [
        ("two_factor_failed", "newcomer"),
        ("two_factor_set_up", "newcomer"),
        ("recovery_codes_created", "newcomer"),
        ("recovery_code_used", "newcomer"),
        ("two_factor_reset", "admin"),
    ]
    # No code or secret is ever written to the log.
    details = " ".join(str(d) for d in AuditEvent.objects.values_list("detail", flat=True))
    assert wrong not in details and codes[0] not in details and device.key not in details
