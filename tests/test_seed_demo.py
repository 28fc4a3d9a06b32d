import datetime as dt

from django.core.management import call_command

from accounts.models import User
from governance.models import LocalAuthority, Prison


def test_seed_demo_makes_three_different_prisons_and_a_user_per_role(db, capsys):
    call_command("seed_demo")
    prisons = Prison.objects.select_related("scheme").order_by("code")
    assert [(p.code, p.category, p.scheme.leadership) for p in prisons] == [
        ("EMR", "B", "prison"),
        ("NGT", "C", "local_authority_and_prison"),
        ("WFL", "female_closed", "prison_and_external"),
    ]
    assert sorted(User.objects.values_list("role", flat=True)) == sorted(
        [
            "social_care_lead",
            "prison_staff",
            "la_reviewer",
            "inspector",
            "national_analyst",
            "admin",
        ]
    )
    assert User.objects.get(username="demo_la").local_authority.prisons.count() == 2
    assert "demo_lead" in capsys.readouterr().out


def test_seed_demo_twice_changes_nothing(db):
    call_command("seed_demo")
    counts = (Prison.objects.count(), User.objects.count(), LocalAuthority.objects.count())
    call_command("seed_demo")
    assert (
        (Prison.objects.count(), User.objects.count(), LocalAuthority.objects.count())
        == counts
        == (3, 6, 2)
    )


def test_seed_demo_if_empty_leaves_an_existing_database_alone(home_prison, capsys):
    call_command("seed_demo", "--if-empty")
    assert list(Prison.objects.values_list("code", flat=True)) == ["HMX"]
    assert "already holds data" in capsys.readouterr().out


def test_seed_demo_has_buddies_at_every_step_and_some_working_but_not_fit(db):
    from buddies.models import Buddy
    from buddies.rules import fit_to_work_q

    call_command("seed_demo")
    northgate = Buddy.objects.filter(prison__code="NGT")
    assert set(northgate.values_list("status", flat=True)) == {
        "applicant",
        "vetting",
        "interview",
        "offered",
        "rejected",
        "active",
        "suspended",
        "left",
    }
    assert northgate.filter(status="active").count() == 8
    assert northgate.filter(status="active").exclude(fit_to_work_q()).count() == 3
    assert Buddy.objects.count() == 17 + 14 + 13
    for code in ["EMR", "WFL"]:  # every prison is recruiting, and has turned someone down
        assert {"offered", "rejected"} <= set(
            Buddy.objects.filter(prison__code=code).values_list("status", flat=True)
        )
    for buddy in Buddy.objects.all():
        buddy.full_clean()  # demo records obey the same rules as entered ones


def test_seed_demo_has_people_in_every_plan_state_and_each_kind_of_case(db):
    from recipients.models import CarePlan, Recipient

    call_command("seed_demo")
    assert set(CarePlan.objects.values_list("state", flat=True)) == {
        "draft",
        "submitted",
        "approved",
        "returned",
        "superseded",
    }
    assert Recipient.objects.filter(mental_capacity="lacks_capacity").exists()
    assert (
        CarePlan.objects.filter(capacity_at_agreement="lacks_capacity", state="approved")
        .exclude(best_interests_decision_by="")
        .exists()
    )
    assert sorted(Recipient.objects.escalation_due().values_list("prison__code", flat=True)) == [
        "EMR",
        "NGT",
        "WFL",
    ]
    assert set(Recipient.objects.review_overdue().values_list("prison__code", flat=True)) == {
        "EMR",
        "NGT",
        "WFL",
    }
    assert Recipient.objects.filter(end_reason="transferred").count() == 1
    assert Recipient.objects.count() == 9 + 7 + 6


def test_seed_demo_has_twelve_weeks_of_sessions_with_missed_informal_and_unpaid(db):
    from django.utils import timezone

    from buddies.models import Session

    call_command("seed_demo")
    today = timezone.localdate()
    assert Session.objects.filter(date__lt=today - dt.timedelta(weeks=12)).count() == 0
    assert Session.objects.filter(date__lte=today - dt.timedelta(weeks=11)).exists()
    assert set(Session.objects.values_list("outcome", flat=True)) == {
        "yes",
        "missed_regime_lockdown",
        "missed_buddy_unavailable",
        "missed_recipient_declined",
    }
    assert Session.objects.filter(informal=True).count() == 3 * 6  # two fortnights a prison
    assert Session.objects.filter(outcome="yes", paid=False, informal=False).exists()  # Sunday work
    assert not Session.objects.filter(date__gt=today).exists()


def test_seed_demo_has_training_gaps_overdue_supervision_and_incidents(db):
    from django.utils import timezone

    from buddies.models import Buddy
    from buddies.rules import untrained_buddy_ids
    from governance.models import Incident, Supervision

    call_command("seed_demo")
    active = Buddy.objects.filter(status="active")
    untrained = untrained_buddy_ids(active)
    assert Buddy.objects.filter(pk__in=untrained, prison__code="NGT").count() == 3  # the gaps
    assert not Buddy.objects.filter(pk__in=untrained, prison__code="WFL").exists()
    assert (
        Buddy.objects.filter(pk__in=untrained, prison__code="EMR").count()
        == active.filter(prison__code="EMR").count()
    )
    assert Supervision.objects.filter(prison__code="EMR", kind="ad_hoc").count() == 3
    assert not Supervision.objects.filter(  # EMR's one-to-one is with its suspended buddy only
        prison__code="EMR", kind__in=["group", "one_to_one"], buddies__status="active"
    ).exists()
    latest = Supervision.objects.filter(prison__code="NGT").latest("date").date
    assert (timezone.localdate() - latest).days == 15
    categories = set(Incident.objects.values_list("category_id", flat=True))
    assert {"boundary_crossed", "safeguarding_concern", "buddy_burden", "fall"} <= categories


