"""The rules of care plans and assignments, tested on the rules and services directly.

Every expected value is worked out by hand from the PSI 17/2015 task list and the dates in the test.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from buddies.services import buddy_change_status
from governance.constants import TASKS
from governance.models import Task
from recipients.models import Assignment, CarePlan, PlanReview, Recipient
from recipients.rules import check_tasks
from recipients.services import (
    assignment_create,
    care_plan_approve,
    care_plan_return,
    care_plan_save,
    care_plan_submit,
    recipient_end_support,
)
from tests.factories import (
    AssignmentFactory,
    BuddyFactory,
    CarePlanFactory,
    RecipientFactory,
    train,
)

START = dt.date(2026, 2, 2)
REVIEW = dt.date(2026, 8, 3)
AGREED = dt.date(2026, 1, 30)
EARLY = dt.date(2026, 1, 10)  # agreement dates that fit a plan starting in January


def tasks(*codes):
    return list(Task.objects.filter(code__in=codes))


def linked_codes(plan):
    return sorted(plan.tasks.values_list("code", flat=True))


def agreed_plan(**overrides):
    """The fields of a plan agreed with everyone, ready to go to the local authority."""
    fields = {
        "starts_on": START,
        "review_due_on": REVIEW,
        "capacity_at_agreement": "has_capacity",
        "agreed_with_recipient_on": AGREED,
        "agreed_with_buddy_on": AGREED,
        "best_interests_decision_by": "",
        "boundaries_explained_on": AGREED,
        "notes": "",
    }
    return {**fields, **overrides}


@pytest.fixture
def person(home_prison):
    return RecipientFactory(
        prison=home_prison, given_name="Ada", family_name="Lovell", support_started_on=START
    )


@pytest.fixture
def approved_v1(person, lead, la_reviewer):
    """Version 1, agreed, submitted and approved on 10 February 2026: escorting and laundry."""
    plan = care_plan_save(
        recipient=person, user=lead, tasks=tasks("escort_movement", "laundry"), **agreed_plan()
    )
    care_plan_submit(plan=plan, user=lead)
    return care_plan_approve(plan=plan, user=la_reviewer, on=dt.date(2026, 2, 10))


# --- check_tasks: what a plan may list (PSI requirement 8) ---------------------------------------


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "feeding",
            "Feeding is never allowed for a buddy: Feeding is intimate personal care. "
            "(PSI requirement 8)",
        ),
        (
            "medication_handling",
            "Handling or giving medication is never allowed for a buddy: Only healthcare staff may "
            "handle or give medication. (PSI requirement 8)",
        ),
        (
            "toileting",
            "Toileting is never allowed for a buddy: Toileting is intimate care. (PSI requirement 8)",
        ),
    ],
)
def test_a_forbidden_task_is_refused_with_its_reason_and_the_psi_requirement(
    home_prison, code, message
):
    with pytest.raises(ValidationError) as refused:
        check_tasks(scheme=home_prison.scheme, tasks=tasks(code, "laundry"))
    assert refused.value.message_dict == {"tasks": [message]}


def test_a_forbidden_task_stays_forbidden_with_every_option_switched_on(home_prison):
    scheme = home_prison.scheme
    scheme.allows_outer_clothing = True
    scheme.allows_medication_collect = True
    scheme.save()
    with pytest.raises(ValidationError) as refused:
        check_tasks(scheme=scheme, tasks=tasks("dressing"))
    assert "PSI requirement 8" in refused.value.message_dict["tasks"][0]


def test_collecting_medication_is_refused_until_the_prison_switches_it_on(home_prison):
    scheme = home_prison.scheme
    with pytest.raises(ValidationError) as refused:
        check_tasks(scheme=scheme, tasks=tasks("medication_collect"))
    assert refused.value.message_dict == {
        "tasks": [
            "Collecting sealed medication (never opening or giving it) is not switched on for "
            "HMP Home: the social care lead can switch it on in the scheme settings"
        ]
    }
    scheme.allows_medication_collect = True
    scheme.save()
    check_tasks(scheme=scheme, tasks=tasks("medication_collect"))


def test_switching_on_medication_does_not_switch_on_outer_clothes(home_prison):
    scheme = home_prison.scheme
    scheme.allows_medication_collect = True
    scheme.save()
    with pytest.raises(ValidationError) as refused:
        check_tasks(scheme=scheme, tasks=tasks("medication_collect", "outer_clothing"))
    assert refused.value.message_dict == {
        "tasks": [
            "Putting on outer clothes (jacket, shoes) is not switched on for HMP Home: the social "
            "care lead can switch it on in the scheme settings"
        ]
    }


def test_allowed_tasks_pass(home_prison):
    check_tasks(
        scheme=home_prison.scheme,
        tasks=tasks("escort_movement", "wheelchair_push", "meals_collect", "welfare_check_company"),
    )


# --- care_plan_save: drafts and versions -------------------------------------------------------


def test_the_first_plan_is_version_1_and_a_draft(person, lead):
    plan = care_plan_save(
        recipient=person, user=lead, tasks=tasks("laundry", "escort_movement"), **agreed_plan()
    )
    plan.refresh_from_db()
    assert (plan.version, plan.state, plan.created_by, plan.starts_on) == (1, "draft", lead, START)
    assert linked_codes(plan) == ["escort_movement", "laundry"]


def test_editing_a_draft_changes_it_in_place(person, lead):
    draft = care_plan_save(recipient=person, user=lead, tasks=tasks("laundry"), **agreed_plan())
    edited = care_plan_save(
        recipient=person,
        user=lead,
        plan=draft,
        tasks=tasks("reading_writing"),
        **agreed_plan(notes="Prefers mornings"),
    )
    assert (edited.pk, edited.version) == (draft.pk, 1)
    assert CarePlan.objects.count() == 1
    stored = CarePlan.objects.get()
    assert (stored.notes, stored.state) == ("Prefers mornings", "draft")
    assert linked_codes(stored) == ["reading_writing"]


def test_changing_an_approved_plan_makes_version_2_and_keeps_version_1(person, lead, approved_v1):
    v2 = care_plan_save(
        recipient=person,
        user=lead,
        plan=approved_v1,
        tasks=tasks("wheelchair_push"),
        **agreed_plan(starts_on=dt.date(2026, 3, 2), review_due_on=dt.date(2026, 9, 1)),
    )
    assert v2.pk != approved_v1.pk
    assert (v2.version, v2.state, v2.starts_on) == (2, "draft", dt.date(2026, 3, 2))
    assert linked_codes(v2) == ["wheelchair_push"]
    v1 = CarePlan.objects.get(pk=approved_v1.pk)
    assert (v1.version, v1.state, v1.starts_on, v1.review_due_on, v1.la_approved_on) == (
        1,
        "approved",
        START,
        REVIEW,
        dt.date(2026, 2, 10),
    )
    assert linked_codes(v1) == ["escort_movement", "laundry"]


@pytest.mark.parametrize("starts_on", [START, dt.date(2026, 1, 20)])
def test_a_new_version_must_start_after_the_latest_version(person, lead, approved_v1, starts_on):
    with pytest.raises(ValidationError) as refused:
        care_plan_save(
            recipient=person,
            user=lead,
            plan=approved_v1,
            tasks=tasks("laundry"),
            **agreed_plan(
                starts_on=starts_on,
                agreed_with_recipient_on=EARLY,
                agreed_with_buddy_on=EARLY,
                boundaries_explained_on=EARLY,
            ),
        )
    assert refused.value.message_dict == {
        "starts_on": ["A new version must start after the current version's start date"]
    }
    assert CarePlan.objects.count() == 1


def test_a_later_draft_cannot_be_moved_to_start_before_the_approved_version(
    person, lead, approved_v1
):
    # Version 2 starts on 2 March; moving it to 20 January, before version 1 (2 February), must be
    # refused just as it is when version 2 is first written.
    v2 = care_plan_save(
        recipient=person,
        user=lead,
        plan=approved_v1,
        tasks=tasks("laundry"),
        **agreed_plan(starts_on=dt.date(2026, 3, 2)),
    )
    with pytest.raises(ValidationError) as refused:
        care_plan_save(
            recipient=person,
            user=lead,
            plan=v2,
            tasks=tasks("laundry"),
            **agreed_plan(
                starts_on=dt.date(2026, 1, 20),
                agreed_with_recipient_on=EARLY,
                agreed_with_buddy_on=EARLY,
                boundaries_explained_on=EARLY,
            ),
        )
    assert "starts_on" in refused.value.message_dict
    assert CarePlan.objects.get(pk=v2.pk).starts_on == dt.date(2026, 3, 2)


def test_a_returned_version_edited_becomes_a_draft_again(person, lead, la_reviewer):
    plan = care_plan_save(recipient=person, user=lead, tasks=tasks("laundry"), **agreed_plan())
    care_plan_submit(plan=plan, user=lead)
    care_plan_return(plan=plan, user=la_reviewer, comments="Add escorting to healthcare")
    edited = care_plan_save(
        recipient=person,
        user=lead,
        plan=plan,
        tasks=tasks("laundry", "escort_movement"),
        **agreed_plan(),
    )
    stored = CarePlan.objects.get()
    assert (edited.pk, stored.version, stored.state) == (plan.pk, 1, "draft")
    assert linked_codes(stored) == ["escort_movement", "laundry"]


def test_a_submitted_version_cannot_be_changed(person, lead):
    plan = care_plan_save(recipient=person, user=lead, tasks=tasks("laundry"), **agreed_plan())
    care_plan_submit(plan=plan, user=lead)
    with pytest.raises(ValidationError) as refused:
        care_plan_save(
            recipient=person,
            user=lead,
            plan=plan,
            tasks=tasks("reading_writing"),
            **agreed_plan(notes="Changed while under review"),
        )
    assert "waiting for the local authority's review" in refused.value.messages[0]
    stored = CarePlan.objects.get()
    assert (stored.state, stored.notes) == ("submitted", "")
    assert linked_codes(stored) == ["laundry"]


def test_only_one_version_may_be_open_at_a_time(person, lead, approved_v1):
    care_plan_save(
        recipient=person,
        user=lead,
        plan=approved_v1,
        tasks=tasks("laundry"),
        **agreed_plan(starts_on=dt.date(2026, 3, 2)),
    )
    for base in [None, approved_v1]:
        with pytest.raises(ValidationError) as refused:
            care_plan_save(
                recipient=person,
                user=lead,
                plan=base,
                tasks=tasks("laundry"),
                **agreed_plan(starts_on=dt.date(2026, 4, 6)),
            )
        assert refused.value.messages == [
            "Version 2 of this plan is already being written or reviewed: change that version instead"
        ]
    assert sorted(CarePlan.objects.values_list("version", flat=True)) == [1, 2]


@pytest.mark.parametrize("review_due_on", [START, dt.date(2026, 2, 1)])
def test_the_review_date_must_be_after_the_start(person, lead, review_due_on):
    with pytest.raises(ValidationError) as refused:
        care_plan_save(
            recipient=person,
            user=lead,
            tasks=tasks("laundry"),
            **agreed_plan(review_due_on=review_due_on),
        )
    assert refused.value.message_dict["review_due_on"] == [
        "The review date must be after the date the plan starts"
    ]
    assert CarePlan.objects.count() == 0


def test_a_person_lacking_capacity_needs_a_best_interests_decider(person, lead):
    with pytest.raises(ValidationError) as refused:
        care_plan_save(
            recipient=person,
            user=lead,
            tasks=tasks("laundry"),
            **agreed_plan(capacity_at_agreement="lacks_capacity", best_interests_decision_by=" "),
        )
    assert list(refused.value.message_dict) == ["best_interests_decision_by"]
    assert "PSI requirement 9" in refused.value.message_dict["best_interests_decision_by"][0]
    assert CarePlan.objects.count() == 0


def test_a_refused_edit_leaves_the_stored_draft_and_its_tasks_alone(person, lead):
    draft = care_plan_save(
        recipient=person, user=lead, tasks=tasks("laundry"), **agreed_plan(notes="First")
    )
    with pytest.raises(ValidationError):
        care_plan_save(
            recipient=person,
            user=lead,
            plan=draft,
            tasks=tasks("laundry", "feeding"),
            **agreed_plan(notes="Second"),
        )
    with pytest.raises(ValidationError):
        care_plan_save(
            recipient=person,
            user=lead,
            plan=CarePlan.objects.get(),
            tasks=tasks("reading_writing"),
            **agreed_plan(notes="Third", review_due_on=dt.date(2026, 1, 1)),
        )
    stored = CarePlan.objects.get()
    assert (stored.notes, stored.review_due_on) == ("First", REVIEW)
    assert linked_codes(stored) == ["laundry"]
    assert CarePlan.tasks.through.objects.count() == 1


def test_a_forbidden_task_saves_no_plan_at_all(person, lead):
    with pytest.raises(ValidationError) as refused:
        care_plan_save(
            recipient=person,
            user=lead,
            tasks=tasks("laundry", "medication_handling"),
            **agreed_plan(),
        )
    assert list(refused.value.message_dict) == ["tasks"]
    assert CarePlan.objects.count() == 0
    assert CarePlan.tasks.through.objects.count() == 0


# --- care_plan_submit: agreed before it goes to the local authority (PSI 3, 9, 10) --------------


def test_a_plan_with_nothing_agreed_cannot_be_submitted(person, lead):
    plan = care_plan_save(
        recipient=person,
        user=lead,
        tasks=[],
        starts_on=START,
        review_due_on=REVIEW,
    )
    with pytest.raises(ValidationError) as refused:
        care_plan_submit(plan=plan, user=lead)
    assert sorted(refused.value.message_dict) == [
        "agreed_with_buddy_on",
        "agreed_with_recipient_on",
        "boundaries_explained_on",
        "capacity_at_agreement",
        "tasks",
    ]
    assert refused.value.message_dict["boundaries_explained_on"] == [
        "Enter the date the limits of the buddy's role were explained (PSI requirements 3 and 10)"
    ]
    assert CarePlan.objects.get().state == "draft"
    assert PlanReview.objects.count() == 0


@pytest.mark.parametrize(
    "missing",
    ["agreed_with_recipient_on", "agreed_with_buddy_on", "boundaries_explained_on"],
)
def test_each_missing_agreement_date_is_named(person, lead, missing):
    plan = care_plan_save(
        recipient=person, user=lead, tasks=tasks("laundry"), **agreed_plan(**{missing: None})
    )
    with pytest.raises(ValidationError) as refused:
        care_plan_submit(plan=plan, user=lead)
    assert list(refused.value.message_dict) == [missing]
    assert CarePlan.objects.get().state == "draft"


def test_a_person_lacking_capacity_need_not_agree_but_the_decider_is_recorded(person, lead):
    plan = care_plan_save(
        recipient=person,
        user=lead,
        tasks=tasks("laundry"),
        **agreed_plan(
            capacity_at_agreement="lacks_capacity",
            agreed_with_recipient_on=None,
            best_interests_decision_by="Lee Lead, social care lead",
        ),
    )
    care_plan_submit(plan=plan, user=lead)
    assert CarePlan.objects.get().state == "submitted"


def test_submitting_records_who_sent_it(person, lead):
    plan = care_plan_save(recipient=person, user=lead, tasks=tasks("laundry"), **agreed_plan())
    care_plan_submit(plan=plan, user=lead)
    assert CarePlan.objects.get().state == "submitted"
    assert list(PlanReview.objects.values_list("plan", "action", "by")) == [
        (plan.pk, "submitted", lead.pk)
    ]


def test_a_submitted_plan_cannot_be_submitted_again(person, lead):
    plan = care_plan_save(recipient=person, user=lead, tasks=tasks("laundry"), **agreed_plan())
    care_plan_submit(plan=plan, user=lead)
    with pytest.raises(ValidationError):
        care_plan_submit(plan=plan, user=lead)
    assert PlanReview.objects.count() == 1


# --- care_plan_approve and care_plan_return: the local authority's review ----------------------


def test_approving_supersedes_the_earlier_approved_version(person, lead, la_reviewer, approved_v1):
    v2 = care_plan_save(
        recipient=person,
        user=lead,
        plan=approved_v1,
        tasks=tasks("wheelchair_push"),
        **agreed_plan(starts_on=dt.date(2026, 3, 2), review_due_on=dt.date(2026, 9, 1)),
    )
    care_plan_submit(plan=v2, user=lead)
    care_plan_approve(plan=v2, user=la_reviewer, on=dt.date(2026, 3, 9))
    assert list(
        CarePlan.objects.order_by("version").values_list("version", "state", "la_approved_on")
    ) == [
        (1, "superseded", dt.date(2026, 2, 10)),
        (2, "approved", dt.date(2026, 3, 9)),
    ]
    assert list(PlanReview.objects.filter(plan=v2).values_list("action", "by")) == [
        ("submitted", lead.pk),
        ("approved", la_reviewer.pk),
    ]


def test_returning_needs_comments_and_keeps_them(person, lead, la_reviewer):
    plan = care_plan_save(recipient=person, user=lead, tasks=tasks("laundry"), **agreed_plan())
    care_plan_submit(plan=plan, user=lead)
    with pytest.raises(ValidationError) as refused:
        care_plan_return(plan=plan, user=la_reviewer, comments="   ")
    assert refused.value.message_dict == {"comments": ["Enter what needs to change"]}
    assert CarePlan.objects.get().state == "submitted"
    care_plan_return(plan=plan, user=la_reviewer, comments="  Say who escorts him to healthcare ")
    assert CarePlan.objects.get().state == "returned"
    review = PlanReview.objects.get(action="returned")
    assert (review.by, review.comments) == (la_reviewer, "Say who escorts him to healthcare")
    assert CarePlan.objects.get().la_approved_on is None


def test_a_draft_can_be_neither_approved_nor_returned(person, lead, la_reviewer):
    plan = care_plan_save(recipient=person, user=lead, tasks=tasks("laundry"), **agreed_plan())
    with pytest.raises(ValidationError):
        care_plan_approve(plan=plan, user=la_reviewer, on=dt.date(2026, 2, 10))
    with pytest.raises(ValidationError):
        care_plan_return(plan=plan, user=la_reviewer, comments="Too early")
    stored = CarePlan.objects.get()
    assert (stored.state, stored.la_approved_on) == ("draft", None)
    assert PlanReview.objects.count() == 0


# --- escalation (PSI requirement 12) -----------------------------------------------------------

ON = dt.date(2026, 3, 2)


def names(queryset):
    return sorted(person.given_name for person in queryset)


def test_a_person_supported_without_plan_or_referral_must_be_escalated(home_prison):
    RecipientFactory(prison=home_prison, given_name="Ada", support_started_on=dt.date(2026, 1, 12))
    RecipientFactory(prison=home_prison, given_name="Bea", support_started_on=ON)
    assert names(Recipient.objects.escalation_due(ON)) == ["Ada", "Bea"]


def test_recording_the_referral_clears_the_escalation(home_prison):
    ada = RecipientFactory(prison=home_prison, given_name="Ada")
    assert names(Recipient.objects.escalation_due(ON)) == ["Ada"]
    ada.referred_to_la_on = dt.date(2026, 2, 20)
    ada.save()
    assert names(Recipient.objects.escalation_due(ON)) == []


def test_an_approved_plan_clears_the_escalation_but_a_draft_does_not(home_prison):
    ada = RecipientFactory(prison=home_prison, given_name="Ada")
    plan = CarePlanFactory(recipient=ada, state="draft")
    assert names(Recipient.objects.escalation_due(ON)) == ["Ada"]
    plan.state = "approved"
    plan.la_approved_on = dt.date(2026, 2, 1)
    plan.save()
    assert names(Recipient.objects.escalation_due(ON)) == []


def test_people_not_supported_on_the_day_are_not_escalated(home_prison):
    RecipientFactory(
        prison=home_prison,
        given_name="Ended",
        support_started_on=dt.date(2026, 1, 12),
        support_ended_on=dt.date(2026, 3, 1),
        end_reason="released",
    )
    RecipientFactory(prison=home_prison, given_name="Later", support_started_on=dt.date(2026, 3, 3))
    RecipientFactory(prison=home_prison, given_name="Never", support_started_on=None)
    assert names(Recipient.objects.escalation_due(ON)) == []


# --- reviews overdue ---------------------------------------------------------------------------

AUGUST = dt.date(2026, 8, 1)


@pytest.mark.parametrize(
    ("review_due_on", "reviewed_on", "overdue"),
    [
        (dt.date(2026, 7, 12), None, True),
        (dt.date(2026, 7, 12), dt.date(2026, 7, 1), True),  # reviewed before it was due
        (dt.date(2026, 7, 12), dt.date(2026, 7, 12), False),
        (dt.date(2026, 7, 12), dt.date(2026, 7, 20), False),
        (AUGUST, None, False),  # due today, not yet overdue
        (dt.date(2026, 9, 1), None, False),
    ],
)
def test_a_review_is_overdue_when_its_date_has_passed_without_a_review(
    home_prison, review_due_on, reviewed_on, overdue
):
    ada = RecipientFactory(prison=home_prison, given_name="Ada")
    CarePlanFactory(
        recipient=ada,
        state="approved",
        la_approved_on=dt.date(2026, 1, 20),
        review_due_on=review_due_on,
        reviewed_on=reviewed_on,
    )
    assert names(Recipient.objects.review_overdue(AUGUST)) == (["Ada"] if overdue else [])


def test_only_the_latest_version_counts_for_the_review(home_prison):
    ada = RecipientFactory(prison=home_prison, given_name="Ada")
    bea = RecipientFactory(prison=home_prison, given_name="Bea")
    RecipientFactory(prison=home_prison, given_name="Cy")  # no plan: nothing to review
    for person, v2_review in [(ada, dt.date(2026, 12, 1)), (bea, dt.date(2026, 7, 20))]:
        CarePlanFactory(
            recipient=person,
            version=1,
            state="superseded",
            la_approved_on=dt.date(2026, 1, 20),
            review_due_on=dt.date(2026, 7, 12),
        )
        CarePlanFactory(
            recipient=person,
            version=2,
            state="approved",
            la_approved_on=dt.date(2026, 6, 1),
            starts_on=dt.date(2026, 6, 1),
            review_due_on=v2_review,
        )
    assert names(Recipient.objects.review_overdue(AUGUST)) == ["Bea"]


# --- assignments (PSI requirements 4 and 11) ---------------------------------------------------


def active_buddy(prison, **overrides):
    """An active buddy with approved vetting who meets every condition PeerCare can check."""
    fields = {
        "family_name": "Okafor",
        "status": "active",
        "vetting_outcome": "approved",
        "vetted_on": dt.date(2026, 1, 6),
        "compact_signed_on": dt.date(2026, 1, 7),
        "benefits_explained_on": dt.date(2026, 1, 7),
        "safeguarding_briefed_on": dt.date(2026, 1, 7),
        "started_on": dt.date(2026, 1, 8),
    }
    return train(BuddyFactory(prison=prison, **{**fields, **overrides}))


def test_an_assignment_needs_the_no_relationship_confirmation(home_prison, person):
    buddy = active_buddy(home_prison)
    with pytest.raises(ValidationError) as refused:
        assignment_create(
            buddy=buddy, recipient=person, started_on=ON, no_personal_relationship_confirmed=False
        )
    assert list(refused.value.message_dict) == ["no_personal_relationship_confirmed"]
    assert (
        "PSI requirement 11" in refused.value.message_dict["no_personal_relationship_confirmed"][0]
    )
    assert Assignment.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"status": "suspended"}, "Sam Okafor is not active, so cannot support anyone"),
        ({"status": "offered"}, "Sam Okafor is not active, so cannot support anyone"),
        (
            {"vetting_outcome": "pending"},
            "Sam Okafor's security vetting is not approved (PSI requirement 4)",
        ),
        (
            {"vetting_outcome": ""},
            "Sam Okafor's security vetting is not approved (PSI requirement 4)",
        ),
    ],
)
def test_only_an_active_vetted_buddy_can_be_assigned(home_prison, person, overrides, message):
    buddy = active_buddy(home_prison, **overrides)
    with pytest.raises(ValidationError) as refused:
        assignment_create(
            buddy=buddy, recipient=person, started_on=ON, no_personal_relationship_confirmed=True
        )
    assert refused.value.message_dict == {"buddy": [message]}
    assert Assignment.objects.count() == 0


def test_a_buddy_from_another_prison_cannot_be_assigned(other_prison, person):
    buddy = active_buddy(other_prison)
    with pytest.raises(ValidationError) as refused:
        assignment_create(
            buddy=buddy, recipient=person, started_on=ON, no_personal_relationship_confirmed=True
        )
    assert refused.value.message_dict == {"buddy": ["Choose a buddy from this prison"]}
    assert Assignment.objects.count() == 0


def test_a_fit_buddy_is_assigned_without_warnings(home_prison, person):
    buddy = active_buddy(home_prison)
    assignment, warnings = assignment_create(
        buddy=buddy, recipient=person, started_on=ON, no_personal_relationship_confirmed=True
    )
    stored = Assignment.objects.get()
    assert (stored.pk, stored.buddy, stored.recipient, stored.started_on) == (
        assignment.pk,
        buddy,
        person,
        ON,
    )
    assert stored.no_personal_relationship_confirmed is True
    assert warnings == []


def test_each_unmet_fit_to_work_condition_comes_back_as_a_warning(home_prison, person):
    buddy = active_buddy(home_prison, compact_signed_on=None, safeguarding_briefed_on=None)
    _assignment, warnings = assignment_create(
        buddy=buddy, recipient=person, started_on=ON, no_personal_relationship_confirmed=True
    )
    assert warnings == [
        "Sam Okafor is not fit to work: compact signed is not met",
        "Sam Okafor is not fit to work: safeguarding policy and how to raise a concern explained "
        "is not met",
    ]
    assert Assignment.objects.count() == 1


def test_a_seventh_person_gives_a_workload_warning(home_prison):
    buddy = active_buddy(home_prison)
    # An ended assignment does not count towards the six.
    AssignmentFactory(
        buddy=buddy,
        recipient=RecipientFactory(prison=home_prison),
        started_on=dt.date(2026, 1, 12),
        ended_on=dt.date(2026, 2, 1),
    )
    for _ in range(5):
        AssignmentFactory(buddy=buddy, recipient=RecipientFactory(prison=home_prison))
    _sixth, warnings = assignment_create(
        buddy=buddy,
        recipient=RecipientFactory(prison=home_prison),
        started_on=ON,
        no_personal_relationship_confirmed=True,
    )
    assert warnings == []
    _seventh, warnings = assignment_create(
        buddy=buddy,
        recipient=RecipientFactory(prison=home_prison),
        started_on=ON,
        no_personal_relationship_confirmed=True,
    )
    assert warnings == ["Sam Okafor now supports 7 people, more than 6: check their workload"]


def test_ending_support_ends_only_the_open_assignments(home_prison, person):
    first = AssignmentFactory(buddy=active_buddy(home_prison), recipient=person)
    second = AssignmentFactory(
        buddy=active_buddy(home_prison, family_name="Patel"),
        recipient=person,
        started_on=dt.date(2026, 2, 9),
    )
    finished = AssignmentFactory(
        buddy=active_buddy(home_prison, family_name="Quinn"),
        recipient=person,
        started_on=dt.date(2026, 1, 12),
        ended_on=dt.date(2026, 2, 1),
    )
    ended = recipient_end_support(recipient=person, on=ON, reason="transferred")
    assert ended == 2
    assert dict(Assignment.objects.values_list("pk", "ended_on")) == {
        first.pk: ON,
        second.pk: ON,
        finished.pk: dt.date(2026, 2, 1),
    }
    person.refresh_from_db()
    assert (person.support_ended_on, person.end_reason) == (ON, "transferred")


def test_a_buddy_who_leaves_stops_supporting_everyone_on_their_last_day(home_prison):
    buddy = active_buddy(home_prison)
    other = active_buddy(home_prison, family_name="Patel")
    mine = [
        AssignmentFactory(buddy=buddy, recipient=RecipientFactory(prison=home_prison))
        for _ in range(2)
    ]
    finished = AssignmentFactory(
        buddy=buddy,
        recipient=RecipientFactory(prison=home_prison),
        ended_on=dt.date(2026, 2, 1),
    )
    theirs = AssignmentFactory(buddy=other, recipient=RecipientFactory(prison=home_prison))
    buddy_change_status(buddy=buddy, status="left", on=ON, end_reason="transferred")
    assert dict(Assignment.objects.values_list("pk", "ended_on")) == {
        mine[0].pk: ON,
        mine[1].pk: ON,
        finished.pk: dt.date(2026, 2, 1),
        theirs.pk: None,
    }


# --- property: no sequence of saves links a task a buddy may not do ----------------------------

ALWAYS_ALLOWED = {code for code, _label, kind, _why in TASKS if kind == "allowed"}
OPTIONAL = {code for code, _label, kind, _why in TASKS if kind == "optional"}
FORBIDDEN = {code for code, _label, kind, _why in TASKS if kind == "forbidden"}


def subsets(codes):
    return st.frozensets(st.sampled_from(sorted(codes)))


# Any subset of the whole task list, drawn kind by kind so that sets with no forbidden task but
# an optional one (the case the per-prison switches decide) come up often.
ANY_TASKS = st.tuples(
    subsets(ALWAYS_ALLOWED),
    st.one_of(st.just(frozenset()), subsets(OPTIONAL)),
    st.one_of(st.just(frozenset()), subsets(FORBIDDEN)),
).map(lambda parts: frozenset().union(*parts))


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    posts=st.lists(
        st.tuples(ANY_TASKS, st.booleans()),
        min_size=1,
        max_size=8,
    ),
    outer_clothing_on=st.booleans(),
    medication_collect_on=st.booleans(),
)
def test_no_sequence_of_saves_links_a_task_a_buddy_may_not_do(
    home_prison, lead, la_reviewer, posts, outer_clothing_on, medication_collect_on
):
    CarePlan.objects.all().delete()
    Recipient.objects.all().delete()
    scheme = home_prison.scheme
    scheme.allows_outer_clothing = outer_clothing_on
    scheme.allows_medication_collect = medication_collect_on
    scheme.save()
    permitted = set(ALWAYS_ALLOWED)
    if outer_clothing_on:
        permitted.add("outer_clothing")
    if medication_collect_on:
        permitted.add("medication_collect")
    person = RecipientFactory(prison=home_prison, support_started_on=dt.date(2026, 1, 5))

    for number, (codes, approve_afterwards) in enumerate(posts):
        starts_on = dt.date(2026, 1, 5) + dt.timedelta(days=7 * number)
        open_draft = person.care_plans.filter(state="draft").first()
        try:
            plan = care_plan_save(
                recipient=person,
                user=lead,
                plan=open_draft,
                tasks=Task.objects.filter(code__in=codes),
                **agreed_plan(
                    starts_on=starts_on,
                    review_due_on=starts_on + dt.timedelta(days=180),
                    agreed_with_recipient_on=dt.date(2026, 1, 2),
                    agreed_with_buddy_on=dt.date(2026, 1, 2),
                    boundaries_explained_on=dt.date(2026, 1, 2),
                ),
            )
        except ValidationError as refused:
            assert not codes <= permitted
            assert list(refused.message_dict) == ["tasks"]
            event("a save was refused")
            continue
        assert codes <= permitted
        event("a save was accepted")
        if approve_afterwards and codes:
            event("a version was approved, so the next save makes a new version")
            care_plan_submit(plan=plan, user=lead)
            care_plan_approve(plan=plan, user=la_reviewer, on=dt.date(2026, 3, 1))

    linked = set(CarePlan.tasks.through.objects.values_list("task_id", flat=True))
    assert not linked & FORBIDDEN
    assert linked <= permitted
