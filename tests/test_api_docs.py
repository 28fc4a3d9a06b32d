"""The API documentation page in a real browser (Debian's Chromium): Swagger UI from the site's
own static files, working under the site's content security policy, and "Try it out" answering
with the signed-in user's session."""

import re

import pytest
from playwright.sync_api import Page, expect

from governance.reference import sync_reference_codes
from tests.browser.test_sign_in_journey import enter_code
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_codes(transactional_db):
    # A transactional test empties every table afterwards, the migrated code lists included.
    sync_reference_codes()


def test_the_documentation_works_under_the_content_security_policy(page: Page, live_server, lead):
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    outside = []
    page.on(
        "request",
        lambda request: not request.url.startswith(live_server.url) and outside.append(request.url),
    )
    page.goto(f"{live_server.url}/api/docs/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/api/docs/$"))
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    enter_code(page, lead)
    expect(page).to_have_url(re.compile(r"/api/docs/$"))
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("PeerCare API")
    operation = page.locator("#operations-prisons-prisons_list")
    expect(operation).to_be_visible()

    operation.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    answer = operation.locator(".live-responses-table tbody .response-col_status").first
    expect(answer).to_have_text("200")
    expect(operation.locator(".live-responses-table")).to_contain_text("HMX")
    assert problems == []
    assert outside == []
