"""PSI 17/2015 compliance from the records: each of the 13 requirements met, partly met or not
evidenced, with the numbers behind it counted by hand in each test."""

import datetime as dt
import itertools

import pytest
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from buddies.models import PayRate, Session
from governance.compliance import psi_compliance
from governance.models import Incident, Scheme, StaffMember, Supervision
from monitoring import daily
from recipients.models import Assignment
from tests.factories import (
    AssignmentFactory,
    BuddyFactory,
    CarePlanFactory,
    PrisonFactory,
    RecipientFactory,
    train,
)

ON = dt.date(2026, 3, 31)
EARLIER = dt.date(2026, 2, 2)  # a date well before ON for steps, plans and pay
LATER = dt.date(2026, 4, 6)  # after ON: not yet happened on ON
_refs = itertools.count(1)


def requirement(prison, number: int):
    results = psi_compliance(prison, ON)
    return results[number - 1]


def numbers(result) -> tuple[str, int, int]:
    return result.status, result.numerator, result.denominator


def ready_buddy(prison, *, trained=True, supervised_on=dt.date(2026, 3, 20), pay=True, **fields):
    """An active buddy meeting everything PSI 1, 4, 5, 6 and 13 ask of a buddy, unless overridden."""
    values = {
        "status": "active",
        "vetting_outcome": "approved",
        "vetted_on": EARLIER,
        "compact_signed_on": EARLIER,
        "benefits_explained_on": EARLIER,
        "safeguarding_briefed_on": EARLIER,
        "started_on": EARLIER,
        **fields,
    }
    buddy = BuddyFactory(prison=prison, **values)
    if trained:
        train(buddy)
    if supervised_on:
        supervise(prison, [buddy], supervised_on)
    if pay:
        PayRate.objects.create(
            buddy=buddy, effective_from=EARLIER, pay_scheme="standard", rate_per_session="1.50"
        )
    return buddy


def supervise(prison, buddies, day):
    supervision = Supervision.objects.create(
        prison=prison,
        reference=f"SUP-{next(_refs)}",
        date=day,
        kind="group",
        supervisor_name="Wing officer",
    )
    supervision.buddies.set(buddies)
    return supervision


def person(prison, **fields):
    return RecipientFactory(prison=prison, **{"support_started_on": EARLIER, **fields})


def approved_plan(recipient, **fields):
    """A plan version in force on ON: approved, starting before it, agreed and explained."""
    values = {
        "state": "approved",
        "la_approved_on": EARLIER,
        "starts_on": EARLIER,
        "capacity_at_agreement": "has_capacity",
        "agreed_with_recipient_on": EARLIER,
        "agreed_with_buddy_on": EARLIER,
        "boundaries_explained_on": EARLIER,
        **fields,
    }
    return CarePlanFactory(recipient=recipient, **values)


def session(prison, recipient, day, *tasks, buddy=None):
    buddy = buddy or BuddyFactory(prison=prison, status="active")
    row = Session.objects.create(
        prison=prison, buddy=buddy, recipient=recipient, date=day, period="am", minutes=30
    )
    row.tasks.set(tasks)
    return row


def incident(prison, category, occurred_on=EARLIER, **fields):
    return Incident.objects.create(
        prison=prison,
        reference=f"INC-{next(_refs)}",
        occurred_on=occurred_on,
        category_id=category,
        severity="medium",
        **fields,
    )


# All requirements


def test_thirteen_requirements_in_order_with_titles_and_links(home_prison):
    results = psi_compliance(home_prison, ON)
    assert [r.number for r in results] == list(range(1, 14))
    assert all(r.title and r.explanation for r in results)
    assert results[0].evidence == ("buddy-list", {"code": "HMX"}, "?status=active&fit_to_work=no")
    assert results[0].url == "/prisons/HMX/buddies/?status=active&fit_to_work=no"
    assert results[11].url == "/prisons/HMX/people/?attention=escalation_due"
    assert results[6].url == "/prisons/HMX/"


def test_an_empty_prison_evidences_nothing(home_prison):
    assert {r.status for r in psi_compliance(home_prison, ON)} == {"not_evidenced"}


