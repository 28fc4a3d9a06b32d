"""The governance model (1 to 6) of a scheme from its records: one scheme built for each model,
the boundaries between them, and the reasons given, with numbers counted by hand."""

import datetime as dt
import itertools

import pytest
from django.template.loader import render_to_string

from governance.classification import governance_model
from governance.models import StaffMember, Supervision, TrainingRecord
from tests.factories import BuddyFactory, train

ON = dt.date(2026, 3, 31)
STARTED = dt.date(2026, 2, 2)
AFTER_START = dt.date(2026, 2, 9)
STEPS = {
    "applied_on": dt.date(2026, 1, 5),
    "vetted_on": dt.date(2026, 1, 12),
    "vetting_outcome": "approved",
    "interviewed_on": dt.date(2026, 1, 19),
    "compact_signed_on": dt.date(2026, 1, 26),
}
NO_STEPS = {
    "applied_on": None,
    "vetted_on": None,
    "vetting_outcome": "",
    "interviewed_on": None,
    "compact_signed_on": None,
}
_refs = itertools.count(1)


def started_buddy(prison, *, without=(), **fields):
    """An active buddy who started on STARTED with all four employment steps before it, except
    the steps named in `without` (applied_on, vetted_on, interviewed_on, compact_signed_on)."""
    steps = dict(STEPS)
    for step in without:
        steps.update({step: None, **({"vetting_outcome": ""} if step == "vetted_on" else {})})
    return BuddyFactory(
        prison=prison, **{"status": "active", "started_on": STARTED, **steps, **fields}
    )


def supervise(prison, buddies, day=dt.date(2026, 3, 20), kind="group"):
    supervision = Supervision.objects.create(
        prison=prison,
        reference=f"SUP-{next(_refs)}",
        date=day,
        kind=kind,
        supervisor_name="Wing officer",
    )
    supervision.buddies.set(buddies)


def train_and_supervise(prison, buddies):
    """Formal buddy training and support: every mandatory module, and supervised 11 days ago."""
    for buddy in buddies:
        train(buddy)
    supervise(prison, buddies)


def staff_trained(prison, module="staff_peer_scheme"):
    member = StaffMember.objects.create(
        prison=prison,
        staff_ref=f"S-{next(_refs)}",
        name="Alex Officer",
        role="Safer custody officer",
        organisation="prison",
    )
    TrainingRecord.objects.create(
        prison=prison, staff=member, module_id=module, provider="prison", completed_on=STARTED
    )
    return member


def levels(result) -> tuple[int, str, str, str]:
    m = result.measures
    return result.model, m["employment"], m["buddy_training"], m["staff_training"]


# One scheme for each model


def test_model_1_all_four_steps_before_start_formal_training_and_staff_trained(home_prison):
    buddies = [started_buddy(home_prison), started_buddy(home_prison)]
    train_and_supervise(home_prison, buddies)
    staff_trained(home_prison)
    result = governance_model(home_prison, ON)
    assert levels(result) == (1, "formalised", "formal", "formal")
    assert result.reasons == [
        "Employment processes (all four steps, formalised): 2 of 2 buddies who started work have "
        "all four employment steps recorded (application 2, security vetting 2, interview 2, "
        "compact 2); 2 of 2 had all four before starting work (formalised needs at least 90%)",
        "Buddy training and support (formal): 2 of 2 active buddies hold every mandatory module, "
        "2 of 2 supervised in the 31 days up to 31 March 2026, 2 of 2 with any training, or group or "
        "one-to-one supervision, on record",
        "Staff training (formal): 1 member of staff trained on the peer support scheme, 1 with any "
        "training on record",
        "These match the row for model 1 in the governance taxonomy",
    ]
    assert result.meaning.startswith("Fully formal")


