"""Small numbers hidden from inspectors and analysts, and the monitoring dashboard per role."""

import datetime as dt
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from buddies.models import Session
from monitoring.disclosure import SMALL, suppress
from tests.factories import BuddyFactory, RecipientFactory


def test_counts_from_1_to_4_are_hidden_and_0_or_5_shown():
    assert [suppress(n, n) for n in [0, 1, 4, 5, 12]] == [0, SMALL, SMALL, 5, 12]


def test_a_lone_hidden_cell_takes_the_next_smallest_with_it():
    # Shown as is, 3 could be worked out from a total of 3 + 7 + 20 = 30; so 7 is hidden too.
    assert suppress({"a": 3, "b": 7, "c": 20, "d": 0}, 30) == {
        "a": SMALL,
        "b": SMALL,
        "c": 20,
        "d": 0,
    }
    assert suppress({"a": 3, "b": 2, "c": 20}, 25) == {"a": SMALL, "b": SMALL, "c": 20}


def test_a_rate_resting_on_fewer_than_5_is_hidden():
    assert suppress(Decimal("50.0"), 2) == SMALL
    assert suppress(Decimal("50.0"), 10) == Decimal("50.0")


def test_means_in_a_breakdown_resting_on_fewer_than_5_are_hidden():
    # Hours of support per person over 3 people: their mean and median would tell too much.
    assert suppress({"mean": Decimal("4.50"), "median": Decimal("4.00")}, 3) == {
        "mean": SMALL,
        "median": SMALL,
    }
    assert suppress({"mean": Decimal("4.50"), "median": None}, 8) == {
        "mean": Decimal("4.50"),
        "median": None,
    }


def test_the_dashboard_hides_small_numbers_from_inspectors_only(
    client, lead, inspector, home_prison
):
    today = timezone.localdate()
    buddy = BuddyFactory(prison=home_prison)
    for n in range(3):  # three people supported this month
        Session.objects.create(
            prison=home_prison,
            buddy=buddy,
            recipient=RecipientFactory(prison=home_prison),
            date=today - dt.timedelta(days=n % max(today.day, 1)),
            period="am",
            minutes=30,
            paid=True,
        )
    client.force_login(lead)
    lead_page = client.get(reverse("monitoring-dashboard", args=["HMX"])).content.decode()
    client.force_login(inspector)
    inspector_page = client.get(reverse("monitoring-dashboard", args=["HMX"])).content.decode()

    def this_month(page):
        row = page.split('pc-sheet__name">People supported</th>', 1)[1].split("</tr>", 1)[0]
        return re.findall(r'<td class="govuk-table__cell">(.*?)</td>', row, re.S)[0].strip()

    assert this_month(lead_page) == "3"
    assert this_month(inspector_page) == "&lt;5"
    assert "Governance model (1 to 6)" in inspector_page


def test_the_comparison_csv_hides_small_numbers_for_analysts(
    client, analyst, lead, home_prison, other_prison
):
    import csv
    import io

    today = timezone.localdate()
    buddy = BuddyFactory(prison=home_prison)
    for n in range(2):
        Session.objects.create(
            prison=home_prison,
            buddy=buddy,
            recipient=RecipientFactory(prison=home_prison),
            date=today - dt.timedelta(days=n + 1),
            period="am",
            minutes=30,
            paid=True,
        )
    client.force_login(analyst)
    response = client.get(reverse("monitoring-comparison") + "?format=csv")
    rows = {
        row["prison_code"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))
    }
    assert sorted(rows) == ["HMX", "OTX"]
    assert rows["HMX"]["sessions_delivered"] == SMALL
    assert rows["OTX"]["sessions_delivered"] == "0"
    client.force_login(lead)
    rows = {
        row["prison_code"]: row
        for row in csv.DictReader(
            io.StringIO(
                client.get(reverse("monitoring-comparison") + "?format=csv").content.decode()
            )
        )
    }
    assert list(rows) == ["HMX"] and rows["HMX"]["sessions_delivered"] == "2"


def test_an_inspector_downloads_the_monitoring_summary(client, inspector, home_prison, tmp_path):
    import subprocess

    today = timezone.localdate()
    buddy = BuddyFactory(prison=home_prison)
    for n in range(6):
        Session.objects.create(
            prison=home_prison,
            buddy=buddy,
            recipient=RecipientFactory(prison=home_prison),
            date=today - dt.timedelta(days=n + 1),
            period="am",
            minutes=30,
            paid=True,
        )
    client.force_login(inspector)
    response = client.get(reverse("monitoring-summary-pdf", args=["HMX"]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "summary.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(  # noqa: S603
        ["/usr/bin/pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Monitoring summary: HMP Home" in text
    assert "Governance model" in text and "Mandatory requirements (PSI 17/2015)" in text
    delivered = next(
        line for line in text.splitlines() if line.strip().startswith("Sessions delivered")
    )
    assert delivered.split()[2:] == ["6", "0"]  # this period, the one before
    assert "Sam" not in text and buddy.prison_number not in text