def test_partly_met_shows_the_percentage_rounded(home_prison):
    for _ in range(7):
        ready_buddy(home_prison, trained=False, supervised_on=None, pay=False)
    for _ in range(2):
        ready_buddy(
            home_prison, trained=False, supervised_on=None, pay=False, benefits_explained_on=None
        )
    result = requirement(home_prison, 1)
    assert numbers(result) == ("partly_met", 7, 9)
    assert result.status_label == "Partly met (78%)"  # 77.8% rounded
    assert result.explanation == (
        "7 of 9 active buddies have had the benefits of peer support explained"
    )


# PSI 1: benefits explained


def test_psi_1_met_when_every_active_buddy_had_the_benefits_explained(home_prison):
    ready_buddy(home_prison)
    ready_buddy(home_prison)
    BuddyFactory(prison=home_prison, status="applicant")  # not active: not counted
    result = requirement(home_prison, 1)
    assert numbers(result) == ("met", 2, 2)
    assert result.status_label == "Met"


def test_psi_1_partly_met_and_a_date_after_the_day_does_not_count(home_prison):
    ready_buddy(home_prison)
    ready_buddy(home_prison, benefits_explained_on=None)
    ready_buddy(home_prison, benefits_explained_on=LATER)
    assert numbers(requirement(home_prison, 1)) == ("partly_met", 1, 3)
    assert requirement(home_prison, 1).status_label == "Partly met (33%)"


def test_psi_1_not_evidenced_when_no_active_buddy_had_them_explained(home_prison):
    ready_buddy(home_prison, benefits_explained_on=None)
    result = requirement(home_prison, 1)
    assert numbers(result) == ("not_evidenced", 0, 1)
    assert result.status_label == "Not evidenced"


# PSI 2: not relied on for formal care


def test_psi_2_met_when_formal_care_is_recorded_for_everyone_none_included(home_prison):
    person(home_prison, formal_care="none")
    person(home_prison, formal_care="healthcare")
    person(home_prison, formal_care="", support_ended_on=dt.date(2026, 3, 1), end_reason="other")
    result = requirement(home_prison, 2)
    assert numbers(result) == ("met", 2, 2)
    assert result.explanation == (
        "2 of 2 people supported have their formal care recorded (including none); no session in "
        "the last 12 months records a task that is never allowed"
    )


def test_psi_2_partly_met_when_formal_care_is_blank_for_someone(home_prison):
    person(home_prison, formal_care="none")
    person(home_prison, formal_care="la_personal_care")
    person(home_prison, formal_care="")
    assert numbers(requirement(home_prison, 2)) == ("partly_met", 2, 3)


def test_psi_2_partly_met_when_a_session_records_a_forbidden_task(home_prison):
    someone = person(home_prison, formal_care="none")
    session(home_prison, someone, dt.date(2026, 3, 2), "feeding")
    result = requirement(home_prison, 2)
    assert numbers(result) == ("partly_met", 1, 1)
    assert result.status_label == "Partly met"  # all counted, but the second check failed
    assert "1 session in the last 12 months records a task that is never allowed" in (
        result.explanation
    )


def test_psi_2_not_evidenced_without_formal_care_recorded(home_prison):
    person(home_prison, formal_care="")
    assert numbers(requirement(home_prison, 2)) == ("not_evidenced", 0, 1)


# PSI 3: boundaries written in a care plan


def test_psi_3_met_when_every_person_supported_has_boundaries_in_the_plan_in_force(home_prison):
    approved_plan(person(home_prison))
    approved_plan(person(home_prison))
    assert numbers(requirement(home_prison, 3)) == ("met", 2, 2)


def test_psi_3_counts_only_the_latest_approved_version_in_force(home_prison):
    fine = person(home_prison)
    approved_plan(fine)
    # Version 2, approved and in force, lost the boundaries date: version 1 no longer counts.
    replaced = person(home_prison)
    approved_plan(replaced, state="superseded")
    approved_plan(replaced, version=2, starts_on=dt.date(2026, 3, 2), boundaries_explained_on=None)
    # A draft is not approved; an approved version starting after ON is not yet in force.
    drafted = person(home_prison)
    CarePlanFactory(recipient=drafted, boundaries_explained_on=EARLIER)
    future = person(home_prison)
    approved_plan(future, starts_on=LATER, review_due_on=dt.date(2026, 10, 1))
    result = requirement(home_prison, 3)
    assert numbers(result) == ("partly_met", 1, 4)
    assert result.explanation == (
        "1 of 4 people supported has an approved care plan in force that records the boundaries "
        "of the role were explained"
    )


