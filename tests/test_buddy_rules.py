import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from buddies.constants import BuddyStatus, VettingOutcome
from buddies.models import Buddy
from buddies.rules import TransitionRefused, check_transition, fit_to_work, fit_to_work_q
from buddies.services import buddy_change_status
from tests.factories import BuddyFactory, train

DAY = dt.date(2026, 3, 2)


def ready_buddy(**overrides) -> Buddy:
    """An unsaved buddy who meets every employment condition PeerCare can check."""
    fields = {
        "status": BuddyStatus.ACTIVE,
        "vetting_outcome": VettingOutcome.APPROVED,
        "vetted_on": DAY,
        "compact_signed_on": DAY,
        "benefits_explained_on": DAY,
        "safeguarding_briefed_on": DAY,
        "started_on": DAY,
    }
    return BuddyFactory.build(**{**fields, **overrides})


def test_a_buddy_meeting_every_condition_with_training_on_record_is_fit(home_prison):
    buddy = ready_buddy(prison=home_prison, prison_number="A0001AA")
    buddy.save()
    train(buddy, on=dt.date(2026, 1, 7))
    result = fit_to_work(buddy, on=dt.date(2026, 3, 2))
    assert (result.fit, result.unmet, result.unknown, result.warnings) == (True, [], [], [])


def test_a_prison_without_mandatory_modules_cannot_show_anyone_fit(home_prison):
    home_prison.scheme.mandatory_modules.set([])
    buddy = ready_buddy(prison=home_prison, prison_number="A0001AA")
    buddy.save()
    result = fit_to_work(buddy, on=dt.date(2026, 3, 2))
    assert result.fit is None
    assert result.unknown == [
        "Mandatory training: this prison has not chosen which modules are mandatory"
    ]


@pytest.mark.parametrize(
    ("overrides", "unmet"),
    [
        ({"status": BuddyStatus.SUSPENDED}, ["Working as a buddy (status active)"]),
        ({"vetting_outcome": VettingOutcome.PENDING}, ["Security vetting approved"]),
        ({"compact_signed_on": None}, ["Compact signed"]),
        ({"benefits_explained_on": None}, ["Benefits of the role explained"]),
        (
            {"safeguarding_briefed_on": None, "compact_signed_on": None},
            ["Compact signed", "Safeguarding policy and how to raise a concern explained"],
        ),
    ],
)
def test_each_unmet_condition_is_named(home_prison, overrides, unmet):
    buddy = ready_buddy(prison=home_prison, prison_number="A0001AA", **overrides)
    buddy.save()
    train(buddy, on=dt.date(2026, 1, 7))
    result = fit_to_work(buddy, on=DAY)
    assert [condition.label for condition in result.unmet] == unmet
    assert result.fit is False


def test_the_database_filter_agrees_with_the_rule(home_prison):
    fit = ready_buddy(prison=home_prison, prison_number="A0001AA")
    unvetted = ready_buddy(prison=home_prison, prison_number="A0002AA", vetting_outcome="pending")
    no_compact = ready_buddy(prison=home_prison, prison_number="A0003AA", compact_signed_on=None)
    for buddy in (fit, unvetted, no_compact):
        buddy.save()
    assert list(Buddy.objects.filter(fit_to_work_q()).values_list("prison_number", flat=True)) == [
        "A0001AA"
    ]
    assert sorted(
        Buddy.objects.exclude(fit_to_work_q()).values_list("prison_number", flat=True)
    ) == [
        "A0002AA",
        "A0003AA",
    ]


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        ("applicant", "vetting", True),
        ("applicant", "active", False),
        ("applicant", "offered", False),
        ("vetting", "interview", True),
        ("vetting", "offered", True),
        ("interview", "offered", True),
        ("offered", "active", True),
        ("active", "suspended", True),
        ("suspended", "active", True),
        ("active", "left", True),
        ("left", "active", False),
        ("rejected", "applicant", False),
        ("active", "applicant", False),
    ],
)
def test_only_allowed_transitions_pass(current, new, allowed):
    buddy = ready_buddy(status=current)
    if allowed:
        check_transition(buddy, new, on=DAY)
    else:
        with pytest.raises(TransitionRefused):
            check_transition(buddy, new, on=DAY)


def test_the_refusal_says_what_is_possible_instead():
    with pytest.raises(TransitionRefused) as refused:
        check_transition(ready_buddy(status="applicant"), "active", on=DAY)
    assert refused.value.message == (
        "A buddy who is applicant cannot become active. They can become: security vetting or not appointed"
    )


@pytest.mark.parametrize(
    ("outcome", "word"), [("pending", "pending"), ("refused", "refused"), ("", "not recorded")]
)
def test_nobody_becomes_active_without_approved_vetting(outcome, word):
    with pytest.raises(TransitionRefused) as refused:
        check_transition(ready_buddy(status="offered", vetting_outcome=outcome), "active", on=DAY)
    assert f"cannot be made active while security vetting is {word}" in refused.value.message


