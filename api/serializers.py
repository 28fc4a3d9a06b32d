"""What the API reads and writes, in the national data standard's names and codes.

Each read serializer gives a record as the standard's file row would (sessions.csv, incidents.csv…)
plus its `id`. Dates are YYYY-MM-DD, money a string with two decimals, lists of codes sorted, and a
code not recorded is null (the standard's empty cell).

The write serializers only read and look up what was sent (the prison among the user's own, the
people by prison number in that prison); every rule is the domain service's, so the API and the web
cannot disagree.
"""

import datetime as dt

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import policy
from buddies.constants import Outcome, Period
from buddies.models import Buddy, Session
from costs.models import CostYear
from governance.constants import IncidentStatus, Severity
from governance.models import Incident, IncidentCategory, Prison, Supervision, TrainingRecord
from recipients.models import CarePlan, Recipient

FIRST_YEAR, LAST_YEAR = 2000, 2100
PRISON_NUMBER = r"^[A-Z][0-9]{4}[A-Z]{2}$"
PRISON_NUMBER_MESSAGE = (
    "Enter a prison number in the right format: a letter, 4 numbers and 2 letters, like A1234BC"
)
PRISON_CODE = r"^[A-Z]{2,5}$"


class NullableChoiceField(serializers.ChoiceField):
    """A code of the standard, null when not recorded (stored as an empty string)."""

    def __init__(self, choices, **kwargs):
        super().__init__(choices, allow_null=True, read_only=True, **kwargs)

    def to_representation(self, value):
        return value or None


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class CodeListField(serializers.Field):
    """The codes of a many-to-many relation, sorted (read from the prefetched rows)."""

    def __init__(self, attribute: str = "pk", **kwargs):
        self.attribute = attribute
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, manager):
        return sorted(str(getattr(item, self.attribute)) for item in manager.all())


class DateField(serializers.DateField):
    """YYYY-MM-DD, in the years 2000 to 2100."""

    def __init__(self, **kwargs):
        super().__init__(input_formats=["%Y-%m-%d"], **kwargs)

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise serializers.ValidationError(f"Enter a date from {FIRST_YEAR} to {LAST_YEAR}")
        return day


def prison_number_field(**kwargs) -> serializers.RegexField:
    return serializers.RegexField(
        PRISON_NUMBER, max_length=7, error_messages={"invalid": PRISON_NUMBER_MESSAGE}, **kwargs
    )


# Reads ---------------------------------------------------------------------------------------


class PrisonSerializer(serializers.ModelSerializer):
    """prisons.csv: a prison and how its scheme is run. No personal data."""

    prison_code = serializers.CharField(source="code")
    local_authority = serializers.CharField(source="local_authority.name")
    scheme_name = serializers.CharField(source="scheme.name", allow_null=True)
    scheme_formality = serializers.CharField(source="scheme.formality", allow_null=True)
    leadership = serializers.CharField(source="scheme.leadership", allow_null=True)
    scheme_started_on = serializers.DateField(source="scheme.started_on", allow_null=True)
    allows_outer_clothing = serializers.BooleanField(
        source="scheme.allows_outer_clothing", allow_null=True
    )
    allows_medication_collect = serializers.BooleanField(
        source="scheme.allows_medication_collect", allow_null=True
    )
    mandatory_modules = serializers.SerializerMethodField()
    region = serializers.CharField()

    class Meta:
        model = Prison
        fields = [
            "prison_code",
            "name",
            "category",
            "local_authority",
            "region",
            "scheme_name",
            "scheme_formality",
            "leadership",
            "scheme_started_on",
            "allows_outer_clothing",
            "allows_medication_collect",
            "mandatory_modules",
        ]
        read_only_fields = fields

    def get_mandatory_modules(self, prison) -> list[str]:
        scheme = getattr(prison, "scheme", None)
        if scheme is None:
            return []
        return sorted(module.pk for module in scheme.mandatory_modules.all())


class BuddySerializer(serializers.ModelSerializer):
    """buddies.csv, with the pay scheme and rate in force today."""

    prison_code = serializers.CharField(source="prison.code")
    vetting_outcome = NullableChoiceField(Buddy._meta.get_field("vetting_outcome").choices)
    end_reason = NullableChoiceField(Buddy._meta.get_field("end_reason").choices)
    pay_scheme = serializers.CharField(source="current_pay_scheme", allow_null=True)
    pay_rate_per_session = serializers.DecimalField(
        source="current_pay_rate", max_digits=6, decimal_places=2, allow_null=True
    )
    other_peer_roles = CodeListField()

    class Meta:
        model = Buddy
        fields = [
            "id",
            "prison_code",
            "prison_number",
            "given_name",
            "family_name",
            "status",
            "applied_on",
            "vetted_on",
            "vetting_outcome",
            "interviewed_on",
            "offered_on",
            "rejected_on",
            "rejection_reason",
            "compact_signed_on",
            "benefits_explained_on",
            "safeguarding_briefed_on",
            "started_on",
            "ended_on",
            "end_reason",
            "pay_scheme",
            "pay_rate_per_session",
            "other_peer_roles",
        ]
        read_only_fields = fields


