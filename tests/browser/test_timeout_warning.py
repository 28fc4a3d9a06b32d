"""The timeout warning in a real browser, with the idle timeout shortened to seconds through
settings: it opens before the timeout, "Stay signed in" (or Escape) keeps the session on the
server, focus goes into the dialog and back, and with no answer the page signs out and says why."""

import datetime
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Page, expect

from accounts.sessions import LAST_ACTIVE_AT
from governance.reference import sync_reference_codes
from tests.browser.test_sign_in_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_codes(transactional_db):
    sync_reference_codes()


@pytest.fixture
def short_timeout(settings):
    """Signed out after 12 idle seconds, warned 9 seconds before: the dialog opens 3 seconds
    after a page loads."""
    settings.PEERCARE_SESSION_IDLE_TIMEOUT = datetime.timedelta(seconds=12)
    settings.PEERCARE_SESSION_WARNING = datetime.timedelta(seconds=9)


def last_active(page: Page) -> float:
    """When the server last saw this browser's session in use."""
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    return SessionStore(cookie["value"]).load()[LAST_ACTIVE_AT]


def warning(page: Page):
    return page.get_by_role("dialog", name="You're about to be signed out")


def test_stay_signed_in_with_the_keyboard_keeps_the_session(
    page: Page, live_server, lead, short_timeout
):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, live_server, "lead")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Lee")
    help_link = page.get_by_role("link", name="Help").first
    help_link.focus()
    before = last_active(page)

    dialog = warning(page)
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog).to_contain_text("For your security, we will sign you out in")
    expect(dialog.locator("[aria-live=polite]")).to_contain_text(
        re.compile(r"we will sign you out in \d+ seconds?\.")
    )
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Sign out")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(stay).to_be_focused()

    with page.expect_response(re.compile(r"/session/keep-alive/$")) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 204
    expect(dialog).to_be_hidden()
    expect(help_link).to_be_focused()
    assert last_active(page) > before
    assert errors == []


def test_escape_means_stay_signed_in(page: Page, live_server, lead, short_timeout):
    sign_in(page, live_server, "lead")
    before = last_active(page)
    dialog = warning(page)
    expect(dialog).to_be_visible(timeout=10_000)
    with page.expect_response(re.compile(r"/session/keep-alive/$")) as answer:
        page.keyboard.press("Escape")
    assert answer.value.status == 204
    expect(dialog).to_be_hidden()
    assert last_active(page) > before


def test_with_no_answer_the_page_signs_out_and_says_why(page: Page, live_server, lead, settings):
    settings.PEERCARE_SESSION_IDLE_TIMEOUT = datetime.timedelta(seconds=4)
    settings.PEERCARE_SESSION_WARNING = datetime.timedelta(seconds=3)
    sign_in(page, live_server, "lead")
    expect(warning(page)).to_be_visible(timeout=10_000)
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"), timeout=15_000)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You were signed out because you had not done anything for 4 seconds."
    )
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
