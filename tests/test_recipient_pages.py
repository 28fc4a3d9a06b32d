"""The pages about people supported, their care plans, the local authority's review and buddies'
assignments, driven through the Django test client."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from recipients.models import Assignment, CarePlan, PlanReview, Recipient
from tests.factories import (
    AssignmentFactory,
    BuddyFactory,
    CarePlanFactory,
    RecipientFactory,
    UserFactory,
)

# Dates in the future are a month ahead, so a run that passes midnight still sees them as future.
TODAY = timezone.localdate()
START = dt.date(2026, 2, 2)
REVIEW = dt.date(2026, 8, 3)
AGREED = dt.date(2026, 1, 30)


def url(name, *args):
    return reverse(name, args=["HMX", *args])


def date_parts(name, value: dt.date):
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


def page_of(response):
    return response.content.decode()


def opened(record):
    """The version a page opened now carries (the hidden row_version of its forms)."""
    return {"row_version": type(record).objects.get(pk=record.pk).row_version}


@pytest.fixture
def person(home_prison):
    return RecipientFactory(
        prison=home_prison,
        prison_number="A1111AA",
        given_name="Ada",
        family_name="Lovell",
        support_started_on=dt.date(2026, 1, 12),
    )


# --- adding a person -----------------------------------------------------------------------------


def person_data(**changes):
    data = {
        "prison_number": "C1234DE",
        "given_name": "Ada",
        "family_name": "Lovell",
        **date_parts("date_of_birth", dt.date(1950, 3, 27)),
    }
    return {**data, **changes}


def test_lead_adds_a_person_and_the_prison_number_is_upper_cased(client, lead, home_prison):
    client.force_login(lead)
    response = client.post(
        url("recipient-new"),
        person_data(prison_number="a1234bc", needs=["wheelchair_user", "mobility"]),
        follow=True,
    )
    added = Recipient.objects.get()
    assert (added.prison, added.prison_number, added.full_name, added.date_of_birth) == (
        home_prison,
        "A1234BC",
        "Ada Lovell",
        dt.date(1950, 3, 27),
    )
    assert sorted(added.needs.values_list("code", flat=True)) == ["mobility", "wheelchair_user"]
    assert "Ada Lovell added" in page_of(response)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"prison_number": "12345"},
            "prison_number",
            "Enter a prison number in the right format",
        ),
        (
            {"prison_number": "b9999zz"},
            "prison_number",
            "This prison already has a person with this prison number",
        ),
        (
            date_parts("date_of_birth", TODAY + dt.timedelta(days=30)),
            "date_of_birth",
            "Date of birth must be today or in the past",
        ),
        ({"family_name": ""}, "family_name", "Enter their family name"),
    ],
)
def test_bad_details_are_explained_and_nothing_is_saved(
    client, lead, home_prison, changes, field, message
):
    RecipientFactory(prison=home_prison, prison_number="B9999ZZ")
    client.force_login(lead)
    response = client.post(url("recipient-new"), person_data(**changes))
    page = page_of(response)
    assert response.status_code == 200
    assert message in page
    assert f'href="#id_{field}' in page
    assert Recipient.objects.count() == 1


def test_the_same_prison_number_may_be_used_in_another_prison(
    client, lead, home_prison, other_prison
):
    RecipientFactory(prison=other_prison, prison_number="B9999ZZ")
    client.force_login(lead)
    client.post(url("recipient-new"), person_data(prison_number="B9999ZZ"))
    assert Recipient.objects.filter(prison_number="B9999ZZ").count() == 2


# --- care plans: the lead writes, the local authority reviews -----------------------------------


def plan_data(**changes):
    """A plan posted from the form, without the agreement dates."""
    data = {
        **date_parts("starts_on", START),
        **date_parts("review_due_on", REVIEW),
        "tasks": ["escort_movement", "laundry"],
        "capacity_at_agreement": "has_capacity",
        "best_interests_decision_by": "",
        "notes": "Likes to go to the library on Tuesdays",
    }
    return {**data, **changes}


AGREEMENT = {
    **date_parts("agreed_with_recipient_on", AGREED),
    **date_parts("agreed_with_buddy_on", AGREED),
    **date_parts("boundaries_explained_on", AGREED),
}


def test_a_forbidden_task_posted_directly_is_refused_with_the_reason(client, lead, person):
    client.force_login(lead)
    response = client.post(url("plan-new", person.pk), plan_data(tasks=["feeding"]))
    page = page_of(response)
    assert response.status_code == 200
    assert "never allowed" in page
    assert "PSI requirement 8" in page
    assert 'href="#id_tasks' in page
    assert CarePlan.objects.count() == 0


def trail_titles(page):
    """The actions in the plan's trail, as the page lists them (newest first)."""
    trail = page.split("Trail</h2>", 1)[1]
    return re.findall(r'moj-timeline__title">([^<]+)<', trail)