def test_model_2_all_four_steps_and_formal_training_without_staff_training(home_prison):
    buddies = [started_buddy(home_prison), started_buddy(home_prison)]
    train_and_supervise(home_prison, buddies)
    result = governance_model(home_prison, ON)
    assert levels(result) == (2, "formalised", "formal", "none")
    assert result.reasons[2] == (
        "Staff training (none): 0 members of staff trained on the peer support scheme, 0 with any "
        "training on record"
    )
    assert result.reasons[3] == "These match the row for model 2 in the governance taxonomy"


def test_model_2_when_staff_have_other_training_only(home_prison):
    buddies = [started_buddy(home_prison)]
    train_and_supervise(home_prison, buddies)
    staff_trained(home_prison, module="staff_social_care_awareness")
    assert levels(governance_model(home_prison, ON)) == (2, "formalised", "formal", "some")


def test_model_3_some_employment_steps_with_formal_training(home_prison):
    buddies = [started_buddy(home_prison), started_buddy(home_prison, without=["interviewed_on"])]
    train_and_supervise(home_prison, buddies)
    result = governance_model(home_prison, ON)
    assert levels(result) == (3, "some", "formal", "none")
    assert result.reasons[0] == (
        "Employment processes (some steps): 1 of 2 buddies who started work has all four "
        "employment steps recorded (application 2, security vetting 2, interview 1, compact 2)"
    )
    assert result.reasons[3] == "These match the row for model 3 in the governance taxonomy"


def test_model_4_some_steps_and_not_every_buddy_trained(home_prison):
    trained = started_buddy(home_prison, without=["compact_signed_on"])
    untrained = started_buddy(home_prison, without=["interviewed_on"])
    train(trained)
    supervise(home_prison, [trained, untrained])
    staff_trained(home_prison, module="staff_social_care_awareness")
    result = governance_model(home_prison, ON)
    assert levels(result) == (4, "some", "some", "some")
    assert result.reasons[1] == (
        "Buddy training and support (some): 1 of 2 active buddies holds every mandatory module, "
        "2 of 2 supervised in the 31 days up to 31 March 2026, 2 of 2 with any training, or group or "
        "one-to-one supervision, on record"
    )
    assert result.reasons[3] == "These match the row for model 4 in the governance taxonomy"


def test_model_4_targeted_sessions_only(home_prison):
    buddy = started_buddy(home_prison, without=["interviewed_on"])
    train(buddy, modules=["wheelchair", "dementia_awareness"])
    assert levels(governance_model(home_prison, ON)) == (4, "some", "some", "none")


def test_ad_hoc_check_ins_alone_are_still_model_5(home_prison):
    buddies = [started_buddy(home_prison, without=["interviewed_on"]) for _ in range(2)]
    supervise(home_prison, buddies, kind="ad_hoc")
    assert levels(governance_model(home_prison, ON)) == (5, "some", "none", "none")
    supervise(home_prison, buddies[:1], kind="one_to_one")
    assert levels(governance_model(home_prison, ON))[:3] == (4, "some", "some")


def test_model_5_some_steps_and_no_training_or_supervision(home_prison):
    started_buddy(home_prison, without=["interviewed_on", "compact_signed_on"])
    started_buddy(home_prison, without=["applied_on", "vetted_on", "interviewed_on"])
    result = governance_model(home_prison, ON)
    assert levels(result) == (5, "some", "none", "none")
    assert result.reasons[0] == (
        "Employment processes (some steps): 0 of 2 buddies who started work have all four "
        "employment steps recorded (application 1, security vetting 1, interview 0, compact 1)"
    )
    assert result.reasons[1] == (
        "Buddy training and support (none): 0 of 2 active buddies hold every mandatory module, "
        "0 of 2 supervised in the 31 days up to 31 March 2026, 0 of 2 with any training, or group or "
        "one-to-one supervision, on record"
    )
    assert result.reasons[3] == "These match the row for model 5 in the governance taxonomy"


