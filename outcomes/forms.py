from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.db.models import Count

from common.fields import ModelMultipleChoiceField
from common.forms import govuk_date_field, govuk_helper
from outcomes.models import DEFAULT_FOLLOW_UP_MONTHS, MAX_FOLLOW_UP_MONTHS, Instrument

# The answer that records a question was read out but not answered.
NO_ANSWER = ""


def latest_instruments():
    """The newest version of each questionnaire, the ones a new wave may use."""
    newest: dict[str, int] = {}
    for pk, code in Instrument.objects.order_by("version").values_list("pk", "code"):
        newest[code] = pk
    return (
        Instrument.objects.filter(pk__in=newest.values())
        .annotate(questions=Count("items"))
        .order_by("audience", "name")
    )


class InstrumentChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, instrument):
        return f"{instrument.name}, version {instrument.version} ({instrument.questions} questions)"


class WaveForm(forms.Form):
    starts_on = govuk_date_field("the first day of asking", "First day of asking", required=True)
    ends_on = govuk_date_field(
        "the last day of asking",
        "Last day of asking",
        required=True,
        help_text="Allow a few weeks so that everyone can be asked. For example, 27 3 2026",
    )
    follow_up_months = forms.IntegerField(
        label="Months until the next follow-up",
        help_text=f"Usually {DEFAULT_FOLLOW_UP_MONTHS}. PeerCare shows when the next one is due.",
        min_value=1,
        max_value=MAX_FOLLOW_UP_MONTHS,
        initial=DEFAULT_FOLLOW_UP_MONTHS,
        error_messages={
            "required": "Enter the number of months until the next follow-up",
            "invalid": "Enter the number of months as a whole number, like 3",
            "min_value": "The next follow-up must be at least 1 month later",
            "max_value": f"The next follow-up must be at most {MAX_FOLLOW_UP_MONTHS} months later",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )
    instruments = InstrumentChoiceField(
        label="Questionnaires to ask",
        queryset=Instrument.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one questionnaire",
            "invalid_choice": "Select questionnaires from the list",
            "invalid_pk_value": "Select questionnaires from the list",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instruments"].queryset = latest_instruments()
        self.helper = govuk_helper(
            "starts_on",
            "ends_on",
            Field("follow_up_months"),
            Field.checkboxes("instruments", legend_size=Size.SMALL),
            button="Plan this wave",
        )


class ResponseForm(forms.Form):
    """A questionnaire laid out like the paper version: who, when, whether they declined, then
    every question in order with its labelled answers."""

    answered_on = govuk_date_field("the date they answered", "Date they answered", required=True)
    declined = forms.BooleanField(
        label="They chose not to answer",
        required=False,
        help_text="Record a refusal so that the response rate is right. Leave the questions blank.",
    )

    def __init__(self, *args, instrument: Instrument, people=None, person_label="", **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.items = list(instrument.items.order_by("number"))
        layout = []
        if people is not None:
            self.fields["person"] = forms.ModelChoiceField(
                label=person_label,
                queryset=people,
                empty_label="Choose a name",
                error_messages={
                    "required": f"Choose {person_label.lower()}",
                    "invalid_choice": "Choose a name from the list",
                },
            )
            self.fields["person"].label_from_instance = lambda person: (
                f"{person.family_name}, {person.given_name} ({person.prison_number})"
            )
            layout.append("person")
        layout += ["answered_on", Field.checkbox("declined")]
        questions = []
        for item in self.items:
            name = f"item_{item.number}"
            self.fields[name] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}",
                choices=[(str(value), f"{value} {label}") for value, label in item.scale]
                + [(NO_ANSWER, "No answer")],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Choose one of the answers shown"},
            )
            questions.append(Field.radios(name, legend_size=Size.SMALL, small=True, inline=True))
        layout.append(Fieldset(*questions, legend="Questions", legend_size=Size.MEDIUM))
        self.helper = govuk_helper(*layout, button="Save answers")

    @property
    def answers(self) -> dict[int, int | None]:
        return {item.number: self.cleaned_data.get(f"item_{item.number}") for item in self.items}

    def question_fields(self):
        return [self[f"item_{item.number}"] for item in self.items]
