"""Outcome questionnaires: scoring by hand-worked answers, versions, the shipped instruments, and
the rules an instrument and a response must meet."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from outcomes.models import Answer, Instrument, Item, Response
from outcomes.scoring import InstrumentRule, item_rule, score, score_response
from outcomes.services import instrument_create, instrument_new_version
from outcomes.validation import (
    InstrumentDefinition,
    ItemDefinition,
    SubscaleDefinition,
    validate_instrument_definition,
)
from tests.factories import BuddyFactory, RecipientFactory, SurveyWaveFactory

D = Decimal
EIGHTY_PERCENT = Decimal("0.80")
ONE_TO_FIVE = [[1, "Never"], [2, "Rarely"], [3, "Sometimes"], [4, "Often"], [5, "Always"]]
AGREEMENT_LABELS = [
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
]


def example(rule="mean", min_share=EIGHTY_PERCENT) -> InstrumentRule:
    """Seven items on a 1 to 5 scale: mood is items 1-5 (2 and 5 reverse-scored), safety is
    items 6-7 (7 reverse-scored). A reversed answer counts as 1 + 5 - answer = 6 - answer."""
    reverse = {2, 5, 7}
    return InstrumentRule(
        scoring_rule=rule,
        min_share_answered=min_share,
        subscales=(("mood", "Mood"), ("safety", "Safety")),
        items=tuple(
            item_rule(
                number=number,
                subscale="mood" if number <= 5 else "safety",
                scale=ONE_TO_FIVE,
                reverse_scored=number in reverse,
            )
            for number in range(1, 8)
        ),
    )


ALL_ANSWERED = {1: 4, 2: 2, 3: 5, 4: 3, 5: 1, 6: 5, 7: 2}


# Scoring on its own (no database)


def test_mean_flips_reverse_items_per_subscale_and_overall():
    result = score(example("mean"), ALL_ANSWERED)
    # mood: 4, (6-2)=4, 5, 3, (6-1)=5 -> 21 / 5 = 4.20
    assert result.subscales["mood"].score == D("4.20")
    # safety: 5, (6-2)=4 -> 9 / 2 = 4.50
    assert result.subscales["safety"].score == D("4.50")
    # overall: (21 + 9) / 7 = 4.2857... -> 4.29
    assert result.overall.score == D("4.29")
    assert (result.overall.items_answered, result.overall.items_in_subscale) == (7, 7)
    assert list(result.subscales) == ["mood", "safety"]


def test_sum_adds_the_flipped_items():
    result = score(example("sum"), ALL_ANSWERED)
    # mood 4 + 4 + 5 + 3 + 5 = 21; safety 5 + 4 = 9; overall 21 + 9 = 30
    assert result.subscales["mood"].score == D("21.00")
    assert result.subscales["safety"].score == D("9.00")
    assert result.overall.score == D("30.00")


def test_four_of_five_answered_is_exactly_80_percent_and_scores():
    answers = {**ALL_ANSWERED, 5: None}  # item 5 not answered
    mean = score(example("mean"), answers)
    mood = mean.subscales["mood"]
    # mood: 4, 4, 5, 3 = 16 over 4 answered -> 4.00
    assert (mood.score, mood.items_answered, mood.items_in_subscale) == (D("4.00"), 4, 5)
    # overall: 6 of 7 answered (85.7%): (16 + 9) / 6 = 4.1666... -> 4.17
    assert mean.overall.score == D("4.17")


def test_sum_with_a_missing_item_is_prorated():
    answers = {k: v for k, v in ALL_ANSWERED.items() if k != 5}  # item 5 left out entirely
    result = score(example("sum"), answers)
    # mood: mean of 16 / 4 = 4 times 5 items = 20.00 (not the raw 16)
    assert result.subscales["mood"].score == D("20.00")
    # overall: 25 / 6 x 7 = 29.1666... -> 29.17
    assert result.overall.score == D("29.17")


def test_three_of_five_answered_gives_no_score_and_says_why():
    answers = {1: 4, 2: 2, 3: 5, 6: 5, 7: 2}
    result = score(example("mean"), answers)
    mood = result.subscales["mood"]
    assert mood.score is None
    assert (mood.items_answered, mood.items_in_subscale) == (3, 5)
    assert mood.reason == "Only 3 of 5 items answered; at least 80% are needed"
    # safety is complete: (5 + 4) / 2 = 4.50
    assert result.subscales["safety"].score == D("4.50")
    # overall: 5 of 7 = 71% is under 80%
    assert result.overall.score is None
    assert result.overall.reason == "Only 5 of 7 items answered; at least 80% are needed"


def test_a_two_item_subscale_needs_both_items_under_the_80_percent_rule():
    result = score(example("mean"), {**ALL_ANSWERED, 7: None})
    # 1 of 2 = 50%
    assert result.subscales["safety"].score is None
    # overall 6 of 7 still scores: (21 + 5) / 6 = 4.333... -> 4.33
    assert result.overall.score == D("4.33")


def test_the_instruments_own_minimum_share_is_used():
    result = score(example("mean", min_share=D("0.50")), {**ALL_ANSWERED, 7: None})
    # 1 of 2 = 50% is enough now: safety = 5 / 1 = 5.00
    assert result.subscales["safety"].score == D("5.00")


def test_scores_round_half_up_to_two_places():
    rule = InstrumentRule(
        scoring_rule="sum",
        min_share_answered=D("0.80"),
        subscales=(("all", "All"),),
        items=tuple(item_rule(number=n, subscale="all", scale=ONE_TO_FIVE) for n in range(1, 10)),
    )
    # 8 of 9 answered (88.9%): seven 3s and a 4 = 25
    answers = dict.fromkeys(range(1, 8), 3) | {8: 4}
    # prorated sum 25 / 8 x 9 = 225 / 8 = 28.125 -> 28.13 (half up; half-even would give 28.12)
    assert score(rule, answers).subscales["all"].score == D("28.13")
    mean_rule = InstrumentRule("mean", rule.min_share_answered, rule.subscales, rule.items)
    # mean 25 / 8 = 3.125 -> 3.13
    assert score(mean_rule, answers).overall.score == D("3.13")


def test_a_declined_response_scores_nothing_even_with_answers():
    result = score(example("mean"), ALL_ANSWERED, declined=True)
    assert result.declined
    assert result.overall.score is None
    assert result.overall.reason == "Declined to answer"
    assert [s.score for s in result.subscales.values()] == [None, None]
    assert [s.items_in_subscale for s in result.subscales.values()] == [5, 2]


def test_an_answer_off_the_scale_or_to_an_unknown_item_is_refused():
    with pytest.raises(ValueError, match="Item 1: 6 is not on the item's scale"):
        score(example(), {1: 6})
    with pytest.raises(ValueError, match="Item 8 is not on this instrument"):
        score(example(), {8: 3})


# The shipped questionnaires


@pytest.mark.parametrize(
    ("code", "audience", "items", "subscales", "reverse"),
    [
        (
            "peercare-recipient",
            "recipient",
            14,
            [
                "needs_met",
                "safety",
                "independence",
                "relationships",
                "participation",
                "dignity",
                "trust",
            ],
            [2, 4, 8, 10, 12],
        ),
        (
            "peercare-buddy",
            "buddy",
            12,
            ["wellbeing", "confidence", "skills", "safety", "burden", "staff_support"],
            [2, 8, 9],
        ),
    ],
)
def test_the_shipped_questionnaires_exist_after_migrating(
    db, code, audience, items, subscales, reverse
):
    instrument = Instrument.objects.get(code=code, version=1)
    assert instrument.audience == audience
    assert instrument.scoring_rule == "mean"
    assert instrument.min_share_answered == D("0.80")
    assert "Not a validated scale" in instrument.licence_note
    assert list(instrument.subscales.values_list("code", flat=True)) == subscales
    numbers = list(instrument.items.values_list("number", flat=True))
    assert numbers == list(range(1, items + 1))  # 1..n, none repeated or missing
    assert list(instrument.items.filter(reverse_scored=True).values_list("number", flat=True)) == (
        reverse
    )
    for subscale in instrument.subscales.all():
        assert subscale.items.exists(), subscale.code
    for item in instrument.items.select_related("subscale"):
        assert item.subscale.instrument_id == instrument.pk
        assert [label for _value, label in item.scale] == AGREEMENT_LABELS
        assert item.values == [1, 2, 3, 4, 5]
    # They meet the rules an administrator's instrument must meet.
    validate_instrument_definition(
        InstrumentDefinition(
            code=instrument.code,
            name=instrument.name,
            audience=instrument.audience,
            scoring_rule=instrument.scoring_rule,
            subscales=[SubscaleDefinition(s.code, s.name) for s in instrument.subscales.all()],
            items=[
                ItemDefinition(i.number, i.text, i.subscale.code, i.scale, i.reverse_scored)
                for i in instrument.items.select_related("subscale")
            ],
        )
    )


# Responses, versions and the rules on saved answers


def recipient_v1():
    return Instrument.objects.get(code="peercare-recipient", version=1)


def answer(response, values: dict[int, int | None]):
    for item in response.instrument.items.all():
        if item.number in values:
            Answer.objects.create(response=response, item=item, value=values[item.number])


def test_a_saved_response_is_scored_on_its_own_version(home_prison):
    instrument = recipient_v1()
    response = Response.objects.create(
        wave=SurveyWaveFactory(prison=home_prison),
        instrument=instrument,
        prison=home_prison,
        recipient=RecipientFactory(prison=home_prison),
        answered_on=datetime.date(2026, 3, 2),
    )
    # needs_met 1: 4, 2 (reversed): 2 -> 4; trust 13: 5, 14 not answered; the rest not answered
    answer(response, {1: 4, 2: 2, 13: 5, 14: None})
    before = score_response(response)
    # needs met: (4 + 4) / 2 = 4.00; trust: 1 of 2 answered, no score
    assert before.subscales["needs_met"].score == D("4.00")
    assert before.subscales["trust"].score is None
    # overall 3 of 14 answered
    assert before.overall.score is None
    assert before.overall.items_answered == 3

    version_2 = instrument_new_version(instrument=instrument)
    assert (version_2.code, version_2.version) == ("peercare-recipient", 2)
    assert version_2.items.count() == 14
    assert version_2.subscales.count() == 7
    assert not version_2.items.filter(subscale__instrument=instrument).exists()
    # Changing the new version does not touch answers given on the old one.
    Item.objects.filter(instrument=version_2, number=1).update(reverse_scored=True)
    Instrument.objects.filter(pk=version_2.pk).update(scoring_rule="sum")

    response.refresh_from_db()
    assert response.instrument_id == instrument.pk
    assert set(response.answers.values_list("item__instrument__version", flat=True)) == {1}
    assert score_response(response) == before


def test_a_new_version_follows_the_highest_so_far(db):
    instrument = recipient_v1()
    instrument_new_version(instrument=instrument)
    version_3 = instrument_new_version(instrument=instrument)  # copied from 1, numbered after 2
    assert version_3.version == 3
    assert version_3.items.filter(reverse_scored=True).count() == 5


def new_response(instrument, prison, **person):
    return Response(
        wave=SurveyWaveFactory(prison=prison),
        instrument=instrument,
        prison=prison,
        answered_on=datetime.date(2026, 3, 2),
        **person,
    )


@pytest.mark.parametrize("who", ["buddy only", "both", "nobody"])
def test_a_recipient_response_must_be_about_exactly_one_recipient(home_prison, who):
    people = {
        "buddy only": {"buddy": BuddyFactory(prison=home_prison)},
        "both": {
            "buddy": BuddyFactory(prison=home_prison),
            "recipient": RecipientFactory(prison=home_prison),
        },
        "nobody": {},
    }[who]
    with pytest.raises(IntegrityError), transaction.atomic():
        new_response(recipient_v1(), home_prison, **people).save()


def test_a_buddy_response_must_name_the_buddy(home_prison):
    buddy_v1 = Instrument.objects.get(code="peercare-buddy", version=1)
    response = new_response(buddy_v1, home_prison, recipient=RecipientFactory(prison=home_prison))
    with pytest.raises(ValidationError) as error:
        response.full_clean()
    assert error.value.messages == [
        "A response is about exactly one buddy or person supported, matching who the "
        "instrument is for"
    ]
    response.recipient = None
    response.buddy = BuddyFactory(prison=home_prison)
    response.full_clean()
    response.save()
    assert response.audience == "buddy"


def test_a_response_is_about_someone_in_its_own_prison(home_prison, other_prison):
    response = new_response(
        recipient_v1(), home_prison, recipient=RecipientFactory(prison=other_prison)
    )
    with pytest.raises(ValidationError) as error:
        response.full_clean()
    assert error.value.message_dict == {
        "recipient": ["This person is not in the response's prison"]
    }


def test_an_answer_must_be_on_the_scale_and_on_the_version_answered(home_prison):
    response = new_response(
        recipient_v1(), home_prison, recipient=RecipientFactory(prison=home_prison)
    )
    response.save()
    off_scale = Answer(response=response, item=response.instrument.items.get(number=1), value=6)
    with pytest.raises(ValidationError) as error:
        off_scale.full_clean()
    assert error.value.message_dict == {
        "value": ["Choose one of the scale's values: 1, 2, 3, 4, 5"]
    }
    buddy_item = Item.objects.get(instrument__code="peercare-buddy", number=1)
    with pytest.raises(ValidationError) as error:
        Answer(response=response, item=buddy_item, value=3).full_clean()
    assert error.value.message_dict == {
        "item": ["This item is not on the version of the instrument answered"]
    }


def test_responses_and_answers_keep_their_history(home_prison):
    response = new_response(
        recipient_v1(), home_prison, recipient=RecipientFactory(prison=home_prison)
    )
    response.save()
    answer(response, {1: 3})
    stored = response.answers.get()
    stored.value = 4
    stored.save()
    assert [h.value for h in stored.history.order_by("history_date")] == [3, 4]
    assert response.history.count() == 1


# An instrument entered item by item


def definition(**changes) -> InstrumentDefinition:
    fields = {
        "code": "licensed-scale",
        "name": "A licensed scale",
        "audience": "staff",
        "scoring_rule": "sum",
        "licence_note": "Licensed to the prison service until 2027",
        "subscales": [SubscaleDefinition("calm", "Calm"), SubscaleDefinition("team", "Team")],
        "items": [
            ItemDefinition(1, "I feel calm at work.", "calm", [[0, "No"], [1, "Yes"]]),
            ItemDefinition(2, "My team supports me.", "team", [[0, "No"], [1, "Yes"]]),
        ],
    }
    return InstrumentDefinition(**{**fields, **changes})


def test_a_valid_instrument_is_saved_with_its_items(db):
    instrument = instrument_create(definition=definition())
    assert str(instrument) == "A licensed scale (version 1)"
    assert list(instrument.items.values_list("number", "subscale__code")) == [
        (1, "calm"),
        (2, "team"),
    ]
    with pytest.raises(ValidationError) as error:
        instrument_create(definition=definition())
    assert error.value.messages == ["This version of the instrument already exists"]


def test_a_bad_instrument_is_refused_with_every_problem_named():
    bad = definition(
        min_share_answered=D("1.5"),
        subscales=[
            SubscaleDefinition("calm", "Calm"),
            SubscaleDefinition("team", "Team"),
            SubscaleDefinition("calm", "Calm again"),
        ],
        items=[
            ItemDefinition(1, "I feel calm.", "calm", [[1, "No"], [2, "Yes"]]),
            ItemDefinition(2, "I sleep well.", "sleep", [[1, "No"], [2, "Yes"]]),
            ItemDefinition(2, "I eat well.", "calm", [[1, "Only point"]]),
            ItemDefinition(5, "I rest.", "calm", [[1, "Low"], [3, "High"], [2, "Middle"]]),
        ],
    )
    with pytest.raises(ValidationError) as error:
        validate_instrument_definition(bad)
    assert error.value.message_dict == {
        "min_share_answered": ["The share of items to answer must be more than 0 and at most 1."],
        "subscales": [
            'The subscale code "calm" is used more than once.',
            'The subscale "team" has no items.',
        ],
        "items": [
            "Number the items from 1 to 4 with none missing or repeated "
            "(missing 3, 4; repeated 2; out of range 5).",
            'Item 2: the subscale "sleep" is not one of this instrument\'s subscales.',
            "Item 2: The response scale needs at least 2 points.",
            "Item 5: The response scale's values must increase from one point to the next "
            "(2 comes after 3).",
        ],
    }


def test_a_bad_instrument_saves_nothing(db):
    with pytest.raises(ValidationError):
        instrument_create(definition=definition(items=[]))
    assert not Instrument.objects.filter(code="licensed-scale").exists()


def test_an_item_scale_is_checked_when_saved_directly(db):
    item = Item(
        instrument=recipient_v1(),
        number=99,
        text="Extra",
        subscale=recipient_v1().subscales.first(),
        scale=[[1, ""], [1, "Same"]],
    )
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert error.value.message_dict == {
        "scale": [
            "Point 1 of the response scale needs a label.",
            "The response scale's values must increase from one point to the next (1 comes after 1).",
        ]
    }