def test_model_6_no_employment_process_and_limited_training(home_prison):
    buddy = started_buddy(home_prison, **NO_STEPS)
    train(buddy, modules=["wheelchair"])
    result = governance_model(home_prison, ON)
    assert levels(result) == (6, "none", "some", "none")
    assert result.reasons[0] == (
        "Employment processes (none): 0 of 1 buddy who started work have all four employment "
        "steps recorded (application 0, security vetting 0, interview 0, compact 0)"
    )
    assert result.reasons[3] == "These match the row for model 6 in the governance taxonomy"


def test_model_6_for_a_scheme_with_no_buddies(home_prison):
    result = governance_model(home_prison, ON)
    assert levels(result) == (6, "none", "none", "none")
    assert result.reasons[:2] == [
        "Employment processes (none): no buddy has started work",
        "Buddy training and support (none): no buddy is active",
    ]


# Boundaries between models


def test_one_buddy_missing_one_step_moves_model_2_to_3(home_prison):
    buddies = [started_buddy(home_prison) for _ in range(3)]
    train_and_supervise(home_prison, buddies)
    assert governance_model(home_prison, ON).model == 2
    buddies[2].vetted_on, buddies[2].vetting_outcome = None, ""
    buddies[2].save()
    assert levels(governance_model(home_prison, ON)) == (3, "some", "formal", "none")


def test_one_buddy_missing_one_step_moves_model_1_to_3_and_says_it_fits_no_row(home_prison):
    buddies = [started_buddy(home_prison), started_buddy(home_prison, without=["applied_on"])]
    train_and_supervise(home_prison, buddies)
    staff_trained(home_prison)
    result = governance_model(home_prison, ON)
    assert levels(result) == (3, "some", "formal", "formal")
    assert result.reasons[3] == (
        "These match no single row of the governance taxonomy: model 3 is the lowest-numbered "
        "model whose every column the scheme meets or exceeds"
    )


def test_one_buddy_supervised_too_long_ago_moves_model_2_to_4(home_prison):
    on_time, late = started_buddy(home_prison), started_buddy(home_prison)
    train(on_time)
    train(late)
    supervise(home_prison, [on_time], ON - dt.timedelta(days=31))  # the last day of the limit
    supervise(home_prison, [late], ON - dt.timedelta(days=32))
    result = governance_model(home_prison, ON)
    # All four steps but only some training or support: row 4 reads "some" steps; 4 is the
    # lowest model whose every column the scheme meets.
    assert levels(result) == (4, "formalised", "some", "none")
    assert result.measures["supervised"] == 1
    assert result.reasons[3].startswith("These match no single row")


def test_one_untrained_buddy_moves_model_3_to_4(home_prison):
    buddies = [started_buddy(home_prison), started_buddy(home_prison, without=["interviewed_on"])]
    train_and_supervise(home_prison, buddies)
    assert governance_model(home_prison, ON).model == 3
    started_buddy(home_prison)  # a new starter, not yet trained or supervised
    assert levels(governance_model(home_prison, ON)) == (4, "some", "some", "none")


def test_the_only_step_removed_moves_model_5_to_6(home_prison):
    buddy = started_buddy(home_prison, **{**NO_STEPS, "applied_on": dt.date(2026, 1, 5)})
    assert governance_model(home_prison, ON).model == 5
    buddy.applied_on = None
    buddy.save()
    assert levels(governance_model(home_prison, ON)) == (6, "none", "none", "none")


def test_ninety_per_cent_of_steps_before_start_is_formalised(home_prison):
    buddies = [started_buddy(home_prison) for _ in range(9)]
    buddies.append(started_buddy(home_prison, compact_signed_on=AFTER_START))
    train_and_supervise(home_prison, buddies)
    staff_trained(home_prison)
    result = governance_model(home_prison, ON)
    assert levels(result) == (1, "formalised", "formal", "formal")
    assert result.reasons[0].endswith(
        "; 9 of 10 had all four before starting work (formalised needs at least 90%)"
    )