def test_the_whole_review_journey(client, lead, la_reviewer, person):
    # The lead writes a plan but has not yet recorded the agreement.
    client.force_login(lead)
    response = client.post(url("plan-new", person.pk), plan_data())
    plan = CarePlan.objects.get()
    assert response.status_code == 302
    assert (plan.version, plan.state) == (1, "draft")

    # Sending it without the agreement dates is refused, and it stays a draft.
    page = page_of(client.post(url("plan-submit", person.pk, plan.pk), opened(plan)))
    assert "This plan cannot be sent for review yet" in page
    assert "Enter the date the person agreed the plan (PSI requirement 9)" in page
    assert "Enter the date the buddy agreed the tasks (PSI requirement 9)" in page
    assert "were explained (PSI requirements 3 and 10)" in page
    plan.refresh_from_db()
    assert plan.state == "draft"
    assert PlanReview.objects.count() == 0

    # With the agreement recorded it goes to the local authority.
    client.post(url("plan-edit", person.pk, plan.pk), plan_data(**AGREEMENT, **opened(plan)))
    response = client.post(url("plan-submit", person.pk, plan.pk), opened(plan))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == "submitted"

    # The reviewer sees it waiting, and must say what needs to change to return it.
    client.force_login(la_reviewer)
    assert "Ada Lovell" in page_of(client.get(reverse("review-queue")))
    page = page_of(
        client.post(url("plan-review", person.pk, plan.pk), {"comments": "  ", **opened(plan)})
    )
    assert "Enter what needs to change" in page
    plan.refresh_from_db()
    assert plan.state == "submitted"
    response = client.post(
        url("plan-review", person.pk, plan.pk),
        {"comments": "Add the escort to healthcare appointments", **opened(plan)},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == "returned"

    # The lead sees the comments, changes the plan and sends it again.
    client.force_login(lead)
    page = page_of(client.get(url("plan-detail", person.pk, plan.pk)))
    assert "Returned with comments" in page
    assert "Add the escort to healthcare appointments" in page
    client.post(
        url("plan-edit", person.pk, plan.pk),
        plan_data(
            tasks=["escort_movement", "laundry", "activities_access"], **AGREEMENT, **opened(plan)
        ),
    )
    plan.refresh_from_db()
    assert plan.state == "draft"
    client.post(url("plan-submit", person.pk, plan.pk), opened(plan))
    plan.refresh_from_db()
    assert plan.state == "submitted"

    # The reviewer approves it.
    client.force_login(la_reviewer)
    response = client.post(url("plan-review", person.pk, plan.pk), {"approve": "1", **opened(plan)})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == "approved"
    assert plan.la_approved_on in {TODAY, timezone.localdate()}  # the day it was approved
    assert sorted(plan.tasks.values_list("code", flat=True)) == [
        "activities_access",
        "escort_movement",
        "laundry",
    ]

    response = client.get(url("plan-detail", person.pk, plan.pk))
    page = page_of(response)
    assert "Approved" in page
    assert [(r.action, str(r.by)) for r in response.context["reviews"]] == [
        ("submitted", "Lee Lead"),
        ("returned", "Robin Reviewer"),
        ("submitted", "Lee Lead"),
        ("approved", "Robin Reviewer"),
    ]
    # The timeline shows the newest entry first.
    assert trail_titles(page) == [
        "Approved",
        "Submitted for review",
        "Returned with comments",
        "Submitted for review",
    ]
    assert page.count("by Robin Reviewer") == 2
    assert "No care plans are waiting for review" in page_of(client.get(reverse("review-queue")))


def submitted_plan(person, lead):
    plan = CarePlanFactory(
        recipient=person,
        state="submitted",
        capacity_at_agreement="has_capacity",
        agreed_with_recipient_on=AGREED,
        agreed_with_buddy_on=AGREED,
        boundaries_explained_on=AGREED,
    )
    plan.tasks.set(["laundry"])
    PlanReview.objects.create(plan=plan, action="submitted", by=lead)
    return plan


def test_a_reviewer_cannot_write_or_change_a_plan(client, lead, la_reviewer, person):
    plan = submitted_plan(person, lead)
    client.force_login(la_reviewer)
    assert client.get(url("plan-detail", person.pk, plan.pk)).status_code == 200
    assert client.get(url("plan-edit", person.pk, plan.pk)).status_code == 403
    assert client.get(url("plan-new", person.pk)).status_code == 403
    assert client.post(url("plan-new", person.pk), plan_data(**AGREEMENT)).status_code == 403
    assert CarePlan.objects.count() == 1


def test_a_lead_cannot_approve_their_own_plan(client, lead, person):
    plan = submitted_plan(person, lead)
    client.force_login(lead)
    response = client.post(url("plan-review", person.pk, plan.pk), {"approve": "1"})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert (plan.state, plan.la_approved_on) == ("submitted", None)


def test_a_reviewer_from_another_council_sees_nothing_of_the_plan(
    client, lead, other_council, person
):
    plan = submitted_plan(person, lead)
    outsider = UserFactory(
        username="outsider", role=Role.LA_REVIEWER, local_authority=other_council
    )
    client.force_login(outsider)
    assert client.get(url("plan-detail", person.pk, plan.pk)).status_code == 404
    assert client.post(url("plan-review", person.pk, plan.pk), {"approve": "1"}).status_code == 404
    queue = page_of(client.get(reverse("review-queue")))
    assert "Ada Lovell" not in queue
    assert "No care plans are waiting for review" in queue
    plan.refresh_from_db()
    assert plan.state == "submitted"


# --- the list of people and the lead's home page ------------------------------------------------


@pytest.fixture
def caseload(home_prison):
    """Four people, dated from today.

    Ada: supported, no plan, not referred -> to refer to the local authority; wheelchair user.
    Ben: supported, approved plan whose review was due 10 days ago -> review overdue.
    Cal: supported, referred, draft plan; wheelchair user.
    Dee: approved plan, support ended five days ago -> nothing to do.
    """
    started = TODAY - dt.timedelta(days=90)
    ada = RecipientFactory(
        prison=home_prison, given_name="Ada", family_name="Adams", support_started_on=started
    )
    ben = RecipientFactory(
        prison=home_prison, given_name="Ben", family_name="Brown", support_started_on=started
    )
    cal = RecipientFactory(
        prison=home_prison,
        given_name="Cal",
        family_name="Cole",
        support_started_on=started,
        referred_to_la_on=started,
    )
    dee = RecipientFactory(
        prison=home_prison,
        given_name="Dee",
        family_name="Dunn",
        support_started_on=started,
        support_ended_on=TODAY - dt.timedelta(days=5),
        end_reason="released",
    )
    ada.needs.set(["wheelchair_user"])
    cal.needs.set(["wheelchair_user", "mobility"])
    dee.needs.set(["mobility"])
    CarePlanFactory(
        recipient=ben,
        state="approved",
        starts_on=started,
        review_due_on=TODAY - dt.timedelta(days=10),
        la_approved_on=started,
    )
    CarePlanFactory(
        recipient=cal,
        state="draft",
        starts_on=started,
        review_due_on=TODAY + dt.timedelta(days=90),
    )
    CarePlanFactory(
        recipient=dee,
        state="approved",
        starts_on=started,
        review_due_on=TODAY + dt.timedelta(days=90),
        la_approved_on=started,
    )
    return ada, ben, cal, dee


def names_in(page):
    return [
        name
        for name in ["Ada Adams", "Ben Brown", "Cal Cole", "Dee Dunn"]
        if f">{name}</a>" in page
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Ada Adams", "Ben Brown", "Cal Cole", "Dee Dunn"]),
        ("?attention=escalation_due", ["Ada Adams"]),
        ("?attention=review_overdue", ["Ben Brown"]),
        ("?plan_state=none", ["Ada Adams"]),
        ("?plan_state=approved", ["Ben Brown", "Dee Dunn"]),
        ("?plan_state=draft&plan_state=none", ["Ada Adams", "Cal Cole"]),
        ("?needs=wheelchair_user", ["Ada Adams", "Cal Cole"]),
        ("?needs=mobility&attention=escalation_due", []),
    ],
)
def test_the_list_of_people_filters(client, lead, caseload, query, expected):
    client.force_login(lead)
    page = page_of(client.get(url("recipient-list") + query))
    assert names_in(page) == expected


