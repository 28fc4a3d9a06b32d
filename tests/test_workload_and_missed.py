"""Hours and clients per buddy, missed care by week, and the counts on the lead's home page."""

import datetime as dt

import pytest

from buddies.models import Session
from buddies.selectors import activity_todo_counts, buddy_workload, missed_by_week
from tests.factories import AssignmentFactory, BuddyFactory, RecipientFactory, train

TODAY = dt.date(2026, 3, 11)  # a Wednesday; this week starts 9 March, last week 2 March


@pytest.fixture
def ann(home_prison):
    return BuddyFactory(
        prison=home_prison, given_name="Ann", status="active", started_on=dt.date(2026, 1, 5)
    )


def session(buddy, person, day, period="am", minutes=120, outcome="yes"):
    return Session.objects.create(
        prison=buddy.prison,
        buddy=buddy,
        recipient=person,
        date=day,
        period=period,
        minutes=minutes,
        outcome=outcome,
        paid=outcome == "yes",
    )


def test_hours_are_summed_per_week_and_over_the_limit_is_flagged(home_prison, ann):
    person = RecipientFactory(prison=home_prison)
    # Last week: 7 days x 2 periods x 120 minutes = 28 hours exactly, plus 60 more = 29 hours.
    for offset in range(7):
        day = dt.date(2026, 3, 2) + dt.timedelta(days=offset)
        session(ann, person, day, "am")
        session(ann, person, day, "pm")
    session(ann, person, dt.date(2026, 3, 8), "eve", minutes=60)
    session(ann, person, dt.date(2026, 3, 9), "am", minutes=45)  # this week
    session(
        ann, person, dt.date(2026, 3, 10), "am", minutes=45, outcome="missed_other"
    )  # not worked
    workload = buddy_workload(ann, today=TODAY)
    assert workload.weeks[:3] == [
        (dt.date(2026, 3, 9), 45),
        (dt.date(2026, 3, 2), 29 * 60),
        (dt.date(2026, 2, 23), 0),
    ]
    assert workload.over_hours == [dt.date(2026, 3, 2)]


def test_exactly_the_limit_is_not_over(home_prison, ann):
    person = RecipientFactory(prison=home_prison)
    for offset in range(7):
        day = dt.date(2026, 3, 2) + dt.timedelta(days=offset)
        session(ann, person, day, "am")
        session(ann, person, day, "pm")
    assert buddy_workload(ann, today=TODAY).over_hours == []


def test_clients_over_the_prisons_limit_are_flagged(home_prison, ann):
    home_prison.scheme.max_clients_per_buddy = 2
    home_prison.scheme.save()
    for _n in range(3):
        AssignmentFactory(
            buddy=ann,
            recipient=RecipientFactory(prison=home_prison),
            started_on=dt.date(2026, 2, 1),
        )
    workload = buddy_workload(ann, today=TODAY)
    assert (workload.clients, workload.over_clients) == (3, True)


def test_missed_sessions_are_counted_by_week_and_reason(home_prison, ann):
    person = RecipientFactory(prison=home_prison)
    session(ann, person, dt.date(2026, 3, 3), outcome="missed_regime_lockdown")
    session(ann, person, dt.date(2026, 3, 4), outcome="missed_regime_lockdown")
    session(ann, person, dt.date(2026, 3, 4), "pm", outcome="missed_recipient_declined")
    session(ann, person, dt.date(2026, 3, 10), outcome="missed_buddy_unavailable")
    session(ann, person, dt.date(2026, 3, 10), "pm")  # delivered: not missed
    table = missed_by_week(Session.objects.all(), [dt.date(2026, 3, 9), dt.date(2026, 3, 2)])
    assert table == [
        (dt.date(2026, 3, 9), {"missed_buddy_unavailable": 1}),
        (dt.date(2026, 3, 2), {"missed_regime_lockdown": 2, "missed_recipient_declined": 1}),
    ]


def test_the_home_page_counts_come_from_the_records(home_prison, ann, lead):
    person = RecipientFactory(prison=home_prison)
    # Ann has no compact or briefings, so she is not fit to work: her 4 sessions in 4 weeks count
    # (3 here and the off-plan one below).
    session(ann, person, dt.date(2026, 3, 3))
    session(ann, person, dt.date(2026, 3, 4), outcome="missed_regime_lockdown")
    session(ann, person, dt.date(2026, 2, 10))  # more than 4 weeks before 11 March: not counted
    session(ann, person, dt.date(2026, 3, 10))
    ready = train(
        BuddyFactory(
            prison=home_prison,
            status="active",
            vetting_outcome="approved",
            vetted_on=dt.date(2026, 1, 6),
            compact_signed_on=dt.date(2026, 1, 7),
            benefits_explained_on=dt.date(2026, 1, 7),
            safeguarding_briefed_on=dt.date(2026, 1, 7),
            started_on=dt.date(2026, 1, 8),
        )
    )
    # The fit buddy works 29 hours last week: over the 28-hour limit.
    session(ready, person, dt.date(2026, 3, 2), minutes=600)
    session(ready, person, dt.date(2026, 3, 3), minutes=600)
    session(ready, person, dt.date(2026, 3, 4), minutes=540)
    off = session(ann, person, dt.date(2026, 3, 9), "pm")
    off.off_plan_reason = "Helped move a chair"
    off.save()
    counts = activity_todo_counts(lead, today=TODAY)
    assert counts == {
        home_prison.pk: {
            "sessions_by_unfit": 4,
            "missed_last_week": 1,
            "missed_last_week:missed_regime_lockdown": 1,
            "off_plan": 1,
            "over_limit": 1,
        }
    }
