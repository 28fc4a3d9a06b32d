"""An assignment must make sense in time: not for a closed record, not twice, not before either start."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from recipients.models import Assignment
from recipients.services import assignment_create, recipient_end_support
from tests.factories import AssignmentFactory, BuddyFactory, RecipientFactory


@pytest.fixture
def buddy(home_prison):
    return BuddyFactory(
        prison=home_prison,
        given_name="Ann",
        family_name="Able",
        status="active",
        vetting_outcome="approved",
        vetted_on=dt.date(2026, 1, 6),
        started_on=dt.date(2026, 2, 1),
    )


def assign(buddy, person, started_on):
    return assignment_create(
        buddy=buddy,
        recipient=person,
        started_on=started_on,
        no_personal_relationship_confirmed=True,
    )


def errors_of(call):
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.message_dict


def test_a_closed_record_takes_no_new_buddy(home_prison, buddy):
    person = RecipientFactory(prison=home_prison, support_started_on=dt.date(2026, 2, 1))
    recipient_end_support(recipient=person, on=dt.date(2026, 3, 1), reason="released")
    errors = errors_of(lambda: assign(buddy, person, dt.date(2026, 2, 10)))
    assert errors == {
        "started_on": ["Support for this person ended on 1 March 2026: their record is closed"]
    }


def test_the_same_buddy_cannot_be_assigned_twice_while_the_first_is_open(home_prison, buddy):
    person = RecipientFactory(prison=home_prison, support_started_on=dt.date(2026, 2, 1))
    AssignmentFactory(buddy=buddy, recipient=person, started_on=dt.date(2026, 2, 2))
    errors = errors_of(lambda: assign(buddy, person, dt.date(2026, 2, 20)))
    assert errors == {"buddy": ["Ann Able already supports this person"]}


def test_after_an_earlier_assignment_ended_the_buddy_can_start_again(home_prison, buddy):
    person = RecipientFactory(prison=home_prison, support_started_on=dt.date(2026, 2, 1))
    AssignmentFactory(
        buddy=buddy, recipient=person, started_on=dt.date(2026, 2, 2), ended_on=dt.date(2026, 2, 9)
    )
    assign(buddy, person, dt.date(2026, 2, 20))
    assert Assignment.objects.count() == 2


@pytest.mark.parametrize(
    ("support_started_on", "started_on", "message"),
    [
        (
            dt.date(2026, 2, 15),
            dt.date(2026, 2, 10),
            "Support for this person started on 15 February 2026",
        ),
        (
            dt.date(2026, 1, 1),
            dt.date(2026, 1, 20),
            "Ann Able started work as a buddy on 1 February 2026",
        ),
    ],
)
def test_support_cannot_start_before_the_person_or_the_buddy_started(
    home_prison, buddy, support_started_on, started_on, message
):
    person = RecipientFactory(prison=home_prison, support_started_on=support_started_on)
    errors = errors_of(lambda: assign(buddy, person, started_on))
    assert message in errors["started_on"][0]
    assert not Assignment.objects.exists()


def test_support_cannot_end_twice(home_prison):
    person = RecipientFactory(prison=home_prison, support_started_on=dt.date(2026, 2, 1))
    recipient_end_support(recipient=person, on=dt.date(2026, 3, 1), reason="transferred")
    errors = errors_of(
        lambda: recipient_end_support(recipient=person, on=dt.date(2026, 3, 5), reason="died")
    )
    assert errors == {"on": ["Support already ended on 1 March 2026"]}
    person.refresh_from_db()
    assert (person.end_reason, person.support_ended_on) == ("transferred", dt.date(2026, 3, 1))
