"""An inspector finds a prison's monitoring page and downloads its PDF summary, with small numbers
hidden and no name or prison number in it."""

import datetime as dt
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from buddies.models import Session
from governance.reference import sync_reference_codes
from tests.browser.test_sign_in_journey import sign_in
from tests.factories import BuddyFactory, RecipientFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_codes(transactional_db):
    sync_reference_codes()


def test_an_inspector_downloads_the_monitoring_summary(
    page: Page, live_server, inspector, home_prison, tmp_path
):
    buddy = BuddyFactory(prison=home_prison, given_name="Dev", family_name="Khan", status="active")
    people = [RecipientFactory(prison=home_prison, given_name="Rae") for _ in range(6)]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    for person in people:  # six sessions delivered by one buddy: 6 is shown, 1 buddy is not
        Session.objects.create(
            prison=home_prison,
            buddy=buddy,
            recipient=person,
            date=yesterday,
            period="am",
            minutes=30,
        )
    sign_in(page, live_server, "inspector")
    page.get_by_role("link", name="HMP Home").click()
    page.get_by_role("navigation", name="Prison sections").get_by_role(
        "link", name="Monitoring"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Monitoring")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the monitoring summary").click()
    download = download_info.value
    assert download.suggested_filename.startswith("monitoring-HMX-")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(  # noqa: S603
        ["/usr/bin/pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Monitoring summary: HMP Home" in text
    rows = {line.strip().split("  ")[0]: line.split() for line in text.splitlines()}
    assert rows["Sessions delivered"][2] == "6"
    assert rows["Buddies who gave support"][4] == "<5"
    for secret in ["Dev", "Khan", "Rae", buddy.prison_number, people[0].prison_number]:
        assert secret not in text
