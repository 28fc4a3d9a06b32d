"""Real browser (Debian's Chromium) against the live server: sign in, and one page per role."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.constants import Role
from accounts.models import User
from governance.reference import sync_reference_codes
from tests.factories import TEST_PASSWORD
from tests.two_factor import next_code

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_codes(transactional_db):
    # A transactional test empties every table afterwards, the migrated code lists included.
    sync_reference_codes()


def sign_in(page: Page, live_server, username: str, password: str = TEST_PASSWORD):
    """Sign in as a user does: username and password, then (when the password was right) the
    code from their authenticator app."""
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if password == TEST_PASSWORD:
        enter_code(page, User.objects.get(username=username))


def enter_code(page: Page, user):
    expect(page).to_have_url(re.compile(r"/account/two-factor/verify/"))
    page.get_by_label("Code from your authenticator app").fill(next_code(user))
    page.get_by_role("button", name="Continue").click()


def test_lead_signs_in_with_the_keyboard_and_sees_their_prison(
    page: Page, live_server, lead, other_prison
):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(f"{live_server.url}/sign-in/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    page.get_by_label("Code from your authenticator app").fill(next_code(lead))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Lee")
    expect(page.get_by_role("link", name="HMP Home")).to_be_visible()
    expect(page.get_by_text("HMP Other")).to_have_count(0)
    # GOV.UK Frontend's JavaScript ran (it marks the body) and the CSP blocked nothing.
    expect(page.locator("body")).to_have_class(re.compile("govuk-frontend-supported"))
    assert errors == []


def test_a_wrong_password_shows_the_error_summary(page: Page, live_server, lead):
    sign_in(page, live_server, "lead", "not-the-password")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    expect(summary).to_contain_text("Enter a correct username and password")


@pytest.mark.parametrize(
    ("role", "heading", "link"),
    [
        (Role.SOCIAL_CARE_LEAD, "Change scheme settings", "Change scheme settings"),
        (Role.PRISON_STAFF, "HMP Home", None),
        (Role.LA_REVIEWER, "HMP Home", None),
        (Role.INSPECTOR, "HMP Home", None),
        (Role.NATIONAL_ANALYST, "HMP Home", None),
        (Role.ADMIN, "Change scheme settings", "Change scheme settings"),
    ],
)
def test_each_role_reaches_a_prison_page(
    page: Page, live_server, users_by_role, role, heading, link
):
    user = users_by_role[role]
    sign_in(page, live_server, user.username)
    page.get_by_role("link", name="HMP Home").first.click()
    if link:
        page.get_by_role("link", name=link).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    change_links = page.get_by_role("link", name=re.compile("Change"))
    if role in {Role.PRISON_STAFF, Role.LA_REVIEWER, Role.INSPECTOR, Role.NATIONAL_ANALYST}:
        expect(change_links).to_have_count(0)


def test_lead_saves_scheme_settings_in_the_browser(page: Page, live_server, lead):
    sign_in(page, live_server, "lead")
    page.goto(f"{live_server.url}/prisons/HMX/scheme/")
    page.get_by_label("What are buddies called in this prison?").fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what buddies are called")
    page.get_by_label("What are buddies called in this prison?").fill("Carers")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Scheme settings for HMP Home saved"
    )
    expect(page.locator(".govuk-summary-card", has_text="Scheme").locator("dl")).to_contain_text(
        "Carers"
    )
