"""The API reference page in a real browser (Debian's Chromium): a page of the site like any
other, under its content security policy, reached through the sign-in, with the schema it is
written from one click away."""

import json
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


def test_the_reference_shows_an_operation_and_gives_the_schema(page: Page, live_server, lead):
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
    expect(page.get_by_role("heading", level=1)).to_have_text("API reference")

    page.get_by_role("link", name="List your prisons").click()
    expect(page).to_have_url(re.compile(r"/api/docs/#prisons-list$"))
    operation = page.locator("section", has=page.locator("h3#prisons-list"))
    expect(operation.get_by_role("heading", level=3)).to_have_text("List your prisons")
    expect(operation.locator("code").first).to_have_text("/api/v1/prisons/")
    expect(operation.locator(".govuk-tag")).to_have_text("GET")
    parameters = operation.get_by_role("table", name="Parameters")
    expect(parameters.locator("tbody tr")).to_have_count(3)
    expect(parameters.locator("tbody tr").first).to_contain_text("page")
    expect(parameters.locator("tbody tr").first).to_contain_text("Query")
    expect(parameters.locator("tbody tr").first).to_contain_text("integer")
    expect(parameters.locator("tbody tr").nth(2)).to_contain_text("prison")
    responses = operation.get_by_role("table", name="Responses")
    expect(responses.locator("tbody th")).to_have_text(["200", "400", "401", "403", "404"])
    expect(responses.locator("tbody tr").nth(3)).to_contain_text("Your role may not see or do this")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download the schema as JSON")).click()
    with open(download.value.path(), encoding="utf-8") as file:
        schema = json.load(file)
    assert schema["info"]["title"] == "PeerCare API"
    prisons = schema["paths"]["/api/v1/prisons/"]["get"]
    assert prisons["operationId"] == "prisons_list"
    assert [parameter["name"] for parameter in prisons["parameters"]] == [
        "page",
        "page_size",
        "prison",
    ]
    assert sorted(prisons["responses"]) == ["200", "400", "401", "403", "404"]
    assert problems == []
    assert outside == []
