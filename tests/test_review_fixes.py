"""Rules that hold over time: plans in force, future agreement dates, optional tasks in use,
informal duplicates, and fitness judged on the day of the session."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from buddies.models import Session
from buddies.selectors import activity_todo_counts
from governance.models import Task
from governance.services import scheme_update
from recipients.services import care_plan_save
from tests.factories import BuddyFactory, CarePlanFactory, RecipientFactory, train


def test_an_approved_version_starting_later_leaves_the_earlier_one_in_force(
    client, lead, home_prison
):
    today = timezone.localdate()
    person = RecipientFactory(prison=home_prison, support_started_on=today - dt.timedelta(days=60))
    CarePlanFactory(
        recipient=person,
        version=1,
        state="superseded",
        starts_on=today - dt.timedelta(days=60),
        review_due_on=today + dt.timedelta(days=300),
        la_approved_on=today - dt.timedelta(days=55),
    )
    CarePlanFactory(
        recipient=person,
        version=2,
        state="approved",
        starts_on=today + dt.timedelta(days=30),
        review_due_on=today + dt.timedelta(days=300),
        la_approved_on=today,
    )
    client.force_login(lead)
    response = client.get(reverse("recipient-detail", args=["HMX", person.pk]))
    assert response.context["current_plan"].version == 1
    assert "No approved care plan" not in response.content.decode()


def test_agreement_dates_cannot_be_in_the_future(home_prison, lead):
    today = timezone.localdate()
    person = RecipientFactory(prison=home_prison)
    with pytest.raises(ValidationError) as raised:
        care_plan_save(
            recipient=person,
            user=lead,
            tasks=[],
            starts_on=today + dt.timedelta(days=60),
            review_due_on=today + dt.timedelta(days=200),
            agreed_with_buddy_on=today + dt.timedelta(days=30),
        )
    assert raised.value.message_dict == {
        "agreed_with_buddy_on": ["Agreed with the buddy must be today or in the past"]
    }


def scheme_fields(scheme, **changes):
    fields = {
        "name": scheme.name,
        "formality": scheme.formality,
        "leadership": scheme.leadership,
        "started_on": scheme.started_on,
        "allows_outer_clothing": scheme.allows_outer_clothing,
        "allows_medication_collect": scheme.allows_medication_collect,
        "min_pay_rate": scheme.min_pay_rate,
        "max_pay_rate": scheme.max_pay_rate,
        "recipients_per_buddy": scheme.recipients_per_buddy,
        "mandatory_modules": [],
    }
    return {**fields, **changes}


def test_an_optional_task_in_use_cannot_be_switched_off(home_prison):
    scheme = home_prison.scheme
    scheme.allows_medication_collect = True
    scheme.save()
    plan = CarePlanFactory(
        recipient=RecipientFactory(prison=home_prison),
        state="approved",
        la_approved_on=dt.date(2026, 1, 15),
    )
    plan.tasks.set(Task.objects.filter(code="medication_collect"))
    with pytest.raises(ValidationError) as raised:
        scheme_update(scheme=scheme, **scheme_fields(scheme, allows_medication_collect=False))
    assert raised.value.message_dict == {
        "allows_medication_collect": [
            "1 care plan lists this task: write new versions without it before switching it off"
        ]
    }
    scheme.refresh_from_db()
    assert scheme.allows_medication_collect is True


def test_a_second_informal_session_from_the_same_unknown_helper_is_explained(
    client, lead, home_prison
):
    person = RecipientFactory(prison=home_prison)
    client.force_login(lead)
    data = {
        "date_0": "3",
        "date_1": "3",
        "date_2": "2026",
        "period": "am",
        "recipient": person.pk,
        "informal": "on",
        "outcome": "yes",
        "minutes": "20",
    }
    client.post(reverse("recipient-quick-log", args=["HMX", person.pk]), data)
    page = client.post(
        reverse("recipient-quick-log", args=["HMX", person.pk]), data
    ).content.decode()
    assert "Informal help by this helper is already recorded for this person then" in page
    assert Session.objects.count() == 1


def test_sessions_are_judged_fit_on_their_own_day(home_prison, lead):
    fit_dates = {
        "vetting_outcome": "approved",
        "vetted_on": dt.date(2026, 1, 6),
        "compact_signed_on": dt.date(2026, 1, 7),
        "benefits_explained_on": dt.date(2026, 1, 7),
        "safeguarding_briefed_on": dt.date(2026, 3, 5),
    }
    # Suspended today, but met every condition on 9 March; the 3 March session came before the
    # safeguarding briefing, so it counts as given while not fit.
    buddy = BuddyFactory(
        prison=home_prison, status="suspended", started_on=dt.date(2026, 1, 8), **fit_dates
    )
    train(buddy, on=dt.date(2026, 1, 7))
    person = RecipientFactory(prison=home_prison)
    for day in (3, 9):
        Session.objects.create(
            prison=home_prison,
            buddy=buddy,
            recipient=person,
            date=dt.date(2026, 3, day),
            period="am",
            minutes=30,
            paid=True,
        )
    counts = activity_todo_counts(lead, today=dt.date(2026, 3, 11))
    assert counts[home_prison.pk]["sessions_by_unfit"] == 1
