"""PSI compliance, the governance model and the cost report for many prisons at once: the same
results as one prison at a time, each prison under its own settings, in a number of queries that
does not grow with the number of prisons."""

import datetime as dt
from decimal import Decimal as D

import pytest

from buddies.models import PayRate, Session
from costs.models import CostYear, UnitCost
from costs.services import cost_report, cost_reports_for
from governance.classification import governance_model, governance_models_for
from governance.compliance import gather_facts, gather_facts_for, psi_compliance, psi_compliance_for
from governance.models import Scheme, StaffMember, StaffTime
from monitoring import daily
from tests.factories import BuddyFactory, PrisonFactory, RecipientFactory, train
from tests.test_compliance import (
    ON,
    busy_prison,
    informal_help,
    person,
    ready_buddy,
    session,
    staff_member,
)
from tests.test_cost_template import WORKED_EXAMPLE

TWENTY_ONE_DAYS_AGO = ON - dt.timedelta(days=21)  # within the default 31 days, not within 14


@pytest.fixture
def prisons(home_prison):
    """Four prisons, each with something the others do not have:
    - HMX: the default scheme (31-day supervision limit, the five default mandatory modules, led
      by prison staff); 3 active buddies, all trained and supervised; 3 sessions in the last 12
      months, one recording a task that is never allowed.
    - TWO: a 14-day supervision limit, one mandatory module (safeguarding) with a 60-day renewal
      window, led by the local authority; 2 active buddies: one supervised 11 days ago, one 21
      days ago whose safeguarding module expired 44 days ago; one person supported without a plan.
    - NOS: no scheme (so the default 31-day limit and no mandatory module); 1 active buddy,
      trained and supervised 11 days ago; one person helped informally on 3 days in a fortnight.
    - EMP: a scheme and nothing recorded.
    """
    busy_prison(home_prison, 2)
    extra = ready_buddy(home_prison, supervised_on=TWENTY_ONE_DAYS_AGO)
    session(
        home_prison,
        person(home_prison, formal_care="none"),
        dt.date(2026, 3, 5),
        "feeding",
        buddy=extra,
    )

    two = PrisonFactory(code="TWO")
    Scheme.objects.filter(prison=two).update(
        supervision_limit_days=14, training_renewal_window_days=60, leadership="local_authority"
    )
    two.scheme.mandatory_modules.set(["safeguarding"])
    busy_prison(two, 1)
    lapsed = ready_buddy(two, trained=False, supervised_on=TWENTY_ONE_DAYS_AGO)
    train(lapsed, modules=["safeguarding"], expires_on=dt.date(2026, 2, 15))
    person(two, formal_care="none")

    no_scheme = PrisonFactory(code="NOS", scheme=None)
    ready_buddy(no_scheme)
    staff_member(no_scheme, "prison")
    helped = person(no_scheme, support_started_on=None)
    informal_help(helped, dt.date(2026, 3, 23), dt.date(2026, 3, 25), dt.date(2026, 3, 27))

    empty = PrisonFactory(code="EMP")
    return [home_prison, two, no_scheme, empty]


