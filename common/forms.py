from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Layout, Size
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from common.fields import GovukDateField


def add_service_errors(
    form: forms.Form,
    error: ValidationError,
    *,
    rename: dict[str, str] | None = None,
    non_field_to: str | None = None,
) -> None:
    """Show a service's ValidationError on the form, each message next to its field.

    `rename` maps a service's argument names onto form fields; messages for anything the form does
    not have go to `non_field_to` if given, else to the top of the form.
    """
    rename = rename or {}
    messages = (
        error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    )
    for name, field_messages in messages.items():
        target = rename.get(name, name)
        if target not in form.fields:
            target = non_field_to
        for message in field_messages:
            form.add_error(target, message)


def govuk_helper(*fields, button: str = "Save") -> FormHelper:
    """A crispy-forms-gds helper for a one-column form ending in a primary button.

    The page's template writes the <form> and its CSRF token, so the helper does not."""
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*fields, Button("submit", button))
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    return helper


def govuk_date_field(
    subject: str, label: str, *, required: bool = False, help_text: str = "For example, 27 3 2026"
) -> GovukDateField:
    """A GOV.UK date input whose messages name `subject` ("Enter the date they applied")."""
    return GovukDateField(
        subject=subject,
        label=label,
        required=required,
        require_all_fields=False,
        help_text=help_text,
    )
