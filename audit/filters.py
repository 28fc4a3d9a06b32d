import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from audit.constants import READ_KINDS, AuditKind
from audit.models import AuditEvent
from common.filters import filter_form_helper
from governance.models import Prison


def _start_of(day: dt.date) -> dt.datetime:
    """The first moment of a day in London: dates are filtered as people read them."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class DateInput(forms.DateInput):
    """The browser's date picker, as on the other pages that choose a period."""

    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class AuditEventFilter(django_filters.FilterSet):
    """Everything in the audit log, for administrators."""

    username = django_filters.CharFilter(
        label="Username",
        method="filter_username",
        help_text="Who did it, or the account a security event is about",
    )
    kind = django_filters.ChoiceFilter(label="What", choices=AuditKind.choices, empty_label="Any")
    prison = django_filters.ModelChoiceFilter(
        label="Prison", queryset=Prison.objects.order_by("name"), empty_label="Any prison"
    )
    start = django_filters.DateFilter(label="From", method="filter_start", widget=DateInput())
    end = django_filters.DateFilter(label="To", method="filter_end", widget=DateInput())

    class Meta:
        model = AuditEvent
        fields = []

    @property
    def form(self):
        form = super().form
        if not hasattr(form, "helper"):
            form.helper = filter_form_helper(form)
        return form

    def filter_username(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(username__iexact=value) | Q(detail__account__iexact=value))

    def filter_start(self, queryset, name, value):
        return queryset.filter(at__gte=_start_of(value))

    def filter_end(self, queryset, name, value):
        return queryset.filter(at__lt=_start_of(value + dt.timedelta(days=1)))


class PrisonReadsFilter(AuditEventFilter):
    """Who looked at one prison's records, for its lead: reads only, of that prison."""

    kind = django_filters.ChoiceFilter(
        label="What",
        choices=[(kind.value, kind.label) for kind in AuditKind if kind in READ_KINDS],
        empty_label="Any",
    )
    prison = None