class RecipientSerializer(serializers.ModelSerializer):
    """recipients.csv: a person supported."""

    prison_code = serializers.CharField(source="prison.code")
    needs = CodeListField()
    mental_capacity = NullableChoiceField(Recipient._meta.get_field("mental_capacity").choices)
    formal_care = NullableChoiceField(Recipient._meta.get_field("formal_care").choices)
    la_outcome = NullableChoiceField(Recipient._meta.get_field("la_outcome").choices)
    end_reason = NullableChoiceField(Recipient._meta.get_field("end_reason").choices)

    class Meta:
        model = Recipient
        fields = [
            "id",
            "prison_code",
            "prison_number",
            "given_name",
            "family_name",
            "date_of_birth",
            "needs",
            "mental_capacity",
            "formal_care",
            "referred_to_la_on",
            "la_assessed_on",
            "la_outcome",
            "support_started_on",
            "support_ended_on",
            "end_reason",
        ]
        read_only_fields = fields


class CarePlanSerializer(serializers.ModelSerializer):
    """care_plans.csv: one version of a person's care plan, with its version and state."""

    prison_code = serializers.CharField(source="recipient.prison.code")
    prison_number = serializers.CharField(source="recipient.prison_number")
    tasks = CodeListField()
    capacity_at_agreement = NullableChoiceField(
        CarePlan._meta.get_field("capacity_at_agreement").choices
    )

    class Meta:
        model = CarePlan
        fields = [
            "id",
            "recipient_id",
            "prison_code",
            "prison_number",
            "version",
            "state",
            "starts_on",
            "review_due_on",
            "tasks",
            "capacity_at_agreement",
            "agreed_with_recipient_on",
            "agreed_with_buddy_on",
            "best_interests_decision_by",
            "la_approved_on",
            "reviewed_on",
            "boundaries_explained_on",
            "notes",
        ]
        read_only_fields = fields


class SessionSerializer(serializers.ModelSerializer):
    """sessions.csv: one session, delivered (`yes`) or missed (the reason's code)."""

    prison_code = serializers.CharField(source="prison.code")
    buddy_prison_number = serializers.SerializerMethodField()
    recipient_prison_number = serializers.CharField(source="recipient.prison_number")
    tasks = CodeListField()
    delivered = serializers.ChoiceField(source="outcome", choices=Outcome.choices)

    class Meta:
        model = Session
        fields = [
            "id",
            "prison_code",
            "date",
            "period",
            "buddy_prison_number",
            "recipient_prison_number",
            "minutes",
            "tasks",
            "delivered",
            "informal",
            "paid",
            "off_plan_reason",
            "logged_at",
        ]
        read_only_fields = fields

    def get_buddy_prison_number(self, session) -> str | None:
        """The buddy's, or for informal help the helper's when known."""
        if session.buddy_id:
            return session.buddy.prison_number
        return session.helper_prison_number or None


class SessionRecordedSerializer(SessionSerializer):
    warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text="Recorded, but worth knowing: a buddy not fit to work, informal help to refer",
    )

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "warnings"]
        read_only_fields = fields


class TrainingSerializer(serializers.ModelSerializer):
    """training.csv: a module completed by a buddy or a member of staff."""

    prison_code = serializers.CharField(source="prison.code")
    person_kind = serializers.SerializerMethodField()
    person_ref = serializers.SerializerMethodField()
    module = serializers.CharField(source="module_id")

    class Meta:
        model = TrainingRecord
        fields = [
            "id",
            "prison_code",
            "person_kind",
            "person_ref",
            "module",
            "provider",
            "completed_on",
            "hours",
            "expires_on",
        ]
        read_only_fields = fields

    def get_person_kind(self, record) -> str:
        return "buddy" if record.buddy_id else "staff"

    def get_person_ref(self, record) -> str:
        """The buddy's prison number, or the member of staff's reference."""
        return record.buddy.prison_number if record.buddy_id else record.staff.staff_ref


class SupervisionSerializer(serializers.ModelSerializer):
    """supervision.csv: a supervision session and the buddies in it."""

    prison_code = serializers.CharField(source="prison.code")
    supervisor = serializers.SerializerMethodField()
    buddy_prison_numbers = CodeListField("prison_number", source="buddies")

    class Meta:
        model = Supervision
        fields = [
            "id",
            "prison_code",
            "reference",
            "date",
            "kind",
            "supervisor",
            "buddy_prison_numbers",
            "minutes",
            "notes",
        ]
        read_only_fields = fields

    def get_supervisor(self, supervision) -> str:
        """The supervisor's staff reference, or their name when they are not on record."""
        if supervision.supervisor_id:
            return supervision.supervisor.staff_ref
        return supervision.supervisor_name


