"""One session from a person's or a buddy's page, and the rules every session obeys."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from buddies.models import MissedReason, Session
from governance.models import Task
from tests.factories import AssignmentFactory, BuddyFactory, CarePlanFactory, RecipientFactory

DAY = dt.date(2026, 3, 3)
# A month ahead, so a run that passes midnight still sees it as the future.
_AHEAD = timezone.localdate() + dt.timedelta(days=30)
FUTURE = {"date_0": str(_AHEAD.day), "date_1": str(_AHEAD.month), "date_2": str(_AHEAD.year)}


@pytest.fixture
def pair(home_prison):
    buddy = BuddyFactory(
        prison=home_prison,
        given_name="Ann",
        status="active",
        vetting_outcome="approved",
        vetted_on=dt.date(2026, 1, 6),
        started_on=dt.date(2026, 1, 8),
    )  # active but with no compact or briefings: not fit to work
    person = RecipientFactory(prison=home_prison, given_name="Pat")
    plan = CarePlanFactory(recipient=person, state="approved", la_approved_on=dt.date(2026, 1, 15))
    plan.tasks.set(Task.objects.filter(code__in=["meals_collect"]))
    AssignmentFactory(buddy=buddy, recipient=person, started_on=dt.date(2026, 1, 12))
    return buddy, person


def post(client, person, **changes):
    data = {
        "date_0": DAY.day,
        "date_1": DAY.month,
        "date_2": DAY.year,
        "period": "am",
        "buddy": changes.pop("buddy_pk"),
        "recipient": person.pk,
        "outcome": "yes",
        "minutes": "30",
        "tasks": ["meals_collect"],
    }
    data.update(changes)
    return client.post(reverse("recipient-quick-log", args=["HMX", person.pk]), data, follow=True)


def test_a_session_is_logged_with_a_warning_when_the_buddy_is_not_fit(client, staff, pair):
    buddy, person = pair
    page = post(client_login(client, staff), person, buddy_pk=buddy.pk).content.decode()
    session = Session.objects.get()
    assert (session.buddy, session.minutes, session.paid, session.logged_by) == (
        buddy,
        30,
        True,
        staff,
    )
    assert "Session recorded: Pat" in page
    assert "Ann" in page and "is not fit to work: compact signed is not met" in page


def client_login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tasks": ["feeding"]}, "Feeding is never allowed for a buddy"),
        ({"tasks": ["medication_collect"]}, "is not switched on for HMP Home"),
        ({"tasks": ["laundry"]}, "Laundry is not on this person&#x27;s care plan: say why"),
        (FUTURE, "The date must be today or in the past"),
        ({"buddy_pk": ""}, "Choose the buddy, or mark this as informal help"),
    ],
)
def test_sessions_that_break_a_rule_are_refused(client, lead, pair, changes, message):
    buddy, person = pair
    changes.setdefault("buddy_pk", buddy.pk)
    page = post(client_login(client, lead), person, **changes).content.decode()
    assert message in page
    assert Session.objects.count() == 0


def test_a_task_outside_the_plan_is_accepted_with_a_reason(client, lead, pair):
    buddy, person = pair
    post(
        client_login(client, lead),
        person,
        buddy_pk=buddy.pk,
        tasks=["laundry"],
        off_plan_reason="Spilt tea",
    )
    assert Session.objects.get().off_plan_reason == "Spilt tea"


def test_a_buddy_not_assigned_to_the_person_is_refused_unless_informal(
    client, lead, pair, home_prison
):
    _buddy, person = pair
    other = BuddyFactory(
        prison=home_prison,
        given_name="Bob",
        status="active",
        vetting_outcome="approved",
        vetted_on=dt.date(2026, 1, 6),
        started_on=dt.date(2026, 1, 8),
    )
    page = post(client_login(client, lead), person, buddy_pk=other.pk).content.decode()
    assert "Bob" in page and "was not assigned to this person on 3 March 2026" in page
    assert Session.objects.count() == 0
    page = post(client, person, buddy_pk=other.pk, informal="on").content.decode()
    assert Session.objects.get().informal is True
    assert "must be referred to the local authority (PSI requirement 12)" in page


def test_a_duplicate_names_the_existing_session(client, lead, pair):
    buddy, person = pair
    post(client_login(client, lead), person, buddy_pk=buddy.pk)
    page = post(client, person, buddy_pk=buddy.pk, minutes="45").content.decode()
    assert (
        "There is already a session for this buddy and person on 3 March 2026 (morning), logged by Lee Lead"
        in page
    )
    assert list(Session.objects.values_list("minutes", flat=True)) == [30]


def test_a_prisons_own_missed_reason_maps_onto_the_standard(client, lead, pair, home_prison):
    buddy, person = pair
    rest = MissedReason.objects.create(
        prison=home_prison, label="Rest day", maps_to="missed_buddy_unavailable"
    )
    post(client_login(client, lead), person, buddy_pk=buddy.pk, outcome=f"reason-{rest.pk}")
    session = Session.objects.get()
    assert (session.outcome, session.missed_reason, session.paid) == (
        "missed_buddy_unavailable",
        rest,
        False,
    )


def test_a_regime_cancelled_session_is_paid_unless_the_prison_does_not_pay_them(
    client, lead, pair, home_prison
):
    buddy, person = pair
    home_prison.scheme.pays_regime_cancelled_sessions = False
    home_prison.scheme.save()
    post(client_login(client, lead), person, buddy_pk=buddy.pk, outcome="missed_regime_lockdown")
    assert Session.objects.get().paid is False
    post(
        client, person, buddy_pk=buddy.pk, outcome="missed_regime_lockdown", period="pm", paid="yes"
    )
    assert Session.objects.get(period="pm").paid is True


def test_inspectors_and_reviewers_cannot_log(client, inspector, la_reviewer, pair):
    _buddy, person = pair
    for user in (inspector, la_reviewer):
        client.force_login(user)
        assert (
            client.get(reverse("recipient-quick-log", args=["HMX", person.pk])).status_code == 403
        )


def test_a_lead_adds_and_removes_the_prisons_own_missed_reasons(client, lead, home_prison):
    client.force_login(lead)
    address = reverse("missed-reasons", args=["HMX"])
    client.post(address, {"label": "Rest day", "maps_to": "missed_buddy_unavailable"})
    page = client.post(address, {"label": "Rest day", "maps_to": "missed_other"}).content.decode()
    assert "This prison already has a reason with that name" in page
    reason = MissedReason.objects.get()
    assert (reason.label, reason.maps_to) == ("Rest day", "missed_buddy_unavailable")
    client.post(address, {"remove": reason.pk})
    assert not MissedReason.objects.exists()


def test_a_reason_in_use_is_kept(client, lead, pair, home_prison):
    buddy, person = pair
    rest = MissedReason.objects.create(
        prison=home_prison, label="Rest day", maps_to="missed_buddy_unavailable"
    )
    post(client_login(client, lead), person, buddy_pk=buddy.pk, outcome=f"reason-{rest.pk}")
    page = client.post(
        reverse("missed-reasons", args=["HMX"]), {"remove": rest.pk}, follow=True
    ).content.decode()
    assert "is used by recorded sessions, so it stays" in page
    assert MissedReason.objects.filter(pk=rest.pk).exists()


def test_a_forbidden_task_offers_to_record_an_incident(client, lead, pair):
    buddy, person = pair
    page = post(
        client_login(client, lead), person, buddy_pk=buddy.pk, tasks=["washing_bathing"]
    ).content.decode()
    assert "Washing or bathing is never allowed for a buddy" in page
    assert reverse("incident-new", args=["HMX"]) in page
    assert Session.objects.count() == 0
