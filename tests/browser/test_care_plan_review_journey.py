"""The care plan review in the browser: the lead drafts and submits, the local authority reviewer
returns it with comments, the lead amends and resubmits, and the reviewer approves."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from governance.reference import sync_reference_codes
from tests.browser.test_buddy_journey import fill_date
from tests.browser.test_sign_in_journey import sign_in
from tests.factories import RecipientFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_codes(transactional_db):
    sync_reference_codes()


def sign_out(page: Page):
    page.get_by_role("button", name="Sign out").click()


def test_a_plan_goes_back_and_forth_until_approved(
    page: Page, live_server, lead, la_reviewer, home_prison
):
    person = RecipientFactory(prison=home_prison, given_name="Albert", family_name="Ashworth")
    sign_in(page, live_server, "lead")
    page.goto(f"{live_server.url}/prisons/HMX/people/{person.pk}/")
    page.get_by_role("link", name="Write a care plan").click()
    # Forbidden tasks are not offered at all.
    expect(page.get_by_role("checkbox", name="Feeding")).to_have_count(0)
    fill_date(page, "When does this plan start?", dt.date(2026, 1, 12))
    fill_date(page, "When is it due for review?", dt.date(2026, 7, 12))
    page.get_by_role("checkbox", name="Pushing a wheelchair").check()
    page.get_by_role("checkbox", name="Collecting and carrying meals").check()
    page.get_by_role("radio", name="Has capacity to decide").check()
    fill_date(page, "Agreed with the person", dt.date(2026, 1, 10))
    fill_date(page, "Agreed with the buddy or buddies", dt.date(2026, 1, 10))
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("saved as a draft")

    # Sending it without the boundaries explained is refused, with the reason.
    page.get_by_role("button", name="Send to Northshire County Council for review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "limits of the buddy's role were explained"
    )
    page.get_by_role("link", name="Change this version").click()
    fill_date(page, "Limits of the buddy's role explained", dt.date(2026, 1, 10))
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Send to Northshire County Council for review").click()
    expect(page.locator(".govuk-tag", has_text="Awaiting review")).to_be_visible()
    sign_out(page)

    sign_in(page, live_server, "reviewer")
    page.get_by_role("link", name="Reviews").click()
    page.get_by_role("link", name="Albert Ashworth").click()
    expect(page.get_by_role("link", name="Change this version")).to_have_count(
        0
    )  # reviewers never edit
    page.get_by_role("button", name="Return with comments").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what needs to change")
    page.get_by_label("What needs to change?").fill(
        "Add cell cleaning: it was agreed at the meeting."
    )
    page.get_by_role("button", name="Return with comments").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "returned to the social care lead"
    )
    sign_out(page)

    sign_in(page, live_server, "lead")
    page.goto(f"{live_server.url}/prisons/HMX/people/{person.pk}/")
    page.get_by_role("link", name="Continue care plan version 1").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        "Add cell cleaning: it was agreed at the meeting."
    )
    page.get_by_role("link", name="Change this version").click()
    page.get_by_role("checkbox", name="Cleaning the cell").check()
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Send to Northshire County Council for review").click()
    sign_out(page)

    sign_in(page, live_server, "reviewer")
    page.get_by_role("link", name="Reviews").click()
    page.get_by_role("link", name="Albert Ashworth").click()
    expect(page.get_by_text("Cleaning the cell")).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("approved")
    expect(page.get_by_text("No care plans are waiting for review.")).to_be_visible()
    page.goto(f"{live_server.url}/prisons/HMX/people/{person.pk}/")
    page.get_by_role("link", name="Version 1").first.click()
    trail = page.locator(".moj-timeline__title")
    expect(trail).to_have_text(
        ["Approved", "Submitted for review", "Returned with comments", "Submitted for review"]
    )
