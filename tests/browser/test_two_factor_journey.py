"""Two-factor sign-in in a real browser (Debian's Chromium): a new user sets up their
authenticator app from the key on the page, saves their recovery codes, and later signs in
with a recovery code."""

import base64
import re
import time

import pytest
from playwright.sync_api import Page, expect

from accounts.constants import Role
from governance.reference import sync_reference_codes
from tests.factories import TEST_PASSWORD, UserFactory
from tests.two_factor import code_at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_codes(transactional_db):
    sync_reference_codes()


def test_a_new_user_sets_up_their_app_and_later_uses_a_recovery_code(
    page: Page, live_server, home_prison
):
    UserFactory(
        username="newlead",
        first_name="Nia",
        role=Role.SOCIAL_CARE_LEAD,
        prisons=[home_prison],
        authenticator=False,
    )
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(f"{live_server.url}/prisons/HMX/")
    page.get_by_label("Username").fill("newlead")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    qr = page.get_by_role("img", name=re.compile("QR code for your authenticator app"))
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 0  # the SVG loaded under the CSP
    page.get_by_text("I cannot scan the QR code").click()
    key = page.locator("#secret-key").inner_text().replace(" ", "")
    key_hex = base64.b32decode(key + "=" * (-len(key) % 8)).hex()
    page.get_by_label("Code from your authenticator app").fill(code_at(key_hex, time.time()))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Two-factor sign-in is set up")).to_be_visible()
    codes = page.locator(".pc-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("button", name="I have saved my codes, continue").click()
    expect(page).to_have_url(re.compile(r"/prisons/HMX/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("HMP Home")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").fill("newlead")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Use a recovery code instead").click()
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Nia")
    expect(page.get_by_text("You used a recovery code. You have 9 left")).to_be_visible()
    assert errors == []
