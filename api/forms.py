from crispy_forms_gds.layout import Field
from django import forms

from common.forms import govuk_helper


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What is the token for?",
        help_text="For example, the nightly export from the wing system. Only you and "
        "administrators see this name.",
        max_length=60,
        error_messages={
            "required": "Enter what the token is for",
            "max_length": "The name must be 60 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(Field.text("name", field_width=30), button="Create token")
