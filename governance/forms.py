from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from common.fields import GovukDateField, ModelMultipleChoiceField
from common.forms import govuk_date_field, govuk_helper
from governance.constants import (
    Leadership,
    Organisation,
    SchemeFormality,
    StaffActivity,
    SupervisionKind,
    TrainingProvider,
)
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
        self.helper.form_tag = False  # each template writes the <form> and its CSRF token
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
        for code in codes:
            # As Django's own field does: PostgreSQL cannot compare text holding NUL at all.
            self.validate_no_null_characters(code)
        tasks = list(Task.objects.filter(code__in=codes))
        unknown = codes - {task.code for task in tasks}
        if unknown:
            raise ValidationError(
                f"{', '.join(sorted(unknown))} is not a task on the national list"
            )
        return tasks


def _people_field(label: str) -> ModelMultipleChoiceField:
    return ModelMultipleChoiceField(
        label=label, queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )


class TrainingGroupForm(forms.Form):
    module = forms.ModelChoiceField(
        label="Which module?",
        queryset=TrainingModule.objects.all(),
        empty_label="Choose a module",
        error_messages={
            "required": "Choose the module",
            "invalid_choice": "Choose a module from the list",
        },
    )
    provider = forms.ChoiceField(
        label="Who delivered it?",
        choices=TrainingProvider.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who delivered the training"},
    )
    completed_on = govuk_date_field(
        "the date it was completed", "When was it completed?", required=True
    )
    hours = forms.DecimalField(
        label="How many hours?",
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=2,
        error_messages={
            "invalid": "Enter the hours as a number, like 2.5",
            "min_value": "Enter 0 hours or more",
        },
    )
    expires_on = govuk_date_field(
        "the expiry date", "When does it expire?", help_text="Leave blank if it does not expire"
    )
    buddies = _people_field("Buddies who completed it")
    staff = _people_field("Staff who completed it")

    def __init__(self, *args, buddies, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buddies"].queryset = buddies
        self.fields["buddies"].label_from_instance = lambda b: f"{b.full_name} ({b.prison_number})"
        self.fields["staff"].queryset = staff
        self.helper = govuk_helper(
            Field.select("module"),
            Field.radios("provider", small=True),
            Field("completed_on"),
            Field.text("hours", field_width=3),
            Field("expires_on"),
            Field.checkboxes("buddies", small=True),
            Field.checkboxes("staff", small=True),
            button="Record training",
        )


class StaffForm(forms.Form):
    staff_ref = forms.CharField(
        label="Staff reference",
        max_length=40,
        help_text="The prison's own identifier, like OFF-12",
        error_messages={"required": "Enter the staff reference"},
    )
    name = forms.CharField(
        label="Name", max_length=120, error_messages={"required": "Enter their name"}
    )
    role = forms.CharField(
        label="Role",
        max_length=120,
        help_text="For example, equalities officer",
        error_messages={"required": "Enter their role"},
    )
    organisation = forms.ChoiceField(
        label="Organisation",
        choices=Organisation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select their organisation"},
    )
    band = forms.IntegerField(
        label="Salary band",
        required=False,
        min_value=1,
        max_value=20,
        help_text="Leave blank if not known: their time is then not costed",
        error_messages={
            "invalid": "Enter the band as a number, like 3",
            "min_value": "Enter a band from 1 to 20",
            "max_value": "Enter a band from 1 to 20",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.text("staff_ref", field_width=10),
            Field.text("name", field_width=20),
            Field.text("role", field_width=20),
            Field.radios("organisation", small=True),
            Field.text("band", field_width=2),
            button="Add member of staff",
        )


class StaffTimeForm(forms.Form):
    week_starting = govuk_date_field(
        "the Monday the week starts", "Week starting (a Monday)", required=True
    )
    activity = forms.ChoiceField(
        label="What was the time spent on?",
        choices=StaffActivity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the time was spent on"},
    )
    hours = forms.DecimalField(
        label="Hours",
        min_value=0,
        max_value=168,
        max_digits=5,
        decimal_places=2,
        error_messages={
            "required": "Enter the hours",
            "invalid": "Enter the hours as a number, like 2.5",
            "min_value": "Enter 0 hours or more",
            "max_value": "Enter 168 hours or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field("week_starting"),
            Field.radios("activity", small=True),
            Field.text("hours", field_width=3),
            button="Record time",
        )


class SupervisionForm(forms.Form):
    reference = forms.CharField(
        label="Reference",
        max_length=40,
        help_text="The prison's own reference, like SUP-2026-014",
        error_messages={"required": "Enter a reference"},
    )
    date = govuk_date_field("the date of the supervision", "Date", required=True)
    kind = forms.ChoiceField(
        label="What kind of supervision?",
        choices=SupervisionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of supervision"},
    )
    supervisor = forms.ModelChoiceField(
        label="Supervisor",
        queryset=None,
        required=False,
        empty_label="Not on the staff list",
    )
    supervisor_name = forms.CharField(
        label="Supervisor's name, if not on the staff list", max_length=120, required=False
    )
    buddies = _people_field("Buddies supervised")
    minutes = forms.IntegerField(
        label="Minutes",
        required=False,
        min_value=1,
        max_value=600,
        error_messages={
            "invalid": "Enter the minutes as a whole number",
            "min_value": "Enter 1 minute or more",
            "max_value": "Enter 600 minutes or fewer",
        },
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was discussed and any actions. Do not record clinical details.",
    )

    def __init__(self, *args, buddies, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buddies"].queryset = buddies
        self.fields["buddies"].label_from_instance = lambda b: f"{b.full_name} ({b.prison_number})"
        self.fields["supervisor"].queryset = staff
        self.helper = govuk_helper(
            Field.text("reference", field_width=10),
            Field("date"),
            Field.radios("kind", small=True),
            Field.select("supervisor"),
            Field.text("supervisor_name", field_width=20),
            Field.checkboxes("buddies", small=True),
            Field.text("minutes", field_width=3),
            Field.textarea("notes", max_characters=2000),
            button="Record supervision",
        )
