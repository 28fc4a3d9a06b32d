"""Two leads in two browsers change the same buddy: the second save is refused with the first
lead's change shown beside it, and goes through once they save again on purpose."""

import datetime as dt

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.constants import Role
from buddies.models import Buddy
from governance.reference import sync_reference_codes
from tests.browser.test_sign_in_journey import sign_in
from tests.factories import BuddyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_codes(transactional_db):
    sync_reference_codes()


def test_the_second_lead_sees_the_first_leads_change_and_saves_nothing(
    page: Page, browser: Browser, live_server, lead, home_prison
):
    UserFactory(
        username="kim",
        first_name="Kim",
        last_name="Second",
        role=Role.SOCIAL_CARE_LEAD,
        prisons=[home_prison],
    )
    buddy = BuddyFactory(
        prison=home_prison,
        prison_number="A1234BC",
        given_name="Dev",
        family_name="Khan",
        applied_on=dt.date(2026, 1, 5),
    )
    edit = f"{live_server.url}/prisons/HMX/buddies/{buddy.pk}/edit/"
    kim_context = browser.new_context()
    kim = kim_context.new_page()
    try:
        sign_in(page, live_server, "lead")
        sign_in(kim, live_server, "kim")
        page.goto(edit)
        kim.goto(edit)

        page.get_by_label("Given name").fill("Devon")
        page.get_by_role("button", name="Save changes").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "Changes to Devon Khan saved"
        )

        kim.get_by_label("Family name").fill("Kahn")
        kim.get_by_role("button", name="Save changes").click()
        expect(kim.locator(".govuk-error-summary")).to_contain_text(
            "Someone else changed this record while you were editing it"
        )
        changes = kim.get_by_role("table", name="Changes made since you opened this page")
        expect(changes.get_by_role("row").nth(1)).to_contain_text("Given name")
        expect(changes.get_by_role("row").nth(1)).to_contain_text("Devon")
        expect(changes.get_by_role("row").nth(1)).to_contain_text("Lee Lead")
        expect(kim.get_by_label("Family name")).to_have_value("Kahn")
        assert Buddy.objects.values_list("given_name", "family_name").get() == ("Devon", "Khan")

        # Kim takes Lee's change on board and saves again: this time it goes through.
        kim.get_by_label("Given name").fill("Devon")
        kim.get_by_role("button", name="Save changes").click()
        expect(kim.locator(".govuk-notification-banner--success")).to_contain_text(
            "Changes to Devon Kahn saved"
        )
        assert Buddy.objects.values_list("family_name", "row_version").get() == ("Kahn", 3)
    finally:
        kim_context.close()
