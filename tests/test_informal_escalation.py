"""Informal help that becomes regular puts the person on the 'refer to the local authority' list."""

import datetime as dt

from buddies.models import Session
from recipients.models import Recipient
from tests.factories import CarePlanFactory, RecipientFactory

ON = dt.date(2026, 3, 31)


def informal(person, *days):
    for day in days:
        Session.objects.create(
            prison=person.prison,
            recipient=person,
            date=day,
            period="am",
            minutes=20,
            informal=True,
            helper_prison_number="H1234HH",
        )


def due(prison):
    return sorted(
        Recipient.objects.filter(prison=prison)
        .escalation_due(ON)
        .values_list("given_name", flat=True)
    )


def test_three_days_within_fourteen_put_someone_on_the_list(home_prison):
    person = RecipientFactory(prison=home_prison, given_name="Three", support_started_on=None)
    informal(
        person, dt.date(2026, 3, 1), dt.date(2026, 3, 8), dt.date(2026, 3, 14)
    )  # 1st to 14th: 13 days
    assert due(home_prison) == ["Three"]


def test_three_days_spread_wider_than_fourteen_do_not(home_prison):
    person = RecipientFactory(prison=home_prison, given_name="Spread", support_started_on=None)
    informal(person, dt.date(2026, 3, 1), dt.date(2026, 3, 8), dt.date(2026, 3, 15))  # 15 days
    assert due(home_prison) == []


def test_two_sessions_on_one_day_count_as_one_day(home_prison):
    person = RecipientFactory(prison=home_prison, given_name="Twice", support_started_on=None)
    informal(person, dt.date(2026, 3, 1), dt.date(2026, 3, 2))
    Session.objects.create(
        prison=home_prison,
        recipient=person,
        date=dt.date(2026, 3, 2),
        period="pm",
        minutes=20,
        informal=True,
        helper_prison_number="H1234HH",
    )
    assert due(home_prison) == []


def test_a_referral_or_an_approved_plan_clears_it(home_prison):
    referred = RecipientFactory(
        prison=home_prison,
        given_name="Referred",
        support_started_on=None,
        referred_to_la_on=dt.date(2026, 3, 20),
    )
    planned = RecipientFactory(prison=home_prison, given_name="Planned", support_started_on=None)
    CarePlanFactory(recipient=planned, state="approved", la_approved_on=dt.date(2026, 3, 20))
    for person in (referred, planned):
        informal(person, dt.date(2026, 3, 1), dt.date(2026, 3, 2), dt.date(2026, 3, 3))
    assert due(home_prison) == []


def test_help_after_the_date_asked_about_does_not_count(home_prison):
    person = RecipientFactory(prison=home_prison, given_name="Later", support_started_on=None)
    informal(person, dt.date(2026, 3, 30), dt.date(2026, 3, 31), dt.date(2026, 4, 1))
    assert due(home_prison) == []