def test_the_list_flags_who_needs_attention(client, lead, caseload):
    client.force_login(lead)
    page = page_of(client.get(url("recipient-list")))
    assert page.count(">Review overdue</strong>") == 1
    assert page.count(">Refer to the local authority</strong>") == 1


def test_the_leads_home_page_counts_people_to_refer(client, lead, home_prison, caseload):
    RecipientFactory(
        prison=home_prison, given_name="Eve", support_started_on=TODAY - dt.timedelta(days=3)
    )
    client.force_login(lead)
    page = page_of(client.get(reverse("home")))
    # Ada and Eve are supported without an approved plan or a referral.
    assert f'href="{url("recipient-list")}?attention=escalation_due">2<' in page
    assert f'href="{url("recipient-list")}?attention=review_overdue">1<' in page


def test_the_list_takes_a_fixed_number_of_queries(
    client, lead, home_prison, django_assert_max_num_queries
):
    for _number in range(5):
        person = RecipientFactory(prison=home_prison)
        person.needs.set(["mobility", "wheelchair_user"])
        CarePlanFactory(recipient=person)
    client.force_login(lead)
    # 12: one more than before informal help joined the escalation list (its days are one query);
    # +1 for the second factor's device since sign-in; +3 since the session is saved with each
    # request's time, for the idle timeout; +1 INSERT recording the read in the audit log.
    with django_assert_max_num_queries(17):
        response = client.get(url("recipient-list"))
    assert len(response.context["rows"]) == 5


