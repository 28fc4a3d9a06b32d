"""Scoring a response: pure functions over answers, with thin helpers that read them from the
database.

The rules, each applied to every subscale and, separately, to the instrument as a whole:
- a reverse-scored item counts as (lowest scale value + highest scale value - answer), so a
  higher score always means a better outcome;
- a score is given only when the share of the items answered is at least the instrument's
  minimum (80% unless the instrument says otherwise); otherwise the score is None, with a reason.
  With 5 items, 4 answered scores and 3 do not; with 2 items, both must be answered;
- the mean rule gives the mean of the answered items;
- the sum rule gives the sum, prorated when items are missing: the mean of the answered items
  times the number of items in the subscale, so a partly completed response is on the same range
  as a complete one. When every item is answered this is the plain sum;
- every score is a Decimal rounded half up to 2 decimal places, rounded once at the end (the
  prorated sum is computed as sum x items / answered, with no rounding of the mean first);
- the overall score is worked out from all the instrument's items directly, not from the
  subscale scores, so a subscale without a score does not on its own stop an overall score;
- a declined response scores nothing: every score is None.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from outcomes.constants import ScoringRule

TWO_PLACES = Decimal("0.01")
OVERALL = "overall"


@dataclass(frozen=True)
class ItemRule:
    """What scoring needs to know about one item."""

    number: int
    subscale: str
    lowest: int
    highest: int
    values: frozenset[int]
    reverse_scored: bool = False

    def scored(self, value: int) -> int:
        return self.lowest + self.highest - value if self.reverse_scored else value


@dataclass(frozen=True)
class InstrumentRule:
    """What scoring needs to know about one version of an instrument."""

    scoring_rule: str
    min_share_answered: Decimal
    subscales: tuple[tuple[str, str], ...]  # (code, name) in the order they are shown
    items: tuple[ItemRule, ...]


@dataclass(frozen=True)
class Score:
    code: str
    name: str
    score: Decimal | None
    items_answered: int
    items_in_subscale: int
    reason: str = ""  # why there is no score


@dataclass(frozen=True)
class ScoreResult:
    declined: bool
    subscales: dict[str, Score]  # by subscale code, in the instrument's order
    overall: Score


def item_rule(*, number: int, subscale: str, scale, reverse_scored: bool = False) -> ItemRule:
    values = [value for value, _label in scale]
    return ItemRule(
        number=number,
        subscale=subscale,
        lowest=min(values),
        highest=max(values),
        values=frozenset(values),
        reverse_scored=reverse_scored,
    )


def score_items(
    *,
    code: str,
    name: str,
    items: Iterable[ItemRule],
    answers: Mapping[int, int | None],
    scoring_rule: str,
    min_share_answered: Decimal,
) -> Score:
    """One score over a set of items under the 80% rule (see the module's docstring)."""
    items = list(items)
    scored = [
        item.scored(answers[item.number]) for item in items if answers.get(item.number) is not None
    ]
    in_subscale, answered = len(items), len(scored)
    if in_subscale == 0:
        return Score(code, name, None, 0, 0, "This subscale has no items")
    # Compare in whole numbers of items, exactly: answered / in_subscale >= share.
    if Decimal(answered) < min_share_answered * in_subscale:
        share = f"{min_share_answered * 100:.0f}%"
        return Score(
            code,
            name,
            None,
            answered,
            in_subscale,
            f"Only {answered} of {in_subscale} items answered; at least {share} are needed",
        )
    total = Decimal(sum(scored))
    if scoring_rule == ScoringRule.MEAN:
        value = total / answered
    elif scoring_rule == ScoringRule.SUM:
        value = total * in_subscale / answered
    else:
        raise ValueError(f"Unknown scoring rule {scoring_rule!r}")
    return Score(code, name, value.quantize(TWO_PLACES, ROUND_HALF_UP), answered, in_subscale)


def score(
    instrument: InstrumentRule, answers: Mapping[int, int | None], *, declined: bool = False
) -> ScoreResult:
    """Scores per subscale and overall for one response, given its answers by item number
    (None or absent = not answered). Raises ValueError for an answer to an item the instrument
    does not have or a value not on the item's scale."""
    by_number = {item.number: item for item in instrument.items}
    for number, value in answers.items():
        if number not in by_number:
            raise ValueError(f"Item {number} is not on this instrument")
        if value is not None and value not in by_number[number].values:
            raise ValueError(f"Item {number}: {value} is not on the item's scale")
    if declined:
        reason = "Declined to answer"
        return ScoreResult(
            declined=True,
            subscales={
                code: Score(
                    code,
                    name,
                    None,
                    0,
                    sum(1 for item in instrument.items if item.subscale == code),
                    reason,
                )
                for code, name in instrument.subscales
            },
            overall=Score(OVERALL, "Overall", None, 0, len(instrument.items), reason),
        )
    rule = {
        "answers": answers,
        "scoring_rule": instrument.scoring_rule,
        "min_share_answered": instrument.min_share_answered,
    }
    return ScoreResult(
        declined=False,
        subscales={
            code: score_items(
                code=code,
                name=name,
                items=[item for item in instrument.items if item.subscale == code],
                **rule,
            )
            for code, name in instrument.subscales
        },
        overall=score_items(code=OVERALL, name="Overall", items=instrument.items, **rule),
    )


def instrument_rule(instrument) -> InstrumentRule:
    """The scoring rule of one version of an instrument, read in two queries."""
    subscales = tuple(instrument.subscales.order_by("order", "code").values_list("code", "name"))
    items = tuple(
        item_rule(
            number=item.number,
            subscale=item.subscale.code,
            scale=item.scale,
            reverse_scored=item.reverse_scored,
        )
        for item in instrument.items.select_related("subscale").order_by("number")
    )
    return InstrumentRule(
        scoring_rule=instrument.scoring_rule,
        min_share_answered=instrument.min_share_answered,
        subscales=subscales,
        items=items,
    )


def score_response(response) -> ScoreResult:
    """The scores of a saved response, on the version of the instrument it was answered on."""
    answers = dict(response.answers.values_list("item__number", "value"))
    return score(instrument_rule(response.instrument), answers, declined=response.declined)
