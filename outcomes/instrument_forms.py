"""One page to enter a licensed validated instrument: its details, one response scale shared by
every item, its subscales and its items, each typed one a line."""

import re
from decimal import Decimal

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug

from common.forms import govuk_helper
from outcomes.constants import Audience, ScoringRule
from outcomes.models import Item, Subscale
from outcomes.validation import (
    InstrumentDefinition,
    ItemDefinition,
    SubscaleDefinition,
    scale_problems,
    validate_instrument_definition,
)

LICENCE_NOTE_LIMIT = 2000
SCALE_LIMIT = 4000
SUBSCALES_LIMIT = 8000
ITEMS_LIMIT = 60000
REVERSED = "reversed"
# Answers are stored as small integers, so a scale value must fit one.
SCALE_VALUE_LIMIT = 9999
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")

SUBSCALE_CODE_LIMIT = Subscale._meta.get_field("code").max_length
SUBSCALE_NAME_LIMIT = Subscale._meta.get_field("name").max_length
ITEM_TEXT_LIMIT = Item._meta.get_field("text").max_length

# The definition's field names that the form shows under another name.
FORM_FIELD_FOR = {"min_share_answered": "min_share_percent"}


def _lines(text: str):
    """(line number, stripped line) for each line that is not blank, counting every line so the
    numbers match what the administrator sees in the box."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line.strip()


def _as_error_message(message: str) -> str:
    """The validator's sentences as GOV.UK error messages, which end without a full stop."""
    return message.removesuffix(".")


def parse_scale(text: str) -> list[list]:
    """Lines like "1 = Strongly disagree" as [[1, "Strongly disagree"], ...]. The rules a scale
    must meet (at least 2 points, values increasing) are the validator's."""
    points, problems = [], []
    for number, line in _lines(text):
        value, equals, label = (part.strip() for part in line.partition("="))
        if not equals:
            problems.append(
                f"Line {number}: write the point as its value, an equals sign and its label, "
                f"like 1 = Strongly disagree"
            )
            continue
        if not WHOLE_NUMBER.fullmatch(value):
            problems.append(f'Line {number}: the value "{value}" is not a whole number')
            continue
        if abs(int(value)) > SCALE_VALUE_LIMIT:
            problems.append(
                f"Line {number}: use a value from -{SCALE_VALUE_LIMIT} to {SCALE_VALUE_LIMIT}"
            )
            continue
        if not label:
            problems.append(f"Line {number}: enter a label after the equals sign")
            continue
        points.append([int(value), label])
    if problems:
        raise ValidationError(problems)
    problems = scale_problems(points)
    if problems:
        raise ValidationError([_as_error_message(problem) for problem in problems])
    return points


def parse_subscales(text: str) -> list[tuple[int, SubscaleDefinition]]:
    """Lines like "wellbeing: Wellbeing" as (line number, subscale definition)."""
    subscales, problems, line_of_code = [], [], {}
    for number, line in _lines(text):
        code, colon, name = (part.strip() for part in line.partition(":"))
        if not colon:
            problems.append(
                f"Line {number}: write the subscale as its code, a colon and its name, "
                f"like wellbeing: Wellbeing"
            )
            continue
        line_problems = []
        if not code:
            line_problems.append(f"Line {number}: enter the subscale's code before the colon")
        else:
            try:
                validate_slug(code)
            except ValidationError:
                line_problems.append(
                    f'Line {number}: the code "{code}" can only have letters, numbers, '
                    f"hyphens (-) and underscores (_)"
                )
            if len(code) > SUBSCALE_CODE_LIMIT:
                line_problems.append(
                    f"Line {number}: the code must be {SUBSCALE_CODE_LIMIT} characters or fewer"
                )
            if code in line_of_code:
                line_problems.append(
                    f'Line {number}: the code "{code}" is already used on line {line_of_code[code]}'
                )
        if not name:
            line_problems.append(f"Line {number}: enter the subscale's name after the colon")
        elif len(name) > SUBSCALE_NAME_LIMIT:
            line_problems.append(
                f"Line {number}: the name must be {SUBSCALE_NAME_LIMIT} characters or fewer"
            )
        if code:
            line_of_code.setdefault(code, number)
        if line_problems:
            problems += line_problems
        else:
            subscales.append((number, SubscaleDefinition(code=code, name=name)))
    if problems:
        raise ValidationError(problems)
    return subscales


