"""The API's filters: by prison code (?prison=HMX, repeated for several) and by date
(?from=2026-01-01&to=2026-03-31, both days included), plus a few codes of the data standard.

A prison outside the user's prisons reads exactly as one that does not exist: 400, "No prison
with code … among your prisons". Every value is checked before it reaches the database.
"""

import datetime as dt
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema_field

from accounts import policy
from buddies.constants import BuddyStatus, Outcome
from buddies.models import Buddy, Session
from costs.models import CostYear
from governance.constants import IncidentStatus, Severity, SupervisionKind
from governance.models import Incident, Prison, Supervision, TrainingRecord
from recipients.constants import PlanState
from recipients.models import CarePlan, Recipient

FIRST_YEAR, LAST_YEAR = 2000, 2100
PRISON_CODE = re.compile(r"[A-Z]{2,5}")
FINANCIAL_YEAR = re.compile(r"[0-9]{4}-[0-9]{2}")


def check_year(value: dt.date) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(f"Enter a date from {FIRST_YEAR} to {LAST_YEAR}", code="out_of_range")


class IsoDateField(forms.DateField):
    input_formats = ["%Y-%m-%d"]
    default_error_messages = {"invalid": "Enter a date as YYYY-MM-DD, like 2026-01-31"}
    default_validators = [check_year]


class IsoDateFilter(django_filters.DateFilter):
    field_class = IsoDateField


class PrisonCodesField(forms.ModelMultipleChoiceField):
    """Prison codes, each one of the user's prisons; a malformed code never reaches a query."""

    def _check_values(self, value):
        for code in value:
            if not PRISON_CODE.fullmatch(str(code)):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": code},
                )
        return super()._check_values(value)


class PrisonCodesFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = PrisonCodesField

    def get_filter_predicate(self, v):
        return {self.field_name: v}  # the prison itself, found by its code


def your_prisons(request):
    if request is None:
        return Prison.objects.none()
    return policy.prisons_for(request.user)


def prison_filter(field_name: str = "prison") -> PrisonCodesFilter:
    return extend_schema_field({"type": "string", "pattern": "^[A-Z]{2,5}$"})(
        PrisonCodesFilter(
            field_name=field_name,
            to_field_name="code",
            queryset=your_prisons,
            label="Prison code (repeat for several prisons)",
            error_messages={"invalid_choice": "No prison with code %(value)s among your prisons"},
        )
    )


def choices_filter(choices, label: str, field_name: str | None = None):
    return django_filters.MultipleChoiceFilter(
        field_name=field_name,
        choices=choices,
        label=label,
        error_messages={"invalid_choice": "%(value)s is not one of the codes: see the schema"},
    )


def with_period(date_field: str, what: str):
    """Add ?from= and ?to= on `date_field` to a FilterSet (`from` is a Python keyword)."""

    def decorate(filterset):
        filterset.base_filters["from"] = IsoDateFilter(
            field_name=date_field, lookup_expr="gte", label=f"{what} on or after (YYYY-MM-DD)"
        )
        filterset.base_filters["to"] = IsoDateFilter(
            field_name=date_field, lookup_expr="lte", label=f"{what} on or before (YYYY-MM-DD)"
        )
        return filterset

    return decorate


class PrisonFilter(django_filters.FilterSet):
    prison = prison_filter("pk")

    class Meta:
        model = Prison
        fields = []


class BuddyFilter(django_filters.FilterSet):
    prison = prison_filter()
    status = choices_filter(BuddyStatus.choices, "Status (repeat for several)")

    class Meta:
        model = Buddy
        fields = []


class RecipientFilter(django_filters.FilterSet):
    prison = prison_filter()
    supported_on = IsoDateFilter(
        label="Supported on this date (YYYY-MM-DD)", method="filter_supported_on"
    )

    class Meta:
        model = Recipient
        fields = []

    def filter_supported_on(self, queryset, name, value):
        return queryset.supported(value)


@with_period("starts_on", "Plan starts")
class CarePlanFilter(django_filters.FilterSet):
    prison = prison_filter("recipient__prison")
    state = choices_filter(PlanState.choices, "State (repeat for several)")

    class Meta:
        model = CarePlan
        fields = []


@with_period("date", "Session")
class SessionFilter(django_filters.FilterSet):
    prison = prison_filter()
    delivered = choices_filter(
        Outcome.choices, "yes, or the reason it was missed (repeat for several)", "outcome"
    )

    class Meta:
        model = Session
        fields = []


@with_period("completed_on", "Completed")
class TrainingFilter(django_filters.FilterSet):
    prison = prison_filter()
    person_kind = django_filters.ChoiceFilter(
        choices=[("buddy", "Buddy"), ("staff", "Staff")],
        label="buddy or staff",
        method="filter_person_kind",
    )

    class Meta:
        model = TrainingRecord
        fields = []

    def filter_person_kind(self, queryset, name, value):
        return queryset.filter(buddy__isnull=value != "buddy")


@with_period("date", "Supervision")
class SupervisionFilter(django_filters.FilterSet):
    prison = prison_filter()
    kind = choices_filter(SupervisionKind.choices, "Kind (repeat for several)")

    class Meta:
        model = Supervision
        fields = []


@with_period("occurred_on", "Happened")
class IncidentFilter(django_filters.FilterSet):
    prison = prison_filter()
    status = choices_filter(IncidentStatus.choices, "Status (repeat for several)")
    severity = choices_filter(Severity.choices, "Severity (repeat for several)")

    class Meta:
        model = Incident
        fields = []


class FinancialYearField(forms.CharField):
    def validate(self, value):
        super().validate(value)
        if value and not FINANCIAL_YEAR.fullmatch(value):
            raise ValidationError("Enter a financial year like 2025-26", code="invalid")


class FinancialYearFilter(django_filters.CharFilter):
    field_class = FinancialYearField


class CostYearFilter(django_filters.FilterSet):
    prison = prison_filter()
    financial_year = FinancialYearFilter(label="Financial year, like 2025-26")

    class Meta:
        model = CostYear
        fields = []
