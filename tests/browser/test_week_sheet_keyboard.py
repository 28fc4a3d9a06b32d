"""A week of sessions entered and saved with the keyboard alone."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from buddies.models import Session
from governance.reference import sync_reference_codes
from tests.browser.test_sign_in_journey import sign_in
from tests.factories import AssignmentFactory, BuddyFactory, RecipientFactory

pytestmark = pytest.mark.django_db(transaction=True)
MONDAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def reference_codes(transactional_db):
    sync_reference_codes()


def test_a_lead_fills_and_saves_a_week_without_a_mouse(page: Page, live_server, lead, home_prison):
    buddy = BuddyFactory(
        prison=home_prison,
        given_name="Ann",
        status="active",
        vetting_outcome="approved",
        vetted_on=dt.date(2026, 1, 6),
        started_on=dt.date(2026, 1, 8),
    )
    person = RecipientFactory(prison=home_prison, given_name="Pat")
    AssignmentFactory(buddy=buddy, recipient=person, started_on=dt.date(2026, 1, 12))
    sign_in(page, live_server, "lead")
    page.goto(f"{live_server.url}/prisons/HMX/sessions/week/2026-W10/")

    first = page.locator(f"#c-{buddy.pk}-{person.pk}-{MONDAY.isoformat()}-am")
    first.focus()
    # Monday morning 30, afternoon missed (lockdown), Tuesday morning 45 unpaid; then save with Enter.
    for keys in ["30", "Tab", "L", "Tab", "45u"]:
        if keys == "Tab":
            page.keyboard.press("Tab")
        else:
            page.keyboard.type(keys)
    page.keyboard.press("Enter")

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "2 sessions recorded, 1 missed"
    )
    saved = sorted(Session.objects.values_list("date", "period", "outcome", "minutes", "paid"))
    assert saved == [
        (MONDAY, "am", "yes", 30, True),
        (MONDAY, "pm", "missed_regime_lockdown", 30, True),
        (MONDAY + dt.timedelta(days=1), "am", "yes", 45, False),
    ]
    # The saved week reads back into the same cells.
    expect(first).to_have_value("30")
