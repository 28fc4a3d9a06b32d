"""A lead records an incident about a buddy overstepping boundaries and suspends the buddy from it."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from governance.reference import sync_reference_codes
from tests.browser.test_sign_in_journey import sign_in
from tests.factories import BuddyFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_codes(transactional_db):
    sync_reference_codes()


def fill_date(page: Page, legend: str, value: dt.date):
    group = page.locator("fieldset", has_text=legend).last
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def test_lead_records_an_incident_and_suspends_the_buddy(
    page: Page, live_server, lead, home_prison
):
    BuddyFactory(
        prison=home_prison,
        prison_number="A1234BC",
        given_name="Dev",
        family_name="Khan",
        status="active",
        vetting_outcome="approved",
        vetted_on=dt.date(2026, 1, 6),
        started_on=dt.date(2026, 1, 12),
    )
    sign_in(page, live_server, "lead")
    page.goto(f"{live_server.url}/prisons/HMX/incidents/")
    expect(page.get_by_text("0 incidents")).to_be_visible()
    page.get_by_role("link", name="Record an incident").first.click()

    page.get_by_label("Incident reference").fill("INC-2026-014")
    fill_date(page, "When did it happen?", dt.date(2026, 1, 20))
    page.get_by_label("What kind of incident was it?").select_option(
        label="Buddy overstepped boundaries"
    )
    page.get_by_role("radio", name="High").check()
    page.get_by_label("Buddy involved").select_option(label="Dev Khan (A1234BC)")
    page.get_by_label("What happened").fill("Helped a person wash, which is personal care.")
    page.get_by_role("button", name="Save incident").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Incident INC-2026-014")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Incident INC-2026-014 recorded"
    )
    expect(page.locator(".govuk-tag", has_text="High").first).to_be_visible()

    page.get_by_role("button", name="Suspend Dev Khan").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Dev Khan is suspended"
    )
    expect(page.locator("#people-involved")).to_contain_text("Suspended")
    expect(page.get_by_text("Buddy suspended on").first).to_be_visible()
    expect(page.get_by_role("button", name="Suspend Dev Khan")).to_have_count(0)

    page.get_by_role("link", name="Dev Khan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dev Khan")
    expect(page.locator(".govuk-tag", has_text="Suspended").first).to_be_visible()
