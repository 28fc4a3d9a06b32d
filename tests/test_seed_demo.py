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
    assert Buddy.objects.count() == 15 + 10 + 8
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
    assert list(Recipient.objects.escalation_due().values_list("prison__code", flat=True)) == [
        "NGT"
    ]
    assert Recipient.objects.filter(end_reason="transferred").count() == 1
    assert Recipient.objects.count() == 9 + 5 + 4


def test_seed_demo_has_twelve_weeks_of_sessions_with_missed_informal_and_unpaid(db):
    import datetime as dt

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
    assert Session.objects.filter(informal=True).count() == 3
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
    assert Supervision.objects.filter(prison__code="EMR", kind="ad_hoc").count() == 1
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


def test_seed_demo_has_a_year_of_costs_per_prison_one_incomplete(db):
    from costs.models import CostYear
    from costs.services import cost_report

    call_command("seed_demo")
    reports = {c.prison.code: cost_report(c) for c in CostYear.objects.select_related("prison")}
    assert sorted(reports) == ["EMR", "NGT", "WFL"]
    assert [code for code, report in sorted(reports.items()) if report.incomplete] == ["EMR"]
