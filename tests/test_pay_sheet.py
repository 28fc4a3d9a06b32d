"""The pay sheet, by hand: rates change mid-month, some work is unpaid, one buddy has no rate."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from buddies.models import PayRate, Session
from buddies.pay import pay_sheet
from tests.factories import BuddyFactory, RecipientFactory

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@pytest.fixture
def march(home_prison):
    ann = BuddyFactory(
        prison=home_prison, given_name="Ann", family_name="Able", prison_number="A1111AA"
    )
    bob = BuddyFactory(
        prison=home_prison, given_name="Bob", family_name="Best", prison_number="B2222BB"
    )
    cy = BuddyFactory(
        prison=home_prison, given_name="Cy", family_name="Cole", prison_number="C3333CC"
    )
    PayRate.objects.create(
        buddy=ann,
        pay_scheme="standard",
        rate_per_session=Decimal("1.50"),
        effective_from=dt.date(2026, 1, 1),
    )
    PayRate.objects.create(
        buddy=ann,
        pay_scheme="enhanced",
        rate_per_session=Decimal("2.40"),
        effective_from=dt.date(2026, 3, 16),
    )
    PayRate.objects.create(
        buddy=cy,
        pay_scheme="standard",
        rate_per_session=Decimal("0.88"),
        effective_from=dt.date(2026, 2, 1),
    )
    person = RecipientFactory(prison=home_prison)

    def session(buddy, day, period="am", outcome="yes", paid=True):
        Session.objects.create(
            prison=home_prison,
            buddy=buddy,
            recipient=person,
            date=dt.date(2026, 3, day),
            period=period,
            minutes=30,
            outcome=outcome,
            paid=paid,
        )

    session(ann, 2)  # paid at 1.50
    session(ann, 2, "pm", paid=False)  # worked, not paid
    session(ann, 3, outcome="missed_regime_lockdown")  # lockdown, paid at 1.50
    session(ann, 16)  # paid at the new rate, 2.40
    session(ann, 17, "pm", outcome="missed_recipient_declined", paid=False)
    session(bob, 4)  # no rate recorded: counted, not priced
    session(bob, 5)
    for day in range(9, 16):  # seven sessions at 0.88
        session(cy, day)
    session(cy, 1, "eve")  # 1 March is inside the month
    Session.objects.create(  # February: outside the month
        prison=home_prison,
        buddy=cy,
        recipient=person,
        date=dt.date(2026, 2, 28),
        period="am",
        minutes=30,
        paid=True,
    )
    return home_prison


def test_pay_is_due_at_the_rate_on_each_sessions_date(march):
    sheet = pay_sheet(march, *MARCH)
    lines = {line.buddy.given_name: line for line in sheet.lines}
    ann, bob, cy = lines["Ann"], lines["Bob"], lines["Cy"]
    # Ann: 2 sessions x 1.50 + 1 x 2.40 = 5.40; worked 3 (2 Mar am and pm, 16 Mar); 1 worked unpaid.
    assert (ann.worked, ann.paid, ann.unpaid_worked, ann.pay_due) == (3, 3, 1, Decimal("5.40"))
    assert (bob.paid, bob.unpriced, bob.pay_due) == (2, 2, Decimal("0.00"))
    # Cy: 8 paid sessions in March x 0.88 = 7.04.
    assert (cy.worked, cy.pay_due) == (8, Decimal("7.04"))
    total = sheet.totals
    assert (total.worked, total.paid, total.unpaid_worked, total.pay_due) == (
        13,
        13,
        1,
        Decimal("12.44"),
    )


def test_the_csv_matches_the_screen_to_the_penny(client, lead, march):
    client.force_login(lead)
    page = client.get(reverse("pay-sheet", args=["HMX"]) + "?month=2026-03").content.decode()
    assert "£12.44" in page and "£5.40" in page and "£7.04" in page
    assert "2 paid sessions have no pay rate recorded" in page
    response = client.get(reverse("pay-sheet-csv", args=["HMX"]) + "?month=2026-03")
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="pay-HMX-2026-03-01-to-2026-03-31.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    buddies, total = rows[:-1], rows[-1]
    assert [r["buddy_prison_number"] for r in buddies] == ["A1111AA", "B2222BB", "C3333CC"]
    assert [r["pay_due"] for r in buddies] == ["5.40", "0.00", "7.04"]
    assert total["given_name"] == "Total" and total["pay_due"] == "12.44"
    assert sum(Decimal(r["pay_due"]) for r in buddies) == Decimal(total["pay_due"])
    assert sum(int(r["sessions_worked"]) for r in buddies) == int(total["sessions_worked"]) == 13


def test_a_week_can_be_chosen(client, lead, march):
    client.force_login(lead)
    # ISO week 2026-W11 is 9 to 15 March: Cy's seven sessions only.
    response = client.get(reverse("pay-sheet-csv", args=["HMX"]) + "?week=2026-W11")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["given_name"], r["sessions_paid"], r["pay_due"]) for r in rows] == [
        ("Cy", "7", "6.16"),
        ("Total", "7", "6.16"),
    ]


def test_the_pay_sheet_takes_a_fixed_number_of_queries(
    client, lead, march, home_prison, django_assert_max_num_queries
):
    person = RecipientFactory(prison=home_prison)
    for _n in range(10):
        buddy = BuddyFactory(prison=home_prison)
        Session.objects.create(
            prison=home_prison,
            buddy=buddy,
            recipient=person,
            date=dt.date(2026, 3, 20),
            period="am",
            minutes=30,
            paid=True,
        )
    client.force_login(lead)
    # 12: 7 for the sheet, 3 to save the session with the request's time (idle timeout), one for
    # the second factor's device, and one INSERT recording the read in the audit log.
    with django_assert_max_num_queries(12):
        client.get(reverse("pay-sheet", args=["HMX"]) + "?month=2026-03")


def test_pay_is_for_leads_only(client, staff, la_reviewer, inspector, march):
    for user in (staff, la_reviewer, inspector):
        client.force_login(user)
        assert client.get(reverse("pay-sheet", args=["HMX"])).status_code == 403
        assert client.get(reverse("pay-sheet-csv", args=["HMX"])).status_code == 403
