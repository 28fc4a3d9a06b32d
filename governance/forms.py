from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from common.fields import GovukDateField
from governance.constants import Leadership, SchemeFormality
from governance.models import Task, TrainingModule


class SchemeForm(forms.Form):
    name = forms.CharField(
        label="What are buddies called in this prison?",
        help_text="For example Buddies, Carers or Care and support orderlies",
        max_length=60,
        error_messages={"required": "Enter what buddies are called in this prison"},
    )
    formality = forms.ChoiceField(
        label="What type of scheme is it?",
        choices=SchemeFormality.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of scheme"},
    )
    leadership = forms.ChoiceField(
        label="Who leads the scheme?",
        choices=Leadership.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who leads the scheme"},
    )
    started_on = GovukDateField(
        subject="the date the scheme started",
        label="When did the scheme start?",
        help_text="For example, 27 3 2023. Leave blank if you do not know.",
        required=False,
        require_all_fields=False,
    )
    allows_outer_clothing = forms.BooleanField(
        label="Buddies may help with outer clothes, such as a jacket or shoes", required=False
    )
    allows_medication_collect = forms.BooleanField(
        label="Buddies may collect sealed medication (never open it or give it)", required=False
    )
    min_pay_rate = forms.DecimalField(
        label="Lowest pay per session, in pounds",
        max_digits=6,
        decimal_places=2,
        min_value=0,
        error_messages={
            "required": "Enter the lowest pay per session",
            "invalid": "Enter the lowest pay as an amount of money, like 0.50",
            "min_value": "The lowest pay per session cannot be less than £0",
        },
    )
    max_pay_rate = forms.DecimalField(
        label="Highest pay per session, in pounds",
        max_digits=6,
        decimal_places=2,
        error_messages={
            "required": "Enter the highest pay per session",
            "invalid": "Enter the highest pay as an amount of money, like 2.40",
        },
    )
    recipients_per_buddy = forms.IntegerField(
        label="How many people can one buddy support?",
        help_text="PeerCare warns when there are fewer fit-to-work buddies than this allows for",
        min_value=1,
        max_value=20,
        error_messages={
            "required": "Enter how many people one buddy can support",
            "invalid": "Enter a whole number, like 3",
            "min_value": "Enter a number of people of at least 1",
            "max_value": "Enter a number of people of 20 or fewer",
        },
    )
    mandatory_modules = forms.ModelMultipleChoiceField(
        label="Which training must a buddy hold to be fit to work?",
        help_text="Select all that apply",
        queryset=TrainingModule.objects.filter(audience="buddy"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name", field_width=20),
            Field.radios("formality", legend_size=Size.SMALL),
            Field.radios("leadership", legend_size=Size.SMALL),
            Field("started_on"),
            Fieldset(
                Field.checkbox("allows_outer_clothing"),
                Field.checkbox("allows_medication_collect"),
                legend="Optional tasks",
                legend_size=Size.SMALL,
            ),
            Fieldset(
                Field.text("min_pay_rate", field_width=5),
                Field.text("max_pay_rate", field_width=5),
                legend="Pay",
                legend_size=Size.SMALL,
            ),
            Field.text("recipients_per_buddy", field_width=2),
            Field.checkboxes("mandatory_modules", legend_size=Size.SMALL, small=True),
            Button("submit", "Save changes"),
        )
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_pay_rate"), cleaned.get("max_pay_rate")
        if low is not None and high is not None and high < low:
            self.add_error(
                "max_pay_rate", "The highest pay must be the same as or more than the lowest"
            )
        return cleaned

    def clean_started_on(self):
        started_on = self.cleaned_data.get("started_on")
        if started_on and started_on > timezone.localdate():
            raise forms.ValidationError("The date the scheme started must be today or in the past")
        return started_on


class TaskChoiceField(forms.ModelMultipleChoiceField):
    """Offers the tasks allowed in this prison, but accepts any task on the national list, so that a
    forbidden one posted directly is refused with the reason rather than a generic message."""

    def _check_values(self, value):
        codes = {str(code) for code in value}
        tasks = list(Task.objects.filter(code__in=codes))
        unknown = codes - {task.code for task in tasks}
        if unknown:
            raise ValidationError(
                f"{', '.join(sorted(unknown))} is not a task on the national list"
            )
        return tasks