def test_psi_3_not_evidenced_when_nobody_supported_has_an_approved_plan(home_prison):
    person(home_prison)
    assert numbers(requirement(home_prison, 3)) == ("not_evidenced", 0, 1)


# PSI 4: selected, vetted, trained, supported and supervised


def test_psi_4_met_when_every_active_buddy_is_vetted_trained_and_supervised(home_prison):
    ready_buddy(home_prison)
    ready_buddy(home_prison, supervised_on=ON - dt.timedelta(days=31))  # the limit's last day
    assert numbers(requirement(home_prison, 4)) == ("met", 2, 2)


def test_psi_4_partly_met_when_one_condition_is_missing_for_some(home_prison):
    ready_buddy(home_prison)
    ready_buddy(home_prison, vetting_outcome="pending", vetted_on=None)
    ready_buddy(home_prison, trained=False)
    ready_buddy(home_prison, supervised_on=ON - dt.timedelta(days=32))  # one day too long ago
    result = requirement(home_prison, 4)
    assert numbers(result) == ("partly_met", 1, 4)
    assert result.status_label == "Partly met (25%)"
    assert result.explanation == (
        "1 of 4 active buddies has security vetting approved, mandatory training that counts and "
        "supervision in the 31 days up to 31 March 2026 (3 vetted, 3 trained, 3 supervised)"
    )


def test_psi_4_follows_the_prisons_own_supervision_limit(home_prison):
    Scheme.objects.filter(prison=home_prison).update(supervision_limit_days=14)
    ready_buddy(home_prison, supervised_on=ON - dt.timedelta(days=14))
    ready_buddy(home_prison, supervised_on=ON - dt.timedelta(days=15))
    assert numbers(requirement(home_prison, 4)) == ("partly_met", 1, 2)


def test_psi_4_not_evidenced_when_the_prison_has_no_mandatory_modules(home_prison):
    home_prison.scheme.mandatory_modules.set([])
    ready_buddy(home_prison)
    result = requirement(home_prison, 4)
    assert numbers(result) == ("not_evidenced", 0, 1)
    assert result.explanation.endswith(
        "; the prison has not chosen which training modules are mandatory"
    )


# PSI 5: paid, or know they are volunteers


def test_psi_5_met_with_a_compact_and_a_pay_rate_unpaid_volunteers_included(home_prison):
    ready_buddy(home_prison)
    volunteer = ready_buddy(home_prison, pay=False)
    PayRate.objects.create(
        buddy=volunteer, effective_from=EARLIER, pay_scheme="unpaid_volunteer", rate_per_session=0
    )
    assert numbers(requirement(home_prison, 5)) == ("met", 2, 2)


def test_psi_5_partly_met_when_a_compact_or_a_rate_in_force_is_missing(home_prison):
    ready_buddy(home_prison)
    ready_buddy(home_prison, compact_signed_on=None)
    not_yet = ready_buddy(home_prison, pay=False)
    PayRate.objects.create(
        buddy=not_yet, effective_from=LATER, pay_scheme="standard", rate_per_session="1.00"
    )
    result = requirement(home_prison, 5)
    assert numbers(result) == ("partly_met", 1, 3)
    assert result.explanation == (
        "1 of 3 active buddies has a signed compact and a pay rate in force, paid or unpaid "
        "volunteer (2 with a compact, 2 with a pay rate)"
    )


def test_psi_5_not_evidenced_without_compacts_or_pay(home_prison):
    ready_buddy(home_prison, compact_signed_on=None, pay=False)
    assert numbers(requirement(home_prison, 5)) == ("not_evidenced", 0, 1)


# PSI 6: safeguarding policy known


def test_psi_6_met_when_buddies_were_briefed_and_people_had_boundaries_explained(home_prison):
    ready_buddy(home_prison)
    approved_plan(person(home_prison))
    result = requirement(home_prison, 6)
    assert numbers(result) == ("met", 1, 1)
    assert result.explanation == (
        "1 of 1 active buddy has had the safeguarding policy and how to raise a concern "
        "explained; 1 of 1 person supported has had the boundaries explained in a care plan in "
        "force"
    )


