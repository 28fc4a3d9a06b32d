import datetime as dt

from crispy_forms_gds.fields import DateInputField
from django.core.exceptions import ValidationError


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
