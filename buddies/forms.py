import django_filters
from crispy_forms_gds.layout import (
    ConditionalQuestion,
    ConditionalRadios,
    Field,
    Fieldset,
    Size,
)
from django import forms
from django.db.models import Q

from buddies.constants import (
    MISSED_OUTCOMES,
    BuddyStatus,
    EndReason,
    Outcome,
    PayScheme,
    Period,
    VettingOutcome,
)
from buddies.models import Buddy
from common.filters import filter_form_helper
from common.forms import govuk_date_field, govuk_helper
from common.versioning import VersionedForm
from governance.forms import TaskChoiceField
from governance.models import PeerRole


def peer_roles_field():
    return forms.ModelMultipleChoiceField(
        label="Other peer roles they hold",
        help_text="Select all that apply",
        queryset=PeerRole.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class BuddyDetailsForm(forms.Form):
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

    def clean_prison_number(self):
        return self.cleaned_data["prison_number"].strip().upper().replace(" ", "")


class BuddyCreateForm(BuddyDetailsForm):
    applied_on = govuk_date_field("the date they applied", "When did they apply?", required=True)
    other_peer_roles = peer_roles_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.text("prison_number", field_width=10),
            Field.text("given_name", field_width=20),
            Field.text("family_name", field_width=20),
            Field("applied_on"),
            Field.checkboxes("other_peer_roles", small=True),
            button="Add applicant",
        )