def test_psi_6_partly_met_when_some_buddies_were_not_briefed(home_prison):
    ready_buddy(home_prison)
    ready_buddy(home_prison, safeguarding_briefed_on=None)
    assert numbers(requirement(home_prison, 6)) == ("partly_met", 1, 2)


def test_psi_6_partly_met_when_a_person_supported_had_no_boundaries_explained(home_prison):
    ready_buddy(home_prison)
    approved_plan(person(home_prison))
    person(home_prison)  # supported without a plan
    result = requirement(home_prison, 6)
    assert numbers(result) == ("partly_met", 1, 1)
    assert result.explanation.endswith(
        "; 1 of 2 people supported has had the boundaries explained in a care plan in force"
    )


def test_psi_6_not_evidenced_without_active_buddies(home_prison):
    approved_plan(person(home_prison))
    assert numbers(requirement(home_prison, 6)) == ("not_evidenced", 0, 0)


# PSI 7: partners may help, the prison is responsible


def staff_member(prison, organisation):
    return StaffMember.objects.create(
        prison=prison,
        staff_ref=f"S-{next(_refs)}",
        name="Alex Officer",
        role="Equalities officer",
        organisation=organisation,
    )


def test_psi_7_met_with_leadership_and_prison_staff_involved(home_prison):
    staff_member(home_prison, "prison")
    staff_member(home_prison, "local_authority")
    result = requirement(home_prison, 7)
    assert numbers(result) == ("met", 1, 2)
    assert result.explanation == (
        "Led by prison staff; 1 of 2 members of staff involved works for the prison"
    )


def test_psi_7_is_never_partly_met_partner_staff_only_is_not_evidenced(home_prison):
    staff_member(home_prison, "local_authority")
    staff_member(home_prison, "external_organisation")
    assert numbers(requirement(home_prison, 7)) == ("not_evidenced", 0, 2)


def test_psi_7_not_evidenced_without_a_scheme(db):
    prison = PrisonFactory(code="NOS", scheme=None)
    staff_member(prison, "prison")
    result = requirement(prison, 7)
    assert numbers(result) == ("not_evidenced", 1, 1)
    assert result.explanation == "No scheme is recorded for this prison"


# PSI 8: no intimate care or medication handling


def test_psi_8_met_when_sessions_in_the_last_12_months_record_only_allowed_tasks(home_prison):
    someone = person(home_prison)
    session(home_prison, someone, dt.date(2025, 4, 1), "laundry")  # the first day of the 12 months
    session(home_prison, someone, dt.date(2026, 3, 2), "cell_cleaning", "meals_collect")
    incident(home_prison, "boundary_crossed", dt.date(2026, 3, 3))
    incident(home_prison, "boundary_crossed", dt.date(2025, 3, 31))  # before the 12 months
    result = requirement(home_prison, 8)
    assert numbers(result) == ("met", 2, 2)
    assert result.explanation == (
        "2 of 2 sessions in the 12 months up to 31 March 2026 record only allowed tasks; "
        "1 incident of a buddy overstepping boundaries in that time"
    )


def test_psi_8_partly_met_when_a_session_records_a_forbidden_task(home_prison):
    someone = person(home_prison)
    session(home_prison, someone, dt.date(2026, 3, 2), "laundry")
    session(home_prison, someone, dt.date(2026, 3, 3), "laundry", "medication_handling")
    session(home_prison, someone, dt.date(2026, 3, 4))  # no task recorded: nothing forbidden
    session(home_prison, someone, dt.date(2025, 3, 31), "feeding")  # before the 12 months
    assert numbers(requirement(home_prison, 8)) == ("partly_met", 2, 3)


def test_psi_8_not_evidenced_without_sessions_in_the_last_12_months(home_prison):
    session(home_prison, person(home_prison), dt.date(2025, 3, 31), "laundry")
    result = requirement(home_prison, 8)
    assert numbers(result) == ("not_evidenced", 0, 0)
    assert result.explanation == (
        "No sessions are recorded in the 12 months up to 31 March 2026; no incident of a buddy "
        "overstepping boundaries in that time"
    )


# PSI 9: tasks agreed, best interests when capacity is lacking


def test_psi_9_met_with_agreement_or_a_best_interests_decision(home_prison):
    approved_plan(person(home_prison))
    approved_plan(
        person(home_prison),
        capacity_at_agreement="lacks_capacity",
        agreed_with_recipient_on=None,
        best_interests_decision_by="Social care lead",
    )
    assert numbers(requirement(home_prison, 9)) == ("met", 2, 2)


