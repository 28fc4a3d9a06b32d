from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


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