def test_batched_facts_follow_each_prisons_own_settings(prisons):
    home, two, no_scheme, empty = prisons
    facts = gather_facts_for(prisons, ON)
    assert list(facts) == [home.pk, two.pk, no_scheme.pk, empty.pk]

    def measures(prison):
        f = facts[prison.pk]
        return (
            f.has_scheme,
            f.leadership,
            f.supervision_limit_days,
            f.mandatory_modules,
            f.active,
            f.trained,
            f.supervised,
            f.vetted_trained_supervised,
        )

    assert measures(home) == (True, "Prison staff", 31, 5, 3, 3, 3, 3)
    # The lapsed buddy's module still counts in TWO's 60-day window (it would not in 30 days);
    # supervision 21 days ago is outside TWO's 14 days.
    assert measures(two) == (True, "Local authority", 14, 1, 2, 2, 1, 1)
    # Without a scheme nobody's training can be shown.
    assert measures(no_scheme) == (False, "", 31, 0, 1, 0, 1, 0)
    assert measures(empty) == (True, "Prison staff", 31, 5, 0, 0, 0, 0)

    def other_counts(prison):
        f = facts[prison.pk]
        return (
            f.supported,
            f.plans_in_force,
            f.escalation_due,
            f.escalation_due_supported,
            f.open_assignments,
            f.sessions,
            f.sessions_with_forbidden_task,
            f.open_concerns,
            f.staff,
        )

    assert other_counts(home) == (3, 2, 1, 1, 2, 3, 1, 2, 1)
    assert other_counts(two) == (2, 1, 1, 1, 1, 1, 0, 1, 1)
    assert other_counts(no_scheme) == (0, 0, 1, 0, 0, 3, 0, 0, 1)
    assert other_counts(empty) == (0,) * 9


def test_batched_facts_and_compliance_equal_one_prison_at_a_time(prisons):
    facts = gather_facts_for(prisons, ON)
    results = psi_compliance_for(prisons, ON)
    for prison in prisons:
        assert facts[prison.pk] == gather_facts(prison, ON)
        assert results[prison.pk] == psi_compliance(prison, ON)


def test_batched_compliance_statuses_by_prison(prisons):
    results = psi_compliance_for(prisons, ON)
    statuses = {
        prison.code: "".join(result.status[0] for result in results[prison.pk])
        for prison in prisons
    }
    # m: met, p: partly met, n: not evidenced; requirements 1 to 13 in order.
    assert statuses == {
        # 2: formal care for all 3, but a forbidden task; 3, 6: 2 of 3 have a plan; 8: 2 of 3
        # sessions; 12: 1 of 3 due a referral.
        "HMX": "mppmmpmpmmmpm",
        # 3, 6: 1 of 2 with a plan; 4: 1 of 2 supervised in 14 days; 12: 1 of 2 due.
        "TWO": "mmppmpmmmmmpm",
        # 2, 3, 12: nobody supported; 4, 13: no mandatory module; 7: no scheme; 8: 3 sessions of
        # informal help with no forbidden task; 9 to 11: no plans or assignments.
        "NOS": "mnnnmmnmnnnnn",
        "EMP": "nnnnnnnnnnnnn",
    }


def test_batched_governance_models_equal_one_prison_at_a_time(prisons):
    models = governance_models_for(prisons, ON)
    for prison in prisons:
        assert models[prison.pk] == governance_model(prison, ON)
    # HMX: some steps (no interviews), formal training and supervision, no staff training.
    # TWO: one buddy outside its 14-day supervision limit makes training "some".
    # NOS: no mandatory module, so training is "some" at best. EMP: nothing recorded.
    assert {prison.code: models[prison.pk].model for prison in prisons} == {
        "HMX": 3,
        "TWO": 4,
        "NOS": 4,
        "EMP": 6,
    }
    assert models[prisons[1].pk].measures["supervised"] == 1
    assert models[prisons[1].pk].measures["supervision_limit_days"] == 14