class IncidentSerializer(serializers.ModelSerializer):
    """incidents.csv, with the actions taken and the outcome."""

    prison_code = serializers.CharField(source="prison.code")
    category = serializers.CharField(source="category_id")
    buddy_prison_number = serializers.CharField(source="buddy.prison_number", allow_null=True)
    recipient_prison_number = serializers.CharField(
        source="recipient.prison_number", allow_null=True
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "prison_code",
            "reference",
            "occurred_on",
            "category",
            "severity",
            "buddy_prison_number",
            "recipient_prison_number",
            "status",
            "safeguarding_referral_on",
            "closed_on",
            "summary",
            "actions",
            "outcome",
        ]
        read_only_fields = fields


class CostYearSerializer(serializers.ModelSerializer):
    """A prison's cost template for a financial year; `report` is where its figures are."""

    prison_code = serializers.CharField(source="prison.code")
    report = serializers.SerializerMethodField()

    class Meta:
        model = CostYear
        fields = ["prison_code", "financial_year", "updated_at", "report"]
        read_only_fields = fields

    def get_report(self, cost_year) -> str:
        return f"/api/v1/prisons/{cost_year.prison.code}/costs/{cost_year.financial_year}/"


class MoneyField(serializers.CharField):
    """Pounds as a string with two decimals, like "1234.50"; null when it cannot be worked out."""


class CostReportSerializer(serializers.Serializer):
    """The year's costs by the evaluation's method (as `manage.py cost_report --format json`)."""

    prison_code = serializers.CharField()
    financial_year = serializers.CharField()
    source_of_buddy_pay = serializers.ChoiceField(choices=["sessions", "template"])
    source_of_staff_time = serializers.ChoiceField(choices=["staff_time_logs", "template"])
    buddies = serializers.IntegerField()
    recipients = serializers.IntegerField()
    components = serializers.DictField(child=MoneyField())
    by_payer = serializers.DictField(child=MoneyField())
    total = MoneyField()
    total_excluding_training = MoneyField()
    per_buddy = MoneyField(allow_null=True)
    per_buddy_excluding_training = MoneyField(allow_null=True)
    per_recipient = MoneyField(allow_null=True)
    per_recipient_excluding_training = MoneyField(allow_null=True)
    per_recipient_by_scheme = serializers.DictField(child=MoneyField())
    incomplete = serializers.ListField(
        child=serializers.CharField(), help_text="What could not be costed, and why"
    )


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer"},
            {"type": "string"},
            {"type": "object", "additionalProperties": True},
        ],
        "nullable": True,
    }
)
class IndicatorValueField(serializers.JSONField):
    """A number, a string such as "<5", or a breakdown object: the schema above says which."""


class IndicatorSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = IndicatorValueField(
        help_text="A count, a decimal as a string, a breakdown by code, null when it cannot be "
        'worked out, or "<5" for a count of 1 to 4 hidden from those who see figures only'
    )
    base = serializers.IntegerField(
        allow_null=True,
        help_text="The count the value rests on; null for those who see figures only",
    )


class IndicatorsSerializer(serializers.Serializer):
    """The evaluation guide's indicators for one prison over a period (both days included)."""

    def get_fields(self):
        return {
            "prison_code": serializers.CharField(),
            "from": serializers.DateField(),
            "to": serializers.DateField(),
            "small_numbers_hidden": serializers.BooleanField(
                help_text="true for those who see figures only: counts of 1 to 4 read <5"
            ),
            "indicators": IndicatorSerializer(many=True),
        }


class PeriodSerializer(serializers.Serializer):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD; by default the 12 months to today."""

    def get_fields(self):
        return {"from": DateField(required=False), "to": DateField(required=False)}

    def validate(self, attrs):
        if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"from": "The start must be on or before the end"})
        return attrs

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        end = self.validated_data.get("to") or today
        start = self.validated_data.get("from") or end - dt.timedelta(days=364)
        if start > end:
            raise serializers.ValidationError({"from": "The start must be on or before the end"})
        return start, end


# Writes --------------------------------------------------------------------------------------


def your_prison(user, code: str) -> Prison:
    """One of the user's prisons; one outside them reads as one that does not exist."""
    prison = policy.prisons_for(user).select_related("scheme").filter(code=code).first()
    if prison is None:
        raise serializers.ValidationError(
            {"prison_code": f"No prison with code {code} among your prisons"}
        )
    return prison


