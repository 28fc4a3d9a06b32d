from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from accounts import two_factor


class CodeForm(forms.Form):
    """One code: six digits from the app, or a recovery code. The check against the device is
    the view's (it needs the request to mark the session verified); this form makes the field
    and its messages."""

    label = "Code from your authenticator app"
    hint = "The 6 digits your app shows for PeerCare. A new code appears every 30 seconds."
    required_message = "Enter the 6-digit code from your authenticator app"
    wrong_message = "The code is not right. Enter the code your app shows now"
    shape_message = "Enter the 6 digits from your authenticator app"
    button = "Continue"

    code = forms.CharField(max_length=40, strip=True)

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        field = self.fields["code"]
        field.label = self.label
        field.help_text = self.hint
        field.error_messages["required"] = self.required_message
        field.error_messages["max_length"] = self.shape_message
        field.widget.attrs.update(self.input_attributes())
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("code", field_width=10), Button("submit", self.button)
        )

    def input_attributes(self):
        return {
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "spellcheck": "false",
        }

    def clean_code(self):
        code = two_factor.clean_code(self.cleaned_data["code"])
        if not self.shape_is_right(code):
            raise forms.ValidationError(self.shape_message)
        return code

    def shape_is_right(self, code):
        return len(code) == 6 and code.isdigit()

    def refuse(self, wait: int = 0):
        """The code was not accepted: because the device is waiting after wrong codes (`wait`
        seconds more), or because it is wrong."""
        if wait:
            message = (
                f"You have entered too many wrong codes. Wait {wait} "
                f"second{'s' if wait != 1 else ''}, then enter the code your app shows"
            )
        else:
            message = self.wrong_message
        self.add_error("code", message)


class RecoveryCodeForm(CodeForm):
    label = "Recovery code"
    hint = "One of the codes you saved when you set up two-factor sign-in. Each works once."
    required_message = "Enter one of your recovery codes"
    wrong_message = "The recovery code is not right, or has already been used"
    shape_message = "Enter a recovery code: letters and numbers, like 'abcd2345'"

    def input_attributes(self):
        return {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}

    def shape_is_right(self, code):
        return 1 <= len(code) <= 16 and code.isalnum()