def parse_items(text: str) -> list[tuple[int, str, str, bool]]:
    """Lines like "wellbeing | I often feel low. | reversed" as
    (line number, subscale code, text, reverse-scored); the number comes from the order."""
    items, problems = [], []
    for number, line in _lines(text):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 2:
            problems.append(
                f"Line {number}: put a | between the subscale's code and the item's text, "
                f"like wellbeing | I feel calm"
            )
            continue
        if len(parts) > 3:
            problems.append(
                f"Line {number}: an item has at most 3 parts: the subscale's code, the text "
                f"and | {REVERSED}"
            )
            continue
        code, item_text, *flag = parts
        line_problems = []
        if not code:
            line_problems.append(f"Line {number}: enter the subscale's code before the |")
        if not item_text:
            line_problems.append(f"Line {number}: enter the item's text after the |")
        elif len(item_text) > ITEM_TEXT_LIMIT:
            line_problems.append(
                f"Line {number}: the item's text must be {ITEM_TEXT_LIMIT} characters or fewer"
            )
        if flag and flag[0].lower() != REVERSED:
            line_problems.append(
                f'Line {number}: the third part can only be "{REVERSED}", for a reverse-scored item'
            )
        if line_problems:
            problems += line_problems
        else:
            items.append((number, code, item_text, bool(flag)))
    if problems:
        raise ValidationError(problems)
    return items


def _textarea(label: str, help_text: str, limit: int, *, rows: int) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=limit,
        strip=False,  # line numbers in messages count the lines as typed
        widget=forms.Textarea(attrs={"rows": rows, "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "max_length": f"The {label.lower()} must be {limit} characters or fewer",
        },
    )