def test_eighty_per_cent_of_steps_before_start_is_not_formalised_model_1_becomes_2(home_prison):
    buddies = [started_buddy(home_prison) for _ in range(8)]
    buddies += [started_buddy(home_prison, compact_signed_on=AFTER_START) for _ in range(2)]
    train_and_supervise(home_prison, buddies)
    staff_trained(home_prison)
    result = governance_model(home_prison, ON)
    assert levels(result) == (2, "all_four", "formal", "formal")
    assert result.measures["all_four_before_start"] == 8


def test_no_mandatory_modules_means_training_cannot_be_formal(home_prison):
    home_prison.scheme.mandatory_modules.set([])
    buddies = [started_buddy(home_prison)]
    train_and_supervise(home_prison, buddies)
    result = governance_model(home_prison, ON)
    assert levels(result) == (4, "formalised", "some", "none")
    assert result.reasons[1].endswith(
        "; the prison has not chosen which training modules are mandatory"
    )


def test_a_buddy_who_left_still_counts_for_employment_but_not_for_training(home_prison):
    buddies = [started_buddy(home_prison)]
    train_and_supervise(home_prison, buddies)
    started_buddy(
        home_prison, status="left", ended_on=dt.date(2026, 3, 1), without=["interviewed_on"]
    )
    result = governance_model(home_prison, ON)
    assert levels(result) == (3, "some", "formal", "none")
    assert (result.measures["started_buddies"], result.measures["active_buddies"]) == (2, 1)


def test_pending_vetting_and_steps_after_the_day_are_not_recorded_steps(home_prison):
    started_buddy(home_prison, vetting_outcome="pending")
    started_buddy(home_prison, compact_signed_on=dt.date(2026, 4, 6))
    started_buddy(home_prison, started_on=dt.date(2026, 4, 6))  # starts after ON: not counted
    result = governance_model(home_prison, ON)
    m = result.measures
    assert (m["started_buddies"], m["vetted"], m["compact_signed"], m["all_four_steps"]) == (
        2,
        1,
        1,
        0,
    )
    assert m["employment"] == "some"


def test_no_employment_process_with_formal_training_falls_back_to_6(home_prison):
    buddies = [started_buddy(home_prison, **NO_STEPS)]
    train_and_supervise(home_prison, buddies)
    staff_trained(home_prison)
    result = governance_model(home_prison, ON)
    assert levels(result) == (6, "none", "formal", "formal")
    assert result.reasons[3].startswith("These match no single row")


def test_staff_training_alone_leaves_model_5_at_5(home_prison):
    started_buddy(home_prison, without=["interviewed_on"])
    staff_trained(home_prison, module="staff_social_care_awareness")
    assert levels(governance_model(home_prison, ON)) == (5, "some", "none", "some")


# Queries and what inspectors see


@pytest.mark.parametrize("size", [1, 10])
def test_governance_model_uses_a_fixed_number_of_queries(
    home_prison, size, django_assert_max_num_queries
):
    buddies = [started_buddy(home_prison, given_name="Zebedee") for _ in range(size)]
    train_and_supervise(home_prison, buddies)
    staff_trained(home_prison)
    with django_assert_max_num_queries(8):  # measured: 8 for 1 buddy or 30
        result = governance_model(home_prison, ON)
    assert result.model == 1


def test_the_governance_model_card_shows_no_name_or_prison_number(home_prison):
    buddies = [started_buddy(home_prison, given_name="Zebedee", prison_number="Z9876ZZ")]
    train_and_supervise(home_prison, buddies)
    html = render_to_string(
        "governance/_governance_model.html",
        {"classification": governance_model(home_prison, ON)},
    )
    assert "Governance model 2 of 6" in html
    assert "These match the row for model 2 in the governance taxonomy" in html
    assert "Zebedee" not in html
    assert "Z9876ZZ" not in html
