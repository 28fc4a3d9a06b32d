import django_filters
from crispy_forms_gds.layout import Button, Field, Fieldset, Size
from django import forms

from common.filters import filter_form_helper
from common.forms import govuk_date_field, govuk_helper
from common.versioning import VersionedForm
from governance.forms import TaskChoiceField
from governance.models import Need, Task
from recipients.constants import FormalCare, LaOutcome, MentalCapacity, PlanState, SupportEndReason
from recipients.models import Recipient


def _choices_with_unknown(choices, unknown="Not recorded"):
    return [("", unknown), *choices]


class RecipientForm(forms.Form):
    prison_number = forms.CharField(
        label="Prison number",
        help_text="A letter, 4 numbers and 2 letters, like A1234BC",
        max_length=7,
        error_messages={"required": "Enter their prison number"},
    )
    given_name = forms.CharField(
        label="Given name", max_length=80, error_messages={"required": "Enter their given name"}
    )
    family_name = forms.CharField(
        label="Family name", max_length=80, error_messages={"required": "Enter their family name"}
    )
    date_of_birth = govuk_date_field(
        "their date of birth", "Date of birth", help_text="For example, 27 3 1958"
    )
    needs = forms.ModelMultipleChoiceField(
        label="What are their social care needs?",
        help_text="Select all that apply",
        queryset=Need.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    mental_capacity = forms.ChoiceField(
        label="Mental capacity",
        choices=_choices_with_unknown(MentalCapacity.choices),
        widget=forms.RadioSelect,
        required=False,
    )
    formal_care = forms.ChoiceField(
        label="What formal care do they receive?",
        choices=_choices_with_unknown(FormalCare.choices),
        widget=forms.RadioSelect,
        required=False,
    )
    referred_to_la_on = govuk_date_field("the referral date", "Referred to the local authority")
    la_assessed_on = govuk_date_field("the assessment date", "Assessed by the local authority")
    la_outcome = forms.ChoiceField(
        label="Outcome of the assessment",
        choices=_choices_with_unknown(LaOutcome.choices),
        widget=forms.RadioSelect,
        required=False,
    )
    support_started_on = govuk_date_field(
        "the date support started",
        "When did buddy support start?",
        help_text="Leave blank if support has not started",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Fieldset(
                Field.text("prison_number", field_width=10),
                Field.text("given_name", field_width=20),
                Field.text("family_name", field_width=20),
                Field("date_of_birth"),
                legend="Details",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkboxes("needs", small=True),
                Field.radios("mental_capacity", small=True),
                Field.radios("formal_care", small=True),
                legend="Needs",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field("referred_to_la_on"),
                Field("la_assessed_on"),
                Field.radios("la_outcome", small=True),
                legend="Local authority",
                legend_size=Size.MEDIUM,
            ),
            Field("support_started_on"),
            button="Save",
        )

    def clean_prison_number(self):
        return self.cleaned_data["prison_number"].strip().upper().replace(" ", "")


class RecipientEditForm(VersionedForm, RecipientForm):
    """A person's record as it was when the form was opened, with that version."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.render_hidden_fields = True


class EndSupportForm(VersionedForm):
    on = govuk_date_field("the date support ended", "When did support end?", required=True)
    reason = forms.ChoiceField(
        label="Why did support end?",
        choices=SupportEndReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why support ended"},
    )
    transferred_to = forms.ModelChoiceField(
        label="If they were transferred to a prison that uses PeerCare, which one?",
        help_text="That prison can then take over the record and read the handover",
        queryset=None,
        required=False,
        empty_label="Not known, or a prison that does not use PeerCare",
        error_messages={"invalid_choice": "Choose a prison from the list"},
    )

    def __init__(self, *args, prison, **kwargs):
        super().__init__(*args, **kwargs)
        from governance.models import Prison

        self.fields["transferred_to"].queryset = Prison.objects.exclude(pk=prison.pk).order_by(
            "name"
        )
        self.helper = govuk_helper(
            Field("on"),
            Field.radios("reason"),
            Field.select("transferred_to"),
            button="End support",
        )
        self.helper.render_hidden_fields = True  # the version the form was opened at


class CarePlanForm(forms.Form):
    starts_on = govuk_date_field(
        "the date the plan starts", "When does this plan start?", required=True
    )
    review_due_on = govuk_date_field(
        "the review date",
        "When is it due for review?",
        required=True,
        help_text="For example, 27 6 2026",
    )
    tasks = TaskChoiceField(
        label="What will buddies do?",
        help_text="Only tasks a buddy is allowed to do are listed",
        queryset=Task.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    capacity_at_agreement = forms.ChoiceField(
        label="The person's mental capacity when the plan was agreed",
        choices=_choices_with_unknown(MentalCapacity.choices, "Not yet recorded"),
        widget=forms.RadioSelect,
        required=False,
    )
    best_interests_decision_by = forms.CharField(
        label="Who made the decision in their best interests?",
        help_text="Needed when the person lacks capacity: the social care lead decides (PSI requirement 9)",
        max_length=120,
        required=False,
    )
    agreed_with_recipient_on = govuk_date_field(
        "the date the person agreed", "Agreed with the person"
    )
    agreed_with_buddy_on = govuk_date_field(
        "the date the buddy agreed", "Agreed with the buddy or buddies"
    )
    boundaries_explained_on = govuk_date_field(
        "the date the boundaries were explained",
        "Limits of the buddy's role explained to both",
        help_text="PSI requirements 3 and 10",
    )
    notes = forms.CharField(
        label="Notes",
        help_text="For example, how the person likes things done. Do not write clinical details here.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, allowed_tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = allowed_tasks
        self.helper = govuk_helper(
            Field("starts_on"),
            Field("review_due_on"),
            Field.checkboxes("tasks", small=True),
            Fieldset(
                Field.radios("capacity_at_agreement", small=True),
                Field.text("best_interests_decision_by", field_width=20),
                Field("agreed_with_recipient_on"),
                Field("agreed_with_buddy_on"),
                Field("boundaries_explained_on"),
                legend="Agreement",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("notes", max_characters=2000),
            button="Save draft",
        )


class CarePlanEditForm(VersionedForm, CarePlanForm):
    """A draft or returned plan version as it was when the form was opened, with that version."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.render_hidden_fields = True


class ReturnPlanForm(VersionedForm):
    comments = forms.CharField(
        label="What needs to change?",
        help_text="The social care lead sees this with the plan",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        error_messages={"required": "Enter what needs to change"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.textarea("comments", max_characters=2000), button="Return with comments"
        )
        self.helper.layout[-1] = Button.secondary("submit", "Return with comments")
        self.helper.render_hidden_fields = True  # the version the reviewer read


class AssignmentForm(forms.Form):
    buddy = forms.ModelChoiceField(
        label="Which buddy will support them?",
        queryset=None,
        empty_label="Choose a buddy",
        error_messages={
            "required": "Choose a buddy",
            "invalid_choice": "Choose a buddy from the list",
        },
    )
    started_on = govuk_date_field("the start date", "From when?", required=True)
    no_personal_relationship_confirmed = forms.BooleanField(
        label="I have checked that the buddy has no personal relationship with this person",
        help_text="A buddy must not support a relative, partner or close friend (PSI requirement 11)",
        required=False,
    )

    def __init__(self, *args, buddies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buddy"].queryset = buddies
        self.fields["buddy"].label_from_instance = lambda b: f"{b.full_name} ({b.prison_number})"
        self.helper = govuk_helper(
            Field.select("buddy"),
            Field("started_on"),
            Field.checkbox("no_personal_relationship_confirmed"),
            button="Assign buddy",
        )


class EndAssignmentForm(forms.Form):
    ended_on = govuk_date_field(
        "the end date", "When did they stop supporting this person?", required=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(Field("ended_on"), button="End support from this buddy")


PLAN_FILTER_CHOICES = [("none", "No plan"), *PlanState.choices]


class RecipientFilter(django_filters.FilterSet):
    needs = django_filters.ModelMultipleChoiceFilter(
        label="Needs",
        queryset=Need.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )
    plan_state = django_filters.MultipleChoiceFilter(
        label="Care plan",
        choices=PLAN_FILTER_CHOICES,
        method="filter_plan_state",
        widget=forms.CheckboxSelectMultiple,
    )
    attention = django_filters.MultipleChoiceFilter(
        label="Needs attention",
        choices=[
            ("review_overdue", "Review overdue"),
            ("escalation_due", "Refer to the local authority"),
        ],
        method="filter_attention",
        widget=forms.CheckboxSelectMultiple,
    )
    supported = django_filters.ChoiceFilter(
        label="Support",
        choices=[("current", "Supported now"), ("ended", "Support ended")],
        method="filter_supported",
        widget=forms.RadioSelect,
        empty_label=None,
    )

    class Meta:
        model = Recipient
        fields = []

    @property
    def form(self):
        form = super().form
        if not hasattr(form, "helper"):
            form.helper = filter_form_helper(form)
        return form

    def filter_plan_state(self, queryset, name, values):
        from django.db.models import Q

        condition = Q(plan_state__in=[v for v in values if v != "none"])
        if "none" in values:
            condition |= Q(plan_state__isnull=True)
        return queryset.filter(condition)

    def filter_attention(self, queryset, name, values):
        for value in values:
            if value == "review_overdue":
                queryset = queryset.filter(pk__in=Recipient.objects.review_overdue().values("pk"))
            elif value == "escalation_due":
                queryset = queryset.filter(pk__in=Recipient.objects.escalation_due().values("pk"))
        return queryset

    def filter_supported(self, queryset, name, value):
        if value == "current":
            return queryset.filter(pk__in=Recipient.objects.supported().values("pk"))
        if value == "ended":
            return queryset.filter(support_ended_on__isnull=False)
        return queryset


class TakeOverForm(forms.Form):
    prison_number = forms.CharField(
        label="What is their prison number?",
        help_text="A letter, 4 numbers and 2 letters, like A1234BC",
        max_length=7,
        error_messages={"required": "Enter their prison number"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.text("prison_number", field_width=10), button="Find and take over"
        )

    def clean_prison_number(self):
        return self.cleaned_data["prison_number"].strip().upper().replace(" ", "")
