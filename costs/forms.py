from crispy_forms_gds.layout import Field
from django import forms

from common.forms import govuk_helper
from costs.calculation import financial_year_start

MAX_TEMPLATE_BYTES = 1_000_000


def clean_financial_year(value: str) -> str:
    value = value.strip()
    try:
        financial_year_start(value)
    except ValueError:
        raise forms.ValidationError("Enter a financial year like 2025-26") from None
    return value


class UnitCostForm(forms.Form):
    financial_year = forms.CharField(
        label="Financial year",
        help_text="For example, 2025-26",
        max_length=7,
        error_messages={"required": "Enter the financial year"},
    )
    band = forms.IntegerField(
        label="Salary band",
        min_value=1,
        max_value=20,
        error_messages={
            "required": "Enter the band",
            "invalid": "Enter the band as a whole number, like 3",
            "min_value": "Enter a band from 1 to 20",
            "max_value": "Enter a band from 1 to 20",
        },
    )
    hourly_cost = forms.DecimalField(
        label="Cost an hour, in pounds",
        min_value=0,
        max_digits=7,
        decimal_places=2,
        error_messages={
            "required": "Enter the cost an hour",
            "invalid": "Enter the cost as an amount, like 18.40",
            "min_value": "The cost cannot be negative",
            "max_decimal_places": "Enter the cost in pounds and pence, like 18.40",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.text("financial_year", field_width=5),
            Field.text("band", field_width=2),
            Field.text("hourly_cost", field_width=5),
            button="Save unit cost",
        )

    def clean_financial_year(self):
        return clean_financial_year(self.cleaned_data["financial_year"])


class TemplateUploadForm(forms.Form):
    template = forms.FileField(
        label="Cost template file",
        help_text="A cost-template JSON file for this prison, as in the national data standard",
        error_messages={"required": "Choose a cost template file", "empty": "The file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(Field("template"), button="Upload")

    def clean_template(self):
        upload = self.cleaned_data["template"]
        if upload.size > MAX_TEMPLATE_BYTES:
            raise forms.ValidationError("The file must be smaller than 1 MB")
        return upload
