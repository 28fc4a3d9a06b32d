"""The main journeys with the keyboard alone: Tab, Shift+Tab, typing, Space and Enter, never the
mouse and never a script moving focus for the test. Each control is reached by pressing Tab from
where the page puts focus, so a control the keyboard cannot reach fails the test.

- sign in (username and password, then the code from the authenticator app);
- log a week of activity on the weekly sheet;
- write a care plan and send it to the local authority for review;
- download the monitoring summary PDF.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from buddies.models import Session
from governance.reference import sync_reference_codes
from recipients.models import CarePlan
from tests.factories import TEST_PASSWORD, AssignmentFactory, BuddyFactory, RecipientFactory
from tests.two_factor import next_code

pytestmark = pytest.mark.django_db(transaction=True)
MOST_TABS = 250  # more presses than any page here needs to reach its last control


@pytest.fixture(autouse=True)
def reference_codes(transactional_db):
    sync_reference_codes()


def tab_to(page: Page, target: Locator, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the target has focus; fail if it never does."""
    expect(target).to_be_attached()
    for _ in range(MOST_TABS):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"the keyboard never reaches {target}")


def follow(page: Page, link: Locator) -> None:
    tab_to(page, link)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def type_into(page: Page, field: Locator, text: str) -> None:
    tab_to(page, field)
    page.keyboard.type(text)


def type_date(page: Page, legend: str, value: dt.date) -> None:
    group = page.locator("fieldset", has_text=legend).last
    type_into(page, group.get_by_label("Day"), str(value.day))
    page.keyboard.press("Tab")
    page.keyboard.type(str(value.month))
    page.keyboard.press("Tab")
    page.keyboard.type(str(value.year))


def tick(page: Page, box: Locator) -> None:
    tab_to(page, box)
    page.keyboard.press("Space")
    expect(box).to_be_checked()


def choose(page: Page, radio: Locator) -> None:
    """Tab into the radio group (focus lands on its first radio when none is chosen), then the
    arrow keys move through it, choosing as they go."""
    name = radio.get_attribute("name")
    tab_to(page, page.locator(f'input[type=radio][name="{name}"]').first)
    for _ in range(20):
        if radio.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(radio).to_be_checked()


def sign_in_by_keyboard(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    type_into(page, page.get_by_label("Username"), username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    code = page.get_by_label("Code from your authenticator app")
    type_into(page, code, next_code(User.objects.get(username=username)))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def open_prison_section(page: Page, prison: str, section: str) -> None:
    follow(page, page.get_by_role("link", name=prison, exact=True))
    follow(
        page,
        page.get_by_role("navigation", name="Prison sections").get_by_role("link", name=section),
    )


def test_a_lead_signs_in_and_logs_a_week_by_keyboard(page: Page, live_server, lead, home_prison):
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    buddy = BuddyFactory(
        prison=home_prison,
        given_name="Ann",
        status="active",
        vetting_outcome="approved",
        vetted_on=monday - dt.timedelta(days=60),
        started_on=monday - dt.timedelta(days=50),
    )
    person = RecipientFactory(prison=home_prison, given_name="Pat")
    AssignmentFactory(buddy=buddy, recipient=person, started_on=monday - dt.timedelta(days=40))

    sign_in_by_keyboard(page, live_server, "lead")
    open_prison_section(page, "HMP Home", "Sessions")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sessions")
    # Monday morning 30 minutes, Monday afternoon missed for a lockdown; Enter saves the sheet.
    type_into(page, page.locator(f"#c-{buddy.pk}-{person.pk}-{monday.isoformat()}-am"), "30")
    page.keyboard.press("Tab")
    page.keyboard.type("L")
    page.keyboard.press("Enter")

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "1 session recorded, 1 missed"
    )
    saved = sorted(Session.objects.values_list("date", "period", "outcome", "minutes"))
    # A missed session keeps the sheet's default length, as the sheet records it.
    assert saved == [(monday, "am", "yes", 30), (monday, "pm", "missed_regime_lockdown", 30)]


def test_a_lead_writes_a_care_plan_and_sends_it_for_review_by_keyboard(
    page: Page, live_server, lead, home_prison
):
    person = RecipientFactory(prison=home_prison, given_name="Albert", family_name="Ashworth")
    sign_in_by_keyboard(page, live_server, "lead")
    open_prison_section(page, "HMP Home", "People supported")
    follow(page, page.get_by_role("link", name="Albert Ashworth"))
    follow(page, page.get_by_role("link", name="Write a care plan"))

    type_date(page, "When does this plan start?", dt.date(2026, 1, 12))
    type_date(page, "When is it due for review?", dt.date(2026, 7, 12))
    tick(page, page.get_by_role("checkbox", name="Pushing a wheelchair"))
    tick(page, page.get_by_role("checkbox", name="Collecting and carrying meals"))
    choose(page, page.get_by_role("radio", name="Has capacity to decide"))
    type_date(page, "Agreed with the person", dt.date(2026, 1, 10))
    type_date(page, "Agreed with the buddy or buddies", dt.date(2026, 1, 10))
    type_date(page, "Limits of the buddy's role explained", dt.date(2026, 1, 10))
    follow(page, page.get_by_role("button", name="Save draft"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("saved as a draft")

    follow(page, page.get_by_role("button", name="Send to Northshire County Council for review"))
    expect(page.locator(".govuk-tag", has_text="Awaiting review")).to_be_visible()
    plan = CarePlan.objects.get(recipient=person)
    assert plan.state == "submitted"
    assert sorted(plan.tasks.values_list("label", flat=True)) == [
        "Collecting and carrying meals",
        "Pushing a wheelchair",
    ]
    assert (plan.starts_on, plan.review_due_on) == (dt.date(2026, 1, 12), dt.date(2026, 7, 12))


def test_an_inspector_downloads_the_monitoring_pdf_by_keyboard(
    page: Page, live_server, inspector, home_prison
):
    sign_in_by_keyboard(page, live_server, "inspector")
    open_prison_section(page, "HMP Home", "Monitoring")
    expect(page.get_by_role("heading", level=1)).to_have_text("Monitoring")
    tab_to(page, page.get_by_role("link", name="Download the monitoring summary"))
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert re.fullmatch(r"monitoring-HMX-.*\.pdf", download.suggested_filename)
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