# --- ending support ------------------------------------------------------------------------------


def test_ending_support_on_transfer_ends_the_open_assignments(client, lead, home_prison, person):
    first = AssignmentFactory(
        buddy=BuddyFactory(prison=home_prison, status="active"), recipient=person
    )
    second = AssignmentFactory(
        buddy=BuddyFactory(prison=home_prison, status="active"),
        recipient=person,
        started_on=dt.date(2026, 2, 9),
    )
    finished = AssignmentFactory(
        buddy=BuddyFactory(prison=home_prison, status="active"),
        recipient=person,
        ended_on=dt.date(2026, 2, 1),
    )
    client.force_login(lead)
    response = client.post(
        url("recipient-end", person.pk),
        {"reason": "transferred", **date_parts("on", dt.date(2026, 3, 2)), **opened(person)},
        follow=True,
    )
    assert "Support for Ada Lovell ended; 2 buddy assignments ended" in page_of(response)
    assert dict(Assignment.objects.values_list("pk", "ended_on")) == {
        first.pk: dt.date(2026, 3, 2),
        second.pk: dt.date(2026, 3, 2),
        finished.pk: dt.date(2026, 2, 1),
    }
    person.refresh_from_db()
    assert (person.support_ended_on, person.end_reason) == (dt.date(2026, 3, 2), "transferred")


# --- who may do what -----------------------------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["inspector", "analyst"])
def test_aggregate_roles_never_see_a_person_or_a_plan(client, request, lead, person, user_fixture):
    plan = submitted_plan(person, lead)
    client.force_login(request.getfixturevalue(user_fixture))
    for address in [
        url("recipient-list"),
        url("recipient-detail", person.pk),
        url("plan-detail", person.pk, plan.pk),
        reverse("review-queue"),
    ]:
        assert client.get(address).status_code == 403


@pytest.mark.parametrize("user_fixture", ["staff", "la_reviewer"])
def test_staff_and_reviewers_read_people_but_change_nothing(client, request, person, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(url("recipient-detail", person.pk))
    assert response.status_code == 200
    assert "Ada Lovell" in page_of(response)
    assert client.get(url("recipient-new")).status_code == 403
    assert client.post(url("recipient-new"), person_data()).status_code == 403
    assert client.get(url("recipient-edit", person.pk)).status_code == 403
    assert client.get(url("assignment-new", person.pk)).status_code == 403
    assert Recipient.objects.count() == 1
