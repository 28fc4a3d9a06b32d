import datetime as dt

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, models


class GovukDateField(DateInputField):
    """GOV.UK date input (day, month, year) with the Design System's error messages.

    `subject` completes the messages, e.g. "the date the scheme started".
    """

    def __init__(self, *, subject: str = "the date", **kwargs):
        self.subject = subject
        super().__init__(**kwargs)
        self.error_messages["required"] = f"Enter {subject}"
        self.error_messages["incomplete"] = f"Enter {subject}"
        for part, field in zip(("day", "month", "year"), self.fields, strict=True):
            field.error_messages["incomplete"] = (
                f"{subject[:1].upper()}{subject[1:]} must include a {part}"
            )
            for validator in field.validators:
                validator.message = f"{subject[:1].upper()}{subject[1:]} must be a real date"

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers")
        try:
            return dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as error:
            raise ValidationError(
                f"{self.subject[:1].upper()}{self.subject[1:]} must be a real date"
            ) from error


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing a whole number too large for the key column as a choice that is
    not on the list, before it reaches the database.

    Django keeps such numbers out of single lookups (ticket 27397) but not out of the `__in`
    lookup this field makes, and SQLite then fails with OverflowError: a server error for a
    posted `99999999999999999999`."""

    def _check_values(self, value):
        model = self.queryset.model
        key = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        if isinstance(key, models.IntegerField) and isinstance(value, list | tuple):
            ops = connections[self.queryset.db].ops
            lowest, highest = ops.integer_field_range(key.get_internal_type())
            for choice in value:
                try:
                    number = int(choice)
                except (TypeError, ValueError):
                    continue  # not a number: Django's own check refuses it
                if not lowest <= number <= highest:
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": choice},
                    )
        return super()._check_values(value)