def test_the_demo_prisons_sit_at_three_different_governance_models(db):
    from django.utils import timezone

    from governance.classification import governance_model

    call_command("seed_demo")
    models = {p.code: governance_model(p, timezone.localdate()).model for p in Prison.objects.all()}
    assert models == {"EMR": 5, "NGT": 4, "WFL": 2}


def test_seed_demo_has_this_and_last_financial_years_costs_per_prison_one_incomplete(db):
    from django.utils import timezone

    from costs.models import CostYear
    from costs.services import cost_report
    from monitoring.indicators import financial_year_of

    call_command("seed_demo")
    this_year = financial_year_of(timezone.localdate())
    last_year = financial_year_of(dt.date(int(this_year[:4]), 3, 31))
    reports = {
        (c.financial_year, c.prison.code): cost_report(c)
        for c in CostYear.objects.select_related("prison")
    }
    assert sorted(reports) == [
        (year, code) for year in sorted([last_year, this_year]) for code in ["EMR", "NGT", "WFL"]
    ]
    for year in [last_year, this_year]:
        incomplete = [
            code for (y, code), r in sorted(reports.items()) if y == year and r.incomplete
        ]
        assert incomplete == ["EMR"]
        emr = reports[(year, "EMR")]
        assert emr.components["non_labour"] > 0 and emr.by_payer  # incomplete, yet costs some


def test_seed_demo_twice_creates_nothing_the_second_time(db, capsys):
    from buddies.models import Buddy, PayRate, Session
    from costs.models import CostYear, UnitCost
    from governance.models import Incident, StaffMember, StaffTime, Supervision, TrainingRecord
    from recipients.models import Assignment, CarePlan, Recipient

    models = [Buddy, PayRate, Session, Recipient, CarePlan, Assignment, StaffMember, StaffTime]
    models += [Supervision, TrainingRecord, Incident, CostYear, UnitCost]
    call_command("seed_demo")
    counts = [model.objects.count() for model in models]
    capsys.readouterr()
    call_command("seed_demo")
    assert "Demo data already loaded." in capsys.readouterr().out
    assert [model.objects.count() for model in models] == counts


def trivial(value) -> bool:
    """Whether an indicator's value shows nothing: None, zero (0, 0.0, £0.00), or a breakdown
    that is empty or holds nothing but trivial values."""
    if isinstance(value, dict):
        return all(trivial(item) for item in value.values())
    return value is None or value == 0


def trivial_indicators(results) -> dict:
    """The indicators among compute_all's results whose value shows nothing: {key: value}."""
    return {key: i.value for key, i in results.items() if trivial(i.value)}


# Governance model 5 means no active buddy has any training on record (the taxonomy's "no training
# or supervision"): at Eastmoor no active buddy can be trained, nor so fit to work, on any date.
MODEL_5_ZEROS = {"EMR": ["buddies_fit_to_work", "buddies_trained_pct"]}


def test_trivial_finds_values_that_show_nothing():
    from decimal import Decimal

    assert all(trivial(v) for v in [None, 0, Decimal("0.0"), Decimal("0.00"), {}, {"a": 0}])
    assert not any(trivial(v) for v in [1, Decimal("0.1"), {"a": 0, "b": 2}, {"x": None, "y": 3}])


def test_every_indicator_shows_something_at_every_demo_prison(db):
    """The lead's dashboard shows a figure for every indicator, over the last 12 months and last
    month, at each demo prison, and each prison keeps its own governance model."""
    from django.utils import timezone

    from governance.classification import governance_model
    from monitoring.indicators import INDICATORS, compute_all
    from monitoring.views import periods

    call_command("seed_demo")
    today = timezone.localdate()
    chosen = {label: (start, end) for label, start, end in periods(today)}
    assert chosen["Last 12 months"] == (today - dt.timedelta(days=364), today)
    for prison in Prison.objects.order_by("code"):
        allowed = MODEL_5_ZEROS.get(prison.code, [])
        for label in ["Last 12 months", "Last month"]:
            start, end = chosen[label]
            results = compute_all([prison], start, end)
            assert list(results) == list(INDICATORS)
            empty = trivial_indicators(results)
            unexpected = {key: value for key, value in empty.items() if key not in allowed}
            where = f"{prison.code}, {label.lower()} ({start} to {end})"
            assert not unexpected, f"{where}: these indicators show nothing: " + "; ".join(
                f"{key} = {value!r}" for key, value in unexpected.items()
            )
            assert sorted(empty) == allowed, (
                f"{where}: expected {allowed} to be 0, see MODEL_5_ZEROS"
            )
            for key in allowed:
                assert results[key].base > 0  # none of several active buddies, not a share of none
    models = {p.code: governance_model(p, today).model for p in Prison.objects.all()}
    assert models == {"EMR": 5, "NGT": 4, "WFL": 2}