def test_no_prisons_need_no_queries(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert gather_facts_for([], ON) == {}
        assert psi_compliance_for([], ON) == {}
        assert governance_models_for([], ON) == {}


def many_prisons(n: int) -> list:
    """n busy prisons, every other one with a 14-day supervision limit."""
    prisons = []
    for i in range(n):
        prison = PrisonFactory(code=f"QU{chr(65 + i)}")
        if i % 2:
            Scheme.objects.filter(prison=prison).update(supervision_limit_days=14)
        busy_prison(prison, 2)
        prisons.append(prison)
    return prisons


@pytest.mark.parametrize("n", [2, 5])
def test_batched_compliance_takes_the_same_queries_for_2_or_5_prisons(
    db, n, django_assert_num_queries
):
    prisons = many_prisons(n)
    daily.refresh()  # the daily summary up to date, as it is once any report has read it
    # 17 queries, as for one prison: the schemes (1); active buddies, their training records,
    # and the schemes with their mandatory modules for training (4); then one query each, grouped
    # by prison where it counts, for buddies, staff, people supported, plans in force, regular
    # informal help, people due a referral, open assignments, the forbidden task codes, the
    # daily summary's stale days (none), sessions from the summary, sessions with a forbidden
    # task and incidents (12).
    with django_assert_num_queries(17):
        results = psi_compliance_for(prisons, ON)
    assert len(results) == n
    assert {r.status for rows in results.values() for r in rows} == {"met"}


@pytest.mark.parametrize("n", [2, 5])
def test_batched_governance_models_take_the_same_queries_for_2_or_5_prisons(
    db, n, django_assert_num_queries
):
    prisons = many_prisons(n)
    # 8 queries, as for one prison: the schemes (1); employment steps grouped by prison (1);
    # active buddies, their training records, and the schemes with their mandatory modules for
    # training (4); buddy support grouped by prison (1); staff training grouped by prison (1).
    with django_assert_num_queries(8):
        models = governance_models_for(prisons, ON)
    assert {classification.model for classification in models.values()} == {3}


# Cost reports


def cost_year(prison, year: str) -> CostYear:
    """The worked example of DOMAIN.md as the prison's template for the year: buddy pay 7,488,
    an equalities officer (band 6) for 104 hours, a wing officer with no band (not costed),
    training 1,200 paid by the local authority, a charity's cost not recorded."""
    template = {**WORKED_EXAMPLE, "prison_code": prison.code, "financial_year": year}
    return CostYear.objects.create(prison=prison, financial_year=year, template=template)


def paid_sessions(prison, buddy, *days, paid=True):
    person = RecipientFactory(prison=prison)
    for day in days:
        Session.objects.create(
            prison=prison,
            buddy=buddy,
            recipient=person,
            date=day,
            period="am",
            minutes=30,
            paid=paid,
        )


def rate(buddy, since: dt.date, scheme: str, amount: str):
    PayRate.objects.create(
        buddy=buddy, effective_from=since, pay_scheme=scheme, rate_per_session=D(amount)
    )


def logged_hours(prison, ref: str, weeks: dict):
    officer = StaffMember.objects.create(
        prison=prison, staff_ref=ref, name="Jo", role="Officer", organisation="prison", band=6
    )
    for week_starting, hours in weeks.items():
        StaffTime.objects.create(
            staff=officer, week_starting=week_starting, activity="running", hours=D(hours)
        )


@pytest.fixture
def cost_years(home_prison, other_prison):
    """Four cost years of three prisons, band 6 at 58.70 an hour in 2025-26 and 50.00 in 2024-25:
    - HMX 2025-26 and 2024-25: paid sessions and staff time logged in both years;
    - OTX 2025-26: one session, not paid; no staff time logged;
    - THR 2024-25: nothing recorded but the template.
    """
    UnitCost.objects.create(financial_year="2025-26", band=6, hourly_cost="58.70")
    UnitCost.objects.create(financial_year="2024-25", band=6, hourly_cost="50.00")
    buddy = BuddyFactory(prison=home_prison)
    rate(buddy, dt.date(2025, 1, 1), "standard", "1.00")
    rate(buddy, dt.date(2025, 4, 1), "standard", "1.20")
    rate(buddy, dt.date(2025, 10, 1), "enhanced", "2.40")
    paid_sessions(
        home_prison,
        buddy,
        dt.date(2024, 12, 31),  # 2024-25, before any rate: not priced
        dt.date(2025, 3, 31),  # 2024-25, at 1.00
        dt.date(2025, 4, 1),  # 2025-26 from here: 2 at 1.20 (standard), 2 at 2.40 (enhanced)
        dt.date(2025, 9, 30),
        dt.date(2025, 10, 1),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 1),  # 2026-27: not costed
    )
    paid_sessions(home_prison, buddy, dt.date(2025, 10, 2), paid=False)
    logged_hours(
        home_prison,
        "EQ-1",
        {dt.date(2025, 3, 3): 5, dt.date(2025, 4, 7): 10, dt.date(2025, 6, 2): 10},
    )
    paid_sessions(other_prison, BuddyFactory(prison=other_prison), dt.date(2025, 5, 5), paid=False)
    third = PrisonFactory(code="THR")
    return [
        cost_year(home_prison, "2025-26"),
        cost_year(home_prison, "2024-25"),
        cost_year(other_prison, "2025-26"),
        cost_year(third, "2024-25"),
    ]