def test_activating_records_the_start_date_and_resuming_keeps_it(home_prison):
    buddy = ready_buddy(prison=home_prison, status="offered", started_on=None, offered_on=DAY)
    buddy.save()
    buddy_change_status(buddy=buddy, status="active", on=dt.date(2026, 3, 9))
    buddy_change_status(buddy=buddy, status="suspended")
    buddy_change_status(buddy=buddy, status="active")
    buddy.refresh_from_db()
    assert (buddy.status, buddy.started_on) == ("active", dt.date(2026, 3, 9))


def test_leaving_needs_a_reason_and_a_date_not_before_the_start(home_prison):
    buddy = ready_buddy(prison=home_prison)
    buddy.save()
    with pytest.raises(ValidationError) as error:
        buddy_change_status(buddy=buddy, status="left", on=dt.date(2026, 4, 1))
    assert error.value.message_dict == {"end_reason": ["Select why they left"]}
    with pytest.raises(ValidationError) as error:
        buddy_change_status(
            buddy=buddy, status="left", on=dt.date(2026, 3, 1), end_reason="released"
        )
    assert error.value.message_dict == {"on": ["The end date must be on or after the start date"]}
    buddy.refresh_from_db()
    assert (buddy.status, buddy.ended_on) == ("active", None)


# --- mandatory training ----------------------------------------------------------------------


@pytest.fixture
def trained_buddy(home_prison):
    buddy = ready_buddy(prison=home_prison, prison_number="A0001AA")
    buddy.save()
    return buddy


def test_a_missing_module_makes_a_buddy_unfit_and_is_named(trained_buddy):
    train(
        trained_buddy,
        on=dt.date(2026, 1, 7),
        modules=["care_act", "role_and_boundaries", "safeguarding", "raising_concerns"],
    )
    result = fit_to_work(trained_buddy, on=DAY)
    assert [c.label for c in result.unmet] == ["Mandatory training complete"]
    missing = [(m.label, m.status) for m in result.modules if m.status != "valid"]
    assert missing == [("Confidentiality", "missing")]


def test_an_expired_module_counts_during_the_renewal_window_with_a_warning(
    trained_buddy, home_prison
):
    # Safeguarding expired on 20 February; the window is 30 days, so it counts until 22 March.
    train(
        trained_buddy,
        on=dt.date(2026, 1, 7),
        modules=["care_act", "role_and_boundaries", "raising_concerns", "confidentiality"],
    )
    train(
        trained_buddy,
        on=dt.date(2025, 2, 20),
        modules=["safeguarding"],
        expires_on=dt.date(2026, 2, 20),
    )
    inside = fit_to_work(trained_buddy, on=dt.date(2026, 3, 22))
    assert inside.fit is True
    assert inside.warnings == [
        "Safeguarding expired on 20 February 2026: book a refresher; "
        "it counts until the renewal window closes"
    ]
    after = fit_to_work(trained_buddy, on=dt.date(2026, 3, 23))
    assert after.fit is False
    assert [(m.label, m.status) for m in after.modules if m.status != "valid"] == [
        ("Safeguarding", "expired")
    ]
    home_prison.scheme.training_renewal_window_days = 0
    home_prison.scheme.save()
    assert fit_to_work(trained_buddy, on=dt.date(2026, 2, 21)).fit is False


def test_a_refresher_replaces_the_expired_module(trained_buddy):
    train(trained_buddy, on=dt.date(2025, 1, 7), expires_on=dt.date(2026, 1, 7))
    train(trained_buddy, on=dt.date(2026, 1, 6), expires_on=dt.date(2027, 1, 6))
    assert fit_to_work(trained_buddy, on=dt.date(2026, 6, 1)).fit is True


def test_training_after_the_day_does_not_count_for_that_day(trained_buddy):
    train(trained_buddy, on=dt.date(2026, 3, 10))
    assert fit_to_work(trained_buddy, on=dt.date(2026, 3, 9)).fit is False
    assert fit_to_work(trained_buddy, on=dt.date(2026, 3, 10)).fit is True


def test_working_more_than_28_days_untrained_is_flagged(trained_buddy):
    # Started 2 March 2026: on 30 March that is 28 days (not flagged), on 31 March 29 days.
    assert not [
        w
        for w in fit_to_work(trained_buddy, on=dt.date(2026, 3, 30)).warnings
        if "days without" in w
    ]
    warnings = fit_to_work(trained_buddy, on=dt.date(2026, 3, 31)).warnings
    assert warnings == [
        "Working for 29 days without mandatory training (Care Act, The role and its boundaries, "
        "Safeguarding, What to do if issues arise, Confidentiality): "
        "buddies should be trained within 28 days"
    ]
