"""Rules an instrument's definition must meet, for the shipped questionnaires and for a licensed
instrument an administrator enters item by item. No database is needed."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from outcomes.constants import DEFAULT_MIN_SHARE_ANSWERED, Audience, ScoringRule


def scale_problems(points) -> list[str]:
    """What is wrong with a response scale given as [value, label] pairs: at least 2 points,
    whole-number values strictly increasing, and a label for every point."""
    if not isinstance(points, list | tuple):
        return ["The response scale must be a list of [value, label] points."]
    problems = []
    if len(points) < 2:
        problems.append("The response scale needs at least 2 points.")
    values = []
    for position, point in enumerate(points, start=1):
        if not (isinstance(point, list | tuple) and len(point) == 2):
            problems.append(
                f"Point {position} of the response scale must be a [value, label] pair."
            )
            continue
        value, label = point
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(
                f"Point {position} of the response scale must have a whole number value."
            )
            continue
        if not isinstance(label, str) or not label.strip():
            problems.append(f"Point {position} of the response scale needs a label.")
        if values and value <= values[-1]:
            problems.append(
                f"The response scale's values must increase from one point to the next "
                f"({value} comes after {values[-1]})."
            )
        values.append(value)
    return problems


def validate_scale(points) -> None:
    """Field validator for Item.scale."""
    problems = scale_problems(points)
    if problems:
        raise ValidationError(problems)


@dataclass(frozen=True)
class SubscaleDefinition:
    code: str
    name: str


@dataclass(frozen=True)
class ItemDefinition:
    number: int
    text: str
    subscale: str  # the code of one of the instrument's subscales
    scale: list  # [[value, label], ...]
    reverse_scored: bool = False


@dataclass(frozen=True)
class InstrumentDefinition:
    code: str
    name: str
    audience: str
    scoring_rule: str
    subscales: list[SubscaleDefinition]
    items: list[ItemDefinition]
    version: int = 1
    min_share_answered: Decimal = DEFAULT_MIN_SHARE_ANSWERED
    licence_note: str = ""


def validate_instrument_definition(definition: InstrumentDefinition) -> None:
    """An instrument is usable only when its items are numbered 1 to n, each item belongs to one
    of the instrument's own subscales, each subscale has an item, and each item's response scale
    has at least 2 labelled points with strictly increasing values. Raises ValidationError with
    every problem found, by field."""
    errors: dict[str, list[str]] = {}

    def add(field_name, message):
        errors.setdefault(field_name, []).append(message)

    if not definition.code.strip():
        add("code", "Enter a code for the instrument.")
    if not definition.name.strip():
        add("name", "Enter the instrument's name.")
    if isinstance(definition.version, bool) or not isinstance(definition.version, int):
        add("version", "The version must be a whole number.")
    elif definition.version < 1:
        add("version", "The version must be 1 or more.")
    if definition.audience not in Audience.values:
        add("audience", "Choose who answers: buddies, people supported or staff.")
    if definition.scoring_rule not in ScoringRule.values:
        add("scoring_rule", "Choose how items are scored: sum or mean.")
    try:
        share = Decimal(str(definition.min_share_answered))
    except InvalidOperation:
        share = None
    if share is None or not (Decimal(0) < share <= Decimal(1)):
        add("min_share_answered", "The share of items to answer must be more than 0 and at most 1.")

    subscale_codes = [subscale.code for subscale in definition.subscales]
    if not subscale_codes:
        add("subscales", "Add at least one subscale.")
    for code in sorted({code for code in subscale_codes if subscale_codes.count(code) > 1}):
        add("subscales", f'The subscale code "{code}" is used more than once.')

    items = definition.items
    if not items:
        add("items", "Add at least one item.")
    numbers = [item.number for item in items]
    expected = set(range(1, len(items) + 1))
    missing = sorted(expected - set(numbers))
    repeated = sorted({number for number in numbers if numbers.count(number) > 1})
    outside = sorted({number for number in numbers if number not in expected})
    if missing or repeated or outside:
        details = []
        if missing:
            details.append("missing " + ", ".join(map(str, missing)))
        if repeated:
            details.append("repeated " + ", ".join(map(str, repeated)))
        if outside:
            details.append("out of range " + ", ".join(map(str, outside)))
        add(
            "items",
            f"Number the items from 1 to {len(items)} with none missing or repeated "
            f"({'; '.join(details)}).",
        )
    for item in sorted(items, key=lambda item: item.number):
        if not item.text.strip():
            add("items", f"Item {item.number}: enter the item's text.")
        if item.subscale not in subscale_codes:
            add(
                "items",
                f'Item {item.number}: the subscale "{item.subscale}" is not one of '
                f"this instrument's subscales.",
            )
        for problem in scale_problems(item.scale):
            add("items", f"Item {item.number}: {problem}")
    used = {item.subscale for item in items}
    for code in subscale_codes:
        if code not in used:
            add("subscales", f'The subscale "{code}" has no items.')

    if errors:
        raise ValidationError(errors)