def test_psi_9_partly_met_when_an_agreement_is_missing(home_prison):
    approved_plan(person(home_prison))
    approved_plan(person(home_prison), agreed_with_buddy_on=None)
    approved_plan(person(home_prison), agreed_with_recipient_on=None)  # has capacity: needed
    person(home_prison)  # no plan: not counted here
    result = requirement(home_prison, 9)
    assert numbers(result) == ("partly_met", 1, 3)
    assert result.explanation == (
        "1 of 3 approved care plans in force was agreed with the buddy and with the person, or by "
        "a best-interests decision when the person lacked capacity"
    )


def test_psi_9_not_evidenced_without_an_approved_plan_in_force(home_prison):
    CarePlanFactory(recipient=person(home_prison))  # a draft
    result = requirement(home_prison, 9)
    assert numbers(result) == ("not_evidenced", 0, 0)
    assert result.explanation == "No person supported has an approved care plan in force"


# PSI 10: everyone knows the limits


def test_psi_10_met_when_every_plan_in_force_records_the_limits_explained(home_prison):
    approved_plan(person(home_prison))
    assert numbers(requirement(home_prison, 10)) == ("met", 1, 1)


def test_psi_10_partly_met_when_a_plan_does_not_record_them(home_prison):
    approved_plan(person(home_prison))
    approved_plan(person(home_prison))
    approved_plan(person(home_prison), boundaries_explained_on=None)
    result = requirement(home_prison, 10)
    assert numbers(result) == ("partly_met", 2, 3)
    assert result.status_label == "Partly met (67%)"


def test_psi_10_not_evidenced_when_no_plan_records_them(home_prison):
    approved_plan(person(home_prison), boundaries_explained_on=None)
    assert numbers(requirement(home_prison, 10)) == ("not_evidenced", 0, 1)


# PSI 11: no personal relationship


def test_psi_11_met_when_open_assignments_are_confirmed(home_prison):
    buddy = ready_buddy(home_prison)
    AssignmentFactory(buddy=buddy, recipient=person(home_prison))
    AssignmentFactory(buddy=buddy, recipient=person(home_prison))
    AssignmentFactory(  # ended before ON
        buddy=buddy, recipient=person(home_prison), ended_on=dt.date(2026, 3, 1)
    )
    result = requirement(home_prison, 11)
    assert numbers(result) == ("met", 2, 2)
    assert result.explanation == "2 of 2 current buddy assignments confirm no personal relationship"


def test_psi_11_is_never_partly_met_the_database_refuses_an_unconfirmed_assignment(home_prison):
    buddy = ready_buddy(home_prison)
    AssignmentFactory(buddy=buddy, recipient=person(home_prison))
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            buddy=buddy,
            recipient=person(home_prison),
            started_on=EARLIER,
            no_personal_relationship_confirmed=False,
        )
    assert numbers(requirement(home_prison, 11)) == ("met", 1, 1)


def test_psi_11_not_evidenced_without_an_open_assignment(home_prison):
    AssignmentFactory(
        buddy=ready_buddy(home_prison), recipient=person(home_prison), started_on=LATER
    )
    assert numbers(requirement(home_prison, 11)) == ("not_evidenced", 0, 0)


# PSI 12: informal help escalated


def informal_help(recipient, *days):
    for day in days:
        Session.objects.create(
            prison=recipient.prison,
            recipient=recipient,
            date=day,
            period="am",
            minutes=20,
            informal=True,
            helper_prison_number="H1234HH",
        )


def test_psi_12_met_when_people_are_supported_and_nobody_is_due_a_referral(home_prison):
    approved_plan(person(home_prison))
    person(home_prison, referred_to_la_on=EARLIER)
    assert numbers(requirement(home_prison, 12)) == ("met", 2, 2)


def test_psi_12_partly_met_with_people_to_refer(home_prison):
    approved_plan(person(home_prison))
    person(home_prison)  # supported, no plan, not referred: due
    helped = person(home_prison, support_started_on=None)  # regular informal help: due
    informal_help(helped, dt.date(2026, 3, 23), dt.date(2026, 3, 25), dt.date(2026, 3, 27))
    result = requirement(home_prison, 12)
    assert numbers(result) == ("partly_met", 1, 3)
    assert result.explanation == (
        "2 people to refer to the local authority; 1 of 3 people supported or helped regularly "
        "needs no referral"
    )


