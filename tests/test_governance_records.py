"""Training, staff and supervision recorded in the browser's forms."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import StaffMember, StaffTime, Supervision, TrainingRecord
from tests.factories import BuddyFactory, train


def url(name, *args):
    return reverse(name, args=["HMX", *args])


def parts(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture
def buddies(home_prison):
    ann = BuddyFactory(
        prison=home_prison,
        given_name="Ann",
        family_name="Able",
        status="active",
        started_on=dt.date(2026, 1, 5),
    )
    bob = BuddyFactory(
        prison=home_prison,
        given_name="Bob",
        family_name="Best",
        status="active",
        started_on=dt.date(2026, 1, 5),
    )
    return ann, bob


def test_a_training_session_is_recorded_for_several_buddies_at_once(client, lead, buddies):
    ann, bob = buddies
    client.force_login(lead)
    response = client.post(
        url("training-new"),
        {
            "module": "safeguarding",
            "provider": "local_authority",
            **parts("completed_on", dt.date(2026, 2, 3)),
            "hours": "3",
            **parts("expires_on", dt.date(2027, 2, 3)),
            "buddies": [ann.pk, bob.pk],
        },
        follow=True,
    )
    assert "Safeguarding recorded for 2 people" in response.content.decode()
    assert sorted(
        TrainingRecord.objects.values_list("buddy__given_name", "module_id", "expires_on")
    ) == [
        ("Ann", "safeguarding", dt.date(2027, 2, 3)),
        ("Bob", "safeguarding", dt.date(2027, 2, 3)),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"buddies": []}, "Choose who completed the training"),
        (
            parts("expires_on", dt.date(2026, 2, 1)),
            "The expiry date must be after the completion date",
        ),
        (
            parts("completed_on", timezone.localdate() + dt.timedelta(days=30)),
            "must be today or in the past",
        ),
    ],
)
def test_bad_training_is_refused_and_nothing_saved(client, lead, buddies, changes, message):
    ann, _bob = buddies
    client.force_login(lead)
    data = {
        "module": "safeguarding",
        "provider": "prison",
        **parts("completed_on", dt.date(2026, 2, 3)),
        "buddies": [ann.pk],
    }
    page = client.post(url("training-new"), {**data, **changes}).content.decode()
    assert message in page
    assert not TrainingRecord.objects.exists()


def test_the_same_module_on_the_same_day_twice_names_the_person(client, lead, buddies):
    ann, bob = buddies
    train(bob, on=dt.date(2026, 2, 3), modules=["safeguarding"])
    client.force_login(lead)
    page = client.post(
        url("training-new"),
        {
            "module": "safeguarding",
            "provider": "prison",
            **parts("completed_on", dt.date(2026, 2, 3)),
            "buddies": [ann.pk, bob.pk],
        },
    ).content.decode()
    assert "Bob Best already has this module recorded on that date" in page
    assert TrainingRecord.objects.count() == 1  # Ann's was not saved either


def test_the_matrix_shows_gaps_expiries_and_the_28_day_flag(client, lead, buddies):
    ann, _bob = buddies
    today = timezone.localdate()
    train(
        ann, on=dt.date(2026, 1, 6), expires_on=today + dt.timedelta(days=20)
    )  # all five, expiring soon
    client.force_login(lead)
    response = client.get(url("training-matrix"))
    rows = {
        buddy.given_name: (statuses, late)
        for buddy, statuses, late in [
            (b, [status for _s, status in cells], late)
            for b, cells, late in response.context["rows"]
        ]
    }
    assert rows["Ann"] == (["expiring"] * 5, False)
    assert rows["Bob"] == (["missing"] * 5, (today - dt.date(2026, 1, 5)).days > 28)


def test_staff_are_added_and_their_time_logged(client, lead, home_prison):
    client.force_login(lead)
    client.post(
        url("staff-new"),
        {
            "staff_ref": "OFF-12",
            "name": "Jo Officer",
            "role": "Equalities officer",
            "organisation": "prison",
            "band": "6",
        },
    )
    member = StaffMember.objects.get()
    assert (member.staff_ref, member.band) == ("OFF-12", 6)
    page = client.post(
        url("staff-new"),
        {"staff_ref": "OFF-12", "name": "Other", "role": "X", "organisation": "prison"},
    ).content.decode()
    assert "This prison already has staff with this reference" in page
    client.post(
        url("staff-time", member.pk),
        {**parts("week_starting", dt.date(2026, 3, 2)), "activity": "supervision", "hours": "2.5"},
    )
    client.post(
        url("staff-time", member.pk),
        {**parts("week_starting", dt.date(2026, 3, 2)), "activity": "supervision", "hours": "3"},
    )
    assert list(StaffTime.objects.values_list("hours", flat=True)) == [
        3
    ]  # the second replaces the first
    page = client.post(
        url("staff-time", member.pk),
        {**parts("week_starting", dt.date(2026, 3, 3)), "activity": "running", "hours": "1"},
    ).content.decode()
    assert "The week must start on a Monday" in page


def test_supervision_is_recorded_and_overdue_buddies_flagged(client, lead, buddies, home_prison):
    ann, _bob = buddies
    today = timezone.localdate()
    client.force_login(lead)
    client.post(
        url("supervision-new"),
        {
            "reference": "SUP-1",
            **parts("date", today - dt.timedelta(days=3)),
            "kind": "group",
            "supervisor_name": "Jo Officer",
            "buddies": [ann.pk],
            "minutes": "45",
        },
    )
    session = Supervision.objects.get()
    assert list(session.buddies.all()) == [ann]
    response = client.get(url("supervision-list"))
    status = {
        buddy.given_name: (days, overdue)
        for buddy, _last, days, overdue in response.context["rows"]
    }
    assert status["Ann"] == (3, False)
    assert status["Bob"] == ((today - dt.date(2026, 1, 5)).days, True)
    page = client.post(
        url("supervision-new"),
        {"reference": "SUP-2", **parts("date", today), "kind": "group", "buddies": [ann.pk]},
    ).content.decode()
    assert "Choose the supervisor, or enter their name" in page


def test_inspectors_see_no_governance_records_of_people(client, inspector, buddies):
    client.force_login(inspector)
    for name in ["training-matrix", "staff-list", "supervision-list", "training-new"]:
        assert client.get(url(name)).status_code == 403


def test_the_buddy_page_shows_supervision_state(client, lead, buddies):
    ann, _bob = buddies
    today = timezone.localdate()
    session = Supervision.objects.create(
        prison=ann.prison,
        reference="SUP-9",
        date=today - dt.timedelta(days=40),
        kind="one_to_one",
        supervisor_name="Jo Officer",
    )
    session.buddies.set([ann])
    client.force_login(lead)
    page = client.get(reverse("buddy-detail", args=["HMX", ann.pk])).content.decode()
    assert "40 days ago" in page
    assert "Overdue: more than 31 days" in page


@pytest.mark.parametrize("user_fixture", ["inspector", "analyst", "lead"])
def test_every_role_sees_compliance_and_aggregate_roles_no_names(
    client, request, buddies, user_fixture
):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(reverse("prison-compliance", args=["HMX"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Governance model" in page and "13. Buddies and recipients protected" in page
    sees_records = user_fixture == "lead"
    assert ("See the records" in page) is sees_records
    assert "Ann Able" not in page and buddies[0].prison_number not in page