class BuddyEditForm(VersionedForm, BuddyDetailsForm):
    applied_on = govuk_date_field("the date they applied", "Applied", required=True)
    vetting_outcome = forms.ChoiceField(
        label="Security vetting",
        choices=[("", "Not started"), *VettingOutcome.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    vetted_on = govuk_date_field("the date of the vetting decision", "Date of the vetting decision")
    interviewed_on = govuk_date_field("the interview date", "Interviewed")
    offered_on = govuk_date_field("the date of the offer", "Offered the role")
    compact_signed_on = govuk_date_field(
        "the date the compact was signed",
        "Compact (contract) or job description signed",
        help_text="PSI requirement 5: the scheme is formal",
    )
    benefits_explained_on = govuk_date_field(
        "the date the benefits of the role were explained",
        "Benefits of peer support explained to them",
        help_text="PSI requirement 1",
    )
    safeguarding_briefed_on = govuk_date_field(
        "the date safeguarding was explained",
        "Safeguarding policy and how to raise a concern explained",
        help_text="PSI requirements 6 and 13",
    )
    other_peer_roles = peer_roles_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Fieldset(
                Field.text("prison_number", field_width=10),
                Field.text("given_name", field_width=20),
                Field.text("family_name", field_width=20),
                legend="Details",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field("applied_on"),
                Field.radios("vetting_outcome", inline=True),
                Field("vetted_on"),
                Field("interviewed_on"),
                Field("offered_on"),
                Field("compact_signed_on"),
                Field("benefits_explained_on"),
                Field("safeguarding_briefed_on"),
                legend="Employment steps",
                legend_size=Size.MEDIUM,
            ),
            Field.checkboxes("other_peer_roles", small=True),
            button="Save changes",
        )
        self.helper.render_hidden_fields = True  # the version the form was opened at


class AnyStatusChoiceField(forms.ChoiceField):
    """Shows the allowed statuses but accepts any, so the service can explain why a move is refused."""

    def valid_value(self, value):
        return value in BuddyStatus.values


class BuddyStatusForm(VersionedForm):
    """Offers only the statuses that may follow the current one."""

    status = AnyStatusChoiceField(
        label="What is their new status?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select their new status"},
    )
    offered_on = govuk_date_field("the date of the offer", "Date of the offer")
    started_on = govuk_date_field("the start date", "Date they start work")
    rejected_on = govuk_date_field("the date of the decision", "Date of the decision")
    rejection_reason = forms.CharField(
        label="Why were they not appointed?", max_length=300, required=False
    )
    ended_on = govuk_date_field("the date they left", "Date they left")
    end_reason = forms.ChoiceField(
        label="Why did they leave?",
        choices=EndReason.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    # The date field that records each status, if any.
    DATE_FOR_STATUS = {
        BuddyStatus.OFFERED: "offered_on",
        BuddyStatus.ACTIVE: "started_on",
        BuddyStatus.REJECTED: "rejected_on",
        BuddyStatus.LEFT: "ended_on",
    }

    def __init__(self, *args, allowed: list[str], resuming: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.resuming = resuming
        choices = [(status, BuddyStatus(status).label) for status in allowed]
        self.fields["status"].choices = choices
        questions = []
        for value, label in choices:
            if value == BuddyStatus.ACTIVE and resuming:
                questions.append(label)  # back from suspension: the start date stands
            elif value == BuddyStatus.REJECTED:
                questions.append(
                    ConditionalQuestion(label, Field("rejected_on"), "rejection_reason")
                )
            elif value == BuddyStatus.LEFT:
                questions.append(ConditionalQuestion(label, Field("ended_on"), "end_reason"))
            elif value in self.DATE_FOR_STATUS:
                questions.append(ConditionalQuestion(label, Field(self.DATE_FOR_STATUS[value])))
            else:
                questions.append(label)
        self.helper = govuk_helper(ConditionalRadios("status", *questions), button="Change status")
        self.helper.render_hidden_fields = True  # the version the form was opened at

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        date_name = self.DATE_FOR_STATUS.get(status)
        if status == BuddyStatus.ACTIVE and self.resuming:
            date_name = None
        if date_name and not cleaned.get(date_name) and date_name not in self.errors:
            self.add_error(date_name, "Enter the date")
        cleaned["on"] = cleaned.get(date_name) if date_name else None
        return cleaned


class PayRateForm(forms.Form):
    pay_scheme = forms.ChoiceField(
        label="How are they paid?",
        choices=PayScheme.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they are paid"},
    )
    rate_per_session = forms.DecimalField(
        label="Rate per session, in pounds",
        help_text="For example, 1.50. Leave empty for an unpaid volunteer.",
        max_digits=6,
        decimal_places=2,
        required=False,
        error_messages={
            "invalid": "Enter the rate as an amount of money, like 1.50",
            "max_decimal_places": "Enter the rate in pounds and pence, like 1.50",
        },
    )
    effective_from = govuk_date_field(
        "the date this rate starts", "From what date are they paid this?", required=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rate_per_session"].widget.attrs.update({"inputmode": "decimal"})
        self.helper = govuk_helper(
            Field.radios("pay_scheme"),
            Field.text("rate_per_session", field_width=5),
            Field("effective_from"),
            button="Save pay",
        )


FIT_CHOICES = [("yes", "Yes"), ("no", "No")]


class BuddyFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        label="Status", choices=BuddyStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    fit_to_work = django_filters.ChoiceFilter(
        label="Meets the employment conditions to work",
        choices=FIT_CHOICES,
        method="filter_fit_to_work",
        widget=forms.RadioSelect,
        empty_label=None,
    )
    pay_scheme = django_filters.MultipleChoiceFilter(
        label="Pay",
        field_name="current_pay_scheme",
        choices=PayScheme.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    other_peer_roles = django_filters.ModelMultipleChoiceFilter(
        label="Other peer roles",
        queryset=PeerRole.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )
    sort = django_filters.OrderingFilter(
        label="Sort by",
        fields=(("family_name", "name"), ("status", "status"), ("started_on", "started")),
        field_labels={"name": "Name", "status": "Status", "started": "Start date"},
    )

    class Meta:
        model = Buddy
        fields = []

    @property
    def form(self):
        form = super().form
        if not hasattr(form, "helper"):
            form.helper = filter_form_helper(form)
        return form

    def filter_fit_to_work(self, queryset, name, value):
        from buddies.rules import fit_to_work_q, untrained_buddy_ids

        if value not in {"yes", "no"}:
            return queryset
        untrained = untrained_buddy_ids(queryset)
        fit = fit_to_work_q() & ~Q(pk__in=untrained)
        return queryset.filter(fit) if value == "yes" else queryset.exclude(fit)


class QuickLogForm(forms.Form):
    """One session in one short form, from a buddy's or a person's page."""

    date = govuk_date_field("the date of the session", "Date", required=True)
    period = forms.ChoiceField(
        label="When?",
        choices=Period.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select morning, afternoon or evening"},
    )
    buddy = forms.ModelChoiceField(
        label="Buddy",
        queryset=None,
        required=False,
        empty_label="Choose a buddy",
        error_messages={"invalid_choice": "Choose a buddy from the list"},
    )
    recipient = forms.ModelChoiceField(
        label="Person supported",
        queryset=None,
        empty_label="Choose a person",
        error_messages={
            "required": "Choose the person supported",
            "invalid_choice": "Choose a person from the list",
        },
    )
    informal = forms.BooleanField(
        label="Informal help: the helper is not a buddy assigned to this person", required=False
    )
    helper_prison_number = forms.CharField(
        label="Helper's prison number, if known",
        max_length=7,
        required=False,
        help_text="For informal help by someone who is not a buddy here",
    )
    outcome = forms.ChoiceField(
        label="Did the session happen?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the session happened"},
    )
    minutes = forms.IntegerField(
        label="Minutes",
        help_text="For a missed session, the minutes that were planned",
        min_value=0,
        max_value=600,
        error_messages={
            "required": "Enter the minutes",
            "invalid": "Enter the minutes as a whole number, like 30",
            "min_value": "Enter 0 minutes or more",
            "max_value": "Enter 600 minutes or fewer",
        },
    )
    tasks = TaskChoiceField(
        label="What did the buddy do?",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    off_plan_reason = forms.CharField(
        label="If a task is not on the care plan, why was it done?",
        max_length=200,
        required=False,
    )
    paid = forms.ChoiceField(
        label="Is the session paid?",
        choices=[("", "As usual for this kind of session"), ("yes", "Paid"), ("no", "Not paid")],
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, prison, buddies, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buddy"].queryset = buddies
        self.fields["buddy"].label_from_instance = lambda b: f"{b.full_name} ({b.prison_number})"
        self.fields["recipient"].queryset = recipients
        self.fields["recipient"].label_from_instance = lambda r: (
            f"{r.full_name} ({r.prison_number})"
        )
        self.fields["tasks"].queryset = prison.scheme.allowed_tasks()
        reasons = [(f"reason-{r.pk}", f"Missed: {r.label}") for r in prison.missed_reasons.all()]
        self.fields["outcome"].choices = [*Outcome.choices, *reasons]
        self.prison = prison
        self.helper = govuk_helper(
            Field("date"),
            Field.radios("period", inline=True),
            Field.select("buddy"),
            Field.select("recipient"),
            Field.checkbox("informal"),
            Field.text("helper_prison_number", field_width=10),
            Field.radios("outcome", small=True),
            Field.text("minutes", field_width=3),
            Field.checkboxes("tasks", small=True),
            Field.text("off_plan_reason"),
            Field.radios("paid", small=True),
            button="Record session",
        )

    def clean_helper_prison_number(self):
        return self.cleaned_data["helper_prison_number"].strip().upper().replace(" ", "")

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome", "")
        cleaned["missed_reason"] = None
        if outcome.startswith("reason-"):
            reason = self.prison.missed_reasons.filter(pk=outcome.removeprefix("reason-")).first()
            if reason is None:
                self.add_error("outcome", "Select whether the session happened")
            else:
                cleaned["missed_reason"], cleaned["outcome"] = reason, reason.maps_to
        return cleaned


class MissedReasonForm(forms.Form):
    label = forms.CharField(
        label="Reason",
        help_text="For example, rest day, buddy sick, clash with another activity",
        max_length=60,
        error_messages={"required": "Enter the reason"},
    )
    maps_to = forms.ChoiceField(
        label="Which national reason does it count as?",
        choices=[(o.value, o.label) for o in MISSED_OUTCOMES],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the national reason it counts as"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.text("label", field_width=20),
            Field.radios("maps_to", small=True),
            button="Add reason",
        )