def person_in(queryset, prison: Prison, number: str, field: str, what: str):
    """The buddy or person with this prison number in this prison, or a field error."""
    found = queryset.filter(prison=prison, prison_number=number).first()
    if found is None:
        raise serializers.ValidationError(
            {field: f"No {what} with prison number {number} at {prison.code}"}
        )
    return found


class SessionWriteSerializer(serializers.Serializer):
    """A session as sessions.csv gives it. The rules are buddies.activity.check_session's."""

    prison_code = serializers.RegexField(PRISON_CODE, max_length=5)
    date = DateField()
    period = serializers.ChoiceField(choices=Period.choices)
    buddy_prison_number = prison_number_field(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="The buddy; for informal help the helper, or empty when not known",
    )
    recipient_prison_number = prison_number_field()
    minutes = serializers.IntegerField(
        help_text="Minutes of help; for a missed session, the minutes planned"
    )
    tasks = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list
    )
    delivered = serializers.ChoiceField(
        choices=Outcome.choices, help_text="yes, or the reason the session was missed"
    )
    informal = serializers.BooleanField(
        help_text="true when the helper is not a buddy assigned to this person on that date"
    )
    paid = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Left out or null: as usual (delivered sessions are paid, and those the regime "
        "cancelled where the prison pays them)",
    )
    off_plan_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )

    def validate(self, attrs):
        user = self.context["request"].user
        prison = your_prison(user, attrs["prison_code"])
        recipient = person_in(
            Recipient.objects.for_user(user),
            prison,
            attrs["recipient_prison_number"],
            "recipient_prison_number",
            "person supported",
        )
        number = attrs.get("buddy_prison_number") or ""
        buddy = None
        if number:
            buddy = Buddy.objects.for_user(user).filter(prison=prison, prison_number=number).first()
            if buddy is None and not attrs["informal"]:
                raise serializers.ValidationError(
                    {
                        "buddy_prison_number": f"No buddy with prison number {number} at {prison.code}"
                    }
                )
        return {
            **attrs,
            "prison": prison,
            "recipient": recipient,
            "buddy": buddy,
            # Informal help by someone who is not a buddy here: kept as the helper's number.
            "helper_prison_number": "" if buddy else number,
        }


# The service's field names, as the API calls them.
SESSION_FIELDS = {
    "buddy": "buddy_prison_number",
    "helper_prison_number": "buddy_prison_number",
    "recipient": "recipient_prison_number",
    "outcome": "delivered",
    "missed_reason": "delivered",
    "prison": "prison_code",
}


class IncidentWriteSerializer(serializers.Serializer):
    """An incident as incidents.csv gives it, with its actions and outcome. For a change, send
    only what changes; the prison cannot change."""

    prison_code = serializers.RegexField(PRISON_CODE, max_length=5)
    reference = serializers.CharField(max_length=40)
    occurred_on = DateField()
    category = serializers.CharField(
        max_length=40, help_text="An incident category code, like boundary_crossed"
    )
    severity = serializers.ChoiceField(choices=Severity.choices)
    buddy_prison_number = prison_number_field(required=False, allow_null=True, allow_blank=True)
    recipient_prison_number = prison_number_field(required=False, allow_null=True, allow_blank=True)
    status = serializers.ChoiceField(choices=IncidentStatus.choices)
    safeguarding_referral_on = DateField(required=False, allow_null=True)
    closed_on = DateField(required=False, allow_null=True)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    actions = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=4000)

    def validate_category(self, code: str) -> IncidentCategory:
        category = IncidentCategory.objects.filter(code=code).first()
        if category is None:
            raise serializers.ValidationError(f"No incident category with the code {code}")
        return category

    def validate(self, attrs):
        user = self.context["request"].user
        incident = self.instance
        if incident is None:
            prison = your_prison(user, attrs["prison_code"])
        else:
            prison = incident.prison
            if "prison_code" in attrs and attrs["prison_code"] != prison.code:
                raise serializers.ValidationError(
                    {"prison_code": "An incident stays in its prison: record a new one instead"}
                )
        values = {k: v for k, v in attrs.items() if k != "prison_code"}
        for field, model, what, target in [
            ("buddy_prison_number", Buddy, "buddy", "buddy"),
            ("recipient_prison_number", Recipient, "person supported", "recipient"),
        ]:
            if field in values:
                number = values.pop(field) or ""
                values[target] = (
                    person_in(model.objects.for_user(user), prison, number, field, what)
                    if number
                    else None
                )
        for name in ["summary", "actions", "outcome"]:
            if name in values:
                values[name] = values[name].strip()
        return {**values, "prison": prison}


INCIDENT_FIELDS = {
    "buddy": "buddy_prison_number",
    "recipient": "recipient_prison_number",
    "prison": "prison_code",
}