def test_psi_12_not_evidenced_when_nobody_is_supported(home_prison):
    helped = person(home_prison, support_started_on=None)
    informal_help(helped, dt.date(2026, 3, 23), dt.date(2026, 3, 25), dt.date(2026, 3, 27))
    result = requirement(home_prison, 12)
    assert numbers(result) == ("not_evidenced", 0, 1)
    assert result.explanation.startswith("1 person to refer to the local authority")


# PSI 13: protected from abuse and neglect


def test_psi_13_met_with_briefed_trained_buddies_and_open_concerns_referred(home_prison):
    ready_buddy(home_prison)
    incident(home_prison, "safeguarding_concern", safeguarding_referral_on=EARLIER)
    incident(  # closed before ON: no longer open
        home_prison, "safeguarding_concern", status="closed", closed_on=dt.date(2026, 3, 1)
    )
    result = requirement(home_prison, 13)
    assert numbers(result) == ("met", 1, 1)
    assert result.explanation == (
        "1 of 1 active buddy has had safeguarding explained and mandatory training that counts; "
        "1 of 1 open safeguarding concern has a safeguarding referral"
    )


def test_psi_13_partly_met_when_a_buddy_is_untrained(home_prison):
    ready_buddy(home_prison)
    ready_buddy(home_prison, trained=False)
    ready_buddy(home_prison, safeguarding_briefed_on=None)
    assert numbers(requirement(home_prison, 13)) == ("partly_met", 1, 3)


def test_psi_13_partly_met_when_an_open_concern_has_no_referral(home_prison):
    ready_buddy(home_prison)
    incident(home_prison, "safeguarding_concern", safeguarding_referral_on=EARLIER)
    incident(home_prison, "safeguarding_concern", status="investigating")
    result = requirement(home_prison, 13)
    assert numbers(result) == ("partly_met", 1, 1)
    assert result.explanation.endswith(
        "; 1 of 2 open safeguarding concerns has a safeguarding referral"
    )


def test_psi_13_not_evidenced_without_trained_briefed_buddies(home_prison):
    ready_buddy(home_prison, trained=False)
    assert numbers(requirement(home_prison, 13)) == ("not_evidenced", 0, 1)


# Queries and what inspectors see


def busy_prison(prison, size: int):
    staff_member(prison, "prison")
    for _ in range(size):
        buddy = ready_buddy(prison, given_name="Zebedee")
        someone = person(prison, given_name="Quentin", formal_care="none")
        approved_plan(someone)
        AssignmentFactory(buddy=buddy, recipient=someone)
        session(prison, someone, dt.date(2026, 3, 2), "laundry", buddy=buddy)
        incident(prison, "safeguarding_concern", safeguarding_referral_on=EARLIER)


@pytest.mark.parametrize("size", [1, 10])
def test_compliance_uses_a_fixed_number_of_queries(
    home_prison, size, django_assert_max_num_queries
):
    busy_prison(home_prison, size)
    daily.refresh()  # the daily summary up to date, as it is once any report has read it
    with django_assert_max_num_queries(17):  # measured: 17 for 1 buddy or 30
        results = psi_compliance(home_prison, ON)
    assert {r.status for r in results} == {"met"}


def test_the_compliance_table_shows_no_name_or_prison_number(home_prison):
    busy_prison(home_prison, 2)
    ready_buddy(home_prison, benefits_explained_on=None, prison_number="Z9876ZZ")
    html = render_to_string(
        "governance/_compliance.html",
        {"results": psi_compliance(home_prison, ON), "can_see_records": True},
    )
    assert "Zebedee" not in html
    assert "Quentin" not in html
    assert "Z9876ZZ" not in html
    assert "Partly met (67%)" in html
    assert '<strong class="govuk-tag govuk-tag--green">Met</strong>' in html
    assert 'href="/prisons/HMX/buddies/?status=active&amp;fit_to_work=no">See the records' in html


def test_the_compliance_table_links_to_records_only_for_those_who_may_see_them(home_prison):
    html = render_to_string(
        "governance/_compliance.html", {"results": psi_compliance(home_prison, ON)}
    )
    assert "See the records" not in html
    assert "Not evidenced" in html
