"""A lead plans the baseline survey, reads the buddy questionnaire to a buddy and records the
answers (skipping two questions), then a refusal, and sees the scores."""

import re

import pytest
from playwright.sync_api import Page, expect

from governance.reference import sync_reference_codes
from outcomes.models import Response
from outcomes.questionnaires import ensure_shipped_questionnaires
from tests.browser.test_sign_in_journey import sign_in
from tests.factories import BuddyFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Reference codes and the shipped questionnaires, put back if an earlier test emptied the
    database."""
    sync_reference_codes()
    ensure_shipped_questionnaires()


def test_lead_runs_a_baseline_survey_in_the_browser(page: Page, live_server, lead, home_prison):
    dev = BuddyFactory(prison=home_prison, given_name="Dev", family_name="Khan", status="active")
    ali = BuddyFactory(prison=home_prison, given_name="Ali", family_name="Rahman", status="active")
    sign_in(page, live_server, "lead")
    page.goto(f"{live_server.url}/prisons/HMX/surveys/")
    page.get_by_role("button", name="Plan the baseline survey").click()
    # Today to four weeks ahead, both PeerCare questionnaires: all offered already.
    expect(page.get_by_label("PeerCare buddy experience, version 1 (12 questions)")).to_be_checked()
    page.get_by_role("button", name="Plan this wave").click()
    expect(page.get_by_role("heading", name="Baseline survey")).to_be_visible()
    expect(page.get_by_text("PeerCare buddy experience: 2 still to ask")).to_be_visible()

    page.get_by_role("link", name="PeerCare buddy experience").click()
    page.get_by_label("Buddy answering").select_option(label=f"Khan, Dev ({dev.prison_number})")
    # Agree (4) to questions 1 to 10, as read out; 11 and 12 left unanswered.
    for number in range(1, 11):
        question = page.get_by_role("group", name=re.compile(rf"^{number}\. "))
        question.get_by_label("4 Agree").check()
    page.get_by_role("button", name="Save answers").click()
    expect(
        page.get_by_text("Dev Khan: answers saved. Record the next person below.")
    ).to_be_visible()

    page.get_by_label("Buddy answering").select_option(label=f"Rahman, Ali ({ali.prison_number})")
    page.get_by_label("They chose not to answer").check()
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_text("Ali Rahman: declined.")).to_be_visible()
    expect(
        page.get_by_text("Everyone who could answer this questionnaire has answered")
    ).to_be_visible()

    page.get_by_role("link", name="Back").click()
    # Overall for Dev: 10 of 12 answered; 7 questions at 4 and 3 reversed to 2: 34 / 10 = 3.40.
    row = page.get_by_role("row", name="Dev Khan")
    expect(row).to_contain_text("10 of 12")
    expect(row).to_contain_text("3.40")
    expect(page.get_by_role("row", name="Ali Rahman")).to_contain_text("Declined")
    overall = page.get_by_role("row", name="Overall").first
    expect(overall).to_contain_text("\u2013")  # the recipient questionnaire: nobody asked yet
    assert Response.objects.filter(declined=True).count() == 1
    assert Response.objects.get(buddy=dev).answers.exclude(value=None).count() == 10
