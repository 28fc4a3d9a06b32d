from crispy_forms_gds.layout import Field
from django import forms

from common.forms import govuk_helper
from exchange.reading import MAX_UPLOAD_BYTES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "govuk-file-upload"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:
                single(None, initial)  # "Choose the files to import"
                return []
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportForm(forms.Form):
    files = MultipleFileField(
        label="Files to import",
        help_text=(
            "CSV files named as in the national data standard (buddies.csv, sessions.csv and so "
            "on), or one XLSX workbook with a sheet for each, and any cost templates. Up to 20 MB "
            "in all."
        ),
        error_messages={"required": "Choose the files to import", "empty": "A file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(Field("files"), button="Check the files")

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        if sum(upload.size for upload in uploads) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "The files must be 20 MB or smaller in all: import a large history in parts, "
                "for example a year of sessions at a time, or ask an administrator to use the "
                "import_data command"
            )
        return uploads