class InstrumentForm(forms.Form):
    """A whole instrument on one page. A valid form has `definition`, checked by the same rules
    as the service that saves it; nothing is saved by the form."""

    name = forms.CharField(
        label="Name",
        help_text="As the instrument's owner writes it",
        max_length=200,
        error_messages={
            "required": "Enter the instrument's name",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    code = forms.SlugField(
        label="Code",
        help_text="A short name kept for every version, in lower case with hyphens, "
        "for example warwick-edinburgh",
        max_length=40,
        error_messages={
            "required": "Enter a code for the instrument",
            "invalid": "The code can only have letters, numbers, hyphens (-) and underscores (_)",
            "max_length": "The code must be 40 characters or fewer",
        },
    )
    version = forms.IntegerField(
        label="Version",
        help_text="1 for the first version entered in PeerCare",
        initial=1,
        min_value=1,
        max_value=32767,
        error_messages={
            "required": "Enter the version",
            "invalid": "The version must be a whole number, like 1",
            "min_value": "The version must be 1 or more",
            "max_value": "The version must be 32767 or less",
        },
    )
    audience = forms.ChoiceField(
        label="Who answers it?",
        choices=Audience.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who answers it",
            "invalid_choice": "Select who answers it",
        },
    )
    scoring_rule = forms.ChoiceField(
        label="How are the items scored?",
        choices=ScoringRule.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how the items are scored",
            "invalid_choice": "Select how the items are scored",
        },
    )
    min_share_percent = forms.IntegerField(
        label="Percentage of items that must be answered",
        help_text="A whole number from 1 to 100. A subscale or overall score is given only "
        "when at least this percentage of its items is answered. The evaluation uses 80.",
        initial=80,
        min_value=1,
        max_value=100,
        error_messages={
            "required": "Enter the percentage of items that must be answered",
            "invalid": "The percentage must be a whole number, like 80",
            "min_value": "The percentage must be 1 or more",
            "max_value": "The percentage must be 100 or less",
        },
    )
    licence_note = forms.CharField(
        label="Licence",
        help_text="Who owns the instrument and on what terms PeerCare may use it, for example "
        "the licence reference and any wording that must not be changed",
        max_length=LICENCE_NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter who owns the instrument and on what terms it may be used",
            "max_length": f"The licence must be {LICENCE_NOTE_LIMIT} characters or fewer",
        },
    )
    scale = _textarea(
        "Response scale",
        "One point a line, lowest value first: the value, an equals sign and the label, "
        "for example 1 = Strongly disagree. Every item is answered on this same scale, as in "
        "most questionnaires.",
        SCALE_LIMIT,
        rows=6,
    )
    subscales = _textarea(
        "Subscales",
        "One a line: a short code, a colon and the name, for example wellbeing: Wellbeing. "
        "The code can only have letters, numbers, hyphens and underscores.",
        SUBSCALES_LIMIT,
        rows=5,
    )
    items = _textarea(
        "Items",
        "One a line, in the order they are asked: the subscale's code, a vertical bar (|) and "
        "the item's text, for example wellbeing | I feel calm. Add | reversed at the end of an "
        "item that is reverse-scored. Items are numbered in this order from 1.",
        ITEMS_LIMIT,
        rows=15,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition: InstrumentDefinition | None = None
        self.helper = govuk_helper(
            Field.text("name"),
            Field.text("code", field_width=20, spellcheck="false"),
            Field.text("version", field_width=3, inputmode="numeric"),
            Field.radios("audience"),
            Field.radios("scoring_rule"),
            Field.text("min_share_percent", field_width=3, inputmode="numeric"),
            Field.textarea("licence_note", rows=4, max_characters=LICENCE_NOTE_LIMIT),
            Fieldset(
                Field.textarea("scale", rows=6),
                Field.textarea("subscales", rows=5),
                Field.textarea("items", rows=15),
                legend="Questions and answers",
                legend_size=Size.MEDIUM,
            ),
            button="Save instrument",
        )

    def clean_scale(self):
        return parse_scale(self.cleaned_data["scale"])

    def clean_subscales(self):
        return parse_subscales(self.cleaned_data["subscales"])

    def clean_items(self):
        return parse_items(self.cleaned_data["items"])

    def clean(self):
        cleaned = super().clean()
        subscales, items = cleaned.get("subscales"), cleaned.get("items")
        if subscales is None or items is None:
            return cleaned
        codes = {subscale.code for _line, subscale in subscales}
        unknown = [
            f'Line {line}: "{code}" is not one of the subscales entered above'
            for line, code, _text, _reversed in items
            if code not in codes
        ]
        if unknown:
            self.add_error("items", unknown)
            return cleaned
        # A scale with problems has its own messages; a stand-in keeps them off every item.
        scale = cleaned.get("scale") or [[0, "stand-in"], [1, "stand-in"]]
        percent = cleaned.get("min_share_percent")
        definition = InstrumentDefinition(
            code=cleaned.get("code", ""),
            name=cleaned.get("name", ""),
            version=cleaned.get("version", 1),
            audience=cleaned.get("audience", ""),
            scoring_rule=cleaned.get("scoring_rule", ""),
            min_share_answered=(Decimal(percent) / 100 if percent is not None else Decimal(1)),
            licence_note=cleaned.get("licence_note", "").strip(),
            subscales=[subscale for _line, subscale in subscales],
            items=[
                ItemDefinition(
                    number=number,
                    text=text,
                    subscale=code,
                    scale=scale,
                    reverse_scored=reverse_scored,
                )
                for number, (_line, code, text, reverse_scored) in enumerate(items, start=1)
            ],
        )
        try:
            validate_instrument_definition(definition)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                field_name = FORM_FIELD_FOR.get(name, name)
                # A field the form already refused has its own message; the stand-in's is noise.
                if field_name not in self.errors:
                    self.add_error(
                        field_name if field_name in self.fields else None,
                        [_as_error_message(message) for message in messages],
                    )
        if not self.errors:
            self.definition = definition
        return cleaned
