import django_filters
from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Field, Fieldset, Size
from django import forms

from common.filters import filter_form_helper
from common.forms import govuk_date_field, govuk_helper
from governance.constants import IncidentStatus, Severity
from governance.models import Incident, IncidentCategory

# Who each category's risk falls on (IncidentCategory.risk_to), as the groups of the category list.
RISK_GROUPS = [
    ("recipient", "Risks to the person supported"),
    ("buddy", "Risks to the buddy"),
    ("exploitation", "Exploitation of the role"),
    ("quality", "Quality and continuity of care"),
    ("other", "Other"),
]

TEXT_LIMIT = 4000


def _text_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_LIMIT,
        required=False,
        error_messages={
            "max_length": f"{label} must be {TEXT_LIMIT} characters or fewer",
        },
    )


def category_choices() -> list:
    """The incident categories as a grouped list, in the data standard's order."""
    categories = list(IncidentCategory.objects.all())
    groups = []
    for risk_to, heading in RISK_GROUPS:
        members = [(c.code, c.label) for c in categories if c.risk_to == risk_to]
        if members:
            groups.append((heading, members))
    known = {risk_to for risk_to, _heading in RISK_GROUPS}
    others = [(c.code, c.label) for c in categories if c.risk_to not in known]
    if others:
        groups.append(("Other risks", others))
    return [("", "Choose a category"), *groups]


class IncidentForm(forms.Form):
    reference = forms.CharField(
        label="Incident reference",
        help_text="The prison's own reference, like INC-2026-014",
        max_length=40,
        error_messages={"required": "Enter the incident reference"},
    )
    occurred_on = govuk_date_field("the date it happened", "When did it happen?", required=True)
    category = forms.ChoiceField(
        label="What kind of incident was it?",
        error_messages={
            "required": "Choose what kind of incident it was",
            "invalid_choice": "Choose a kind of incident from the list",
        },
    )
    severity = forms.ChoiceField(
        label="How serious was it?",
        choices=Severity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how serious it was"},
    )
    buddy = forms.ModelChoiceField(
        label="Buddy involved",
        help_text="Leave empty if no buddy was involved",
        queryset=None,
        required=False,
        empty_label="No buddy",
        error_messages={"invalid_choice": "Choose a buddy from the list"},
    )
    recipient = forms.ModelChoiceField(
        label="Person supported involved",
        help_text="Leave empty if no person supported was involved",
        queryset=None,
        required=False,
        empty_label="No person supported",
        error_messages={"invalid_choice": "Choose a person from the list"},
    )
    summary = _text_field(
        "What happened",
        "Where and when it happened, and who was involved. Describe anyone else involved here.",
    )
    safeguarding_referral_on = govuk_date_field(
        "the date of the safeguarding referral",
        "Date a safeguarding referral was made",
        help_text="Leave empty if no referral was made. For example, 27 3 2026",
    )
    actions = _text_field(
        "Actions taken", "For example, who was told, referrals made, changes to the care plan"
    )
    outcome = _text_field("Outcome", "What changed as a result, or why the incident was closed")
    status = forms.ChoiceField(
        label="Status",
        choices=IncidentStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the status of the incident"},
    )
    closed_on = govuk_date_field("the date the incident was closed", "Date it was closed")

    def __init__(self, *args, buddies, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.fields["buddy"].queryset = buddies
        self.fields["buddy"].label_from_instance = _person_label
        self.fields["recipient"].queryset = recipients
        self.fields["recipient"].label_from_instance = _person_label
        statuses = [
            ConditionalQuestion(label, Field("closed_on"))
            if value == IncidentStatus.CLOSED
            else label
            for value, label in IncidentStatus.choices
        ]
        self.helper = govuk_helper(
            Field.text("reference", field_width=20),
            Field("occurred_on"),
            Field.select("category"),
            Field.radios("severity", inline=True),
            Fieldset(
                Field.select("buddy"),
                Field.select("recipient"),
                legend="Who was involved",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("summary", max_characters=TEXT_LIMIT),
            Field("safeguarding_referral_on"),
            Field.textarea("actions", max_characters=TEXT_LIMIT),
            Field.textarea("outcome", max_characters=TEXT_LIMIT),
            ConditionalRadios("status", *statuses),
            button="Save incident",
        )
        self.helper.form_tag = False  # the page's own <form> holds it and the CSRF token

    def clean_category(self):
        code = self.cleaned_data["category"]
        category = IncidentCategory.objects.filter(code=code).first()
        if category is None:
            raise forms.ValidationError("Choose a kind of incident from the list")
        return category

    def clean(self):
        cleaned = super().clean()
        # The closing date is asked only under "Closed": anything typed there is ignored otherwise.
        if cleaned.get("status") != IncidentStatus.CLOSED:
            cleaned["closed_on"] = None
            self.errors.pop("closed_on", None)
        return cleaned


def _person_label(person) -> str:
    return f"{person.full_name} ({person.prison_number})"


class IncidentFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        label="Status", choices=IncidentStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    severity = django_filters.MultipleChoiceFilter(
        label="Severity", choices=Severity.choices, widget=forms.CheckboxSelectMultiple
    )
    category = django_filters.ModelMultipleChoiceFilter(
        label="Kind of incident",
        queryset=IncidentCategory.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Incident
        fields = []

    @property
    def form(self):
        form = super().form
        if not hasattr(form, "helper"):
            form.helper = filter_form_helper(form)
        return form
