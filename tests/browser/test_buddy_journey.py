"""A lead takes an applicant through to active in the browser, with the keyboard where it matters."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from governance.reference import sync_reference_codes
from tests.browser.test_sign_in_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_codes(transactional_db):
    sync_reference_codes()


def fill_date(page: Page, legend: str, value: dt.date):
    group = page.locator("fieldset", has_text=legend).last
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def change_status(page: Page, status: str):
    page.get_by_role("link", name="Change status").click()
    page.get_by_role("radio", name=status, exact=True).check()


def test_lead_recruits_a_buddy_from_application_to_active(page: Page, live_server, lead):
    sign_in(page, live_server, "lead")
    page.get_by_role("link", name="Buddies").first.click()
    page.get_by_role("link", name="Add an applicant").first.click()
    page.get_by_label("Prison number").fill("A1234BC")
    page.get_by_label("Given name").fill("Dev")
    page.get_by_label("Family name").fill("Khan")
    fill_date(page, "When did they apply?", dt.date(2026, 1, 5))
    page.get_by_role("button", name="Add applicant").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dev Khan")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "added as an applicant"
    )

    change_status(page, "Security vetting")
    page.get_by_role("button", name="Change status").click()

    # Offered while vetting is still pending: starting work is refused, with the reason.
    change_status(page, "Offered")
    fill_date(page, "Date of the offer", dt.date(2026, 1, 20))
    page.get_by_role("button", name="Change status").click()
    change_status(page, "Active")
    fill_date(page, "Date they start work", dt.date(2026, 2, 2))
    page.get_by_role("button", name="Change status").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "A buddy cannot be made active while security vetting is not recorded"
    )

    # Record the vetting decision and the briefings, then start work.
    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name="Change details and employment steps").click()
    page.get_by_role("radio", name="Approved").check()
    fill_date(page, "Date of the vetting decision", dt.date(2026, 1, 15))
    fill_date(page, "Compact (contract) or job description signed", dt.date(2026, 1, 30))
    fill_date(page, "Benefits of peer support explained", dt.date(2026, 1, 30))
    fill_date(page, "Safeguarding policy and how to raise a concern", dt.date(2026, 1, 30))
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Changes to Dev Khan saved"
    )

    change_status(page, "Active")
    fill_date(page, "Date they start work", dt.date(2026, 2, 2))
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Dev Khan is now: active"
    )
    expect(page.locator(".govuk-tag", has_text="Active").first).to_be_visible()
    # Active, vetted and briefed, but with no training on record: not fit to work, and why.
    expect(page.get_by_text("Dev is not fit to work.")).to_be_visible()
    expect(
        page.locator(".govuk-summary-list__row", has_text="Mandatory training complete")
    ).to_contain_text("Not met")