def test_batched_cost_reports_take_each_years_own_records_and_unit_costs(cost_years):
    reports = cost_reports_for(cost_years)
    assert list(reports) == [cost_year.pk for cost_year in cost_years]

    def figures(cost_year):
        result = reports[cost_year.pk]
        return (
            result.source_of_buddy_pay,
            result.source_of_staff_time,
            # Decimals compare by value: the places a sum carries differ between databases.
            result.components["buddy_pay"],
            result.components["staff_labour"],
            result.total,
        )

    home_now, home_before, other, third = cost_years
    # Pay 2 x 1.20 + 2 x 2.40 = 7.20; staff 20 h x 58.70 = 1,174.00; with training 1,200.
    assert figures(home_now) == (
        "sessions",
        "staff_time_logs",
        D("7.20"),
        D("1174.00"),
        D("2381.20"),
    )
    # Pay 1 x 1.00; staff 5 h x 50.00 = 250.00; with training 1,200.
    assert figures(home_before) == (
        "sessions",
        "staff_time_logs",
        D("1.00"),
        D("250.00"),
        D("1451.00"),
    )
    # Sessions logged but none paid: pay 0; the template's 104 h x 58.70 = 6,104.80.
    assert figures(other) == ("sessions", "template", D("0"), D("6104.80"), D("7304.80"))
    # The template alone: pay 7,488; 104 h x 50.00 = 5,200.00; with training 1,200.
    assert figures(third) == ("template", "template", D("7488.00"), D("5200.00"), D("13888.00"))
    assert reports[home_now.pk].by_payer == {
        "prison": D("1181.20"),
        "local_authority": D("1200.00"),
    }


def test_batched_cost_reports_equal_one_year_at_a_time(cost_years):
    reports = cost_reports_for(cost_years)
    for cost_year in cost_years:
        assert reports[cost_year.pk] == cost_report(cost_year)


def test_no_cost_years_need_no_queries(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert cost_reports_for([]) == {}


@pytest.mark.parametrize("n", [2, 5])
def test_batched_cost_reports_take_the_same_queries_for_2_or_5_prisons(
    db, n, django_assert_num_queries
):
    UnitCost.objects.create(financial_year="2025-26", band=6, hourly_cost="58.70")
    years = []
    for i in range(n):
        prison = PrisonFactory(code=f"CO{chr(65 + i)}")
        buddy = BuddyFactory(prison=prison)
        rate(buddy, dt.date(2025, 4, 1), "standard", "1.50")
        paid_sessions(prison, buddy, dt.date(2025, 5, 5), dt.date(2025, 5, 6))
        logged_hours(prison, f"S-{i}", {dt.date(2025, 5, 5): 2})
        years.append(cost_year(prison, "2025-26"))
    # 4 queries, as for one year: staff time logged, unit costs, which years have sessions, and
    # the paid sessions of those years counted by prison, year and the rate in force.
    with django_assert_num_queries(4):
        reports = cost_reports_for(years)
    # Pay 2 x 1.50 = 3.00; staff 2 h x 58.70 = 117.40; training 1,200.
    assert {report.total for report in reports.values()} == {D("1320.40")}
