from urllib.parse import urlencode

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms


def filter_form_helper(form: forms.Form) -> FormHelper:
    """Lay out a filter form in GOV.UK style for the MoJ filter panel: small checkboxes and radios."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # a GET form: no token in the address
    helper.legend_size = Size.SMALL
    helper.label_size = Size.SMALL
    fields = [Button("apply", "Apply filters")]
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.CheckboxSelectMultiple):
            fields.append(Field.checkboxes(name, small=True, legend_size=Size.SMALL))
        elif isinstance(field.widget, forms.RadioSelect):
            fields.append(Field.radios(name, small=True, legend_size=Size.SMALL))
        elif isinstance(field.widget, forms.Select):
            fields.append(Field.select(name))
        else:
            fields.append(Field.text(name))
    helper.layout = Layout(*fields)
    return helper


def selected_filters(request, form: forms.Form, *, ignore=("sort", "page")) -> list[dict]:
    """The filters in use, each value with the link that removes it (MoJ 'selected filters')."""
    selected = []
    for name, field in form.fields.items():
        if name in ignore:
            continue
        values = request.GET.getlist(name)
        choices = {str(value): str(label) for value, label in getattr(field, "choices", [])}
        tags = []
        for value in values:
            if value in choices and value != "":
                remaining = [
                    (k, v) for k, v in request.GET.lists() for v in v if (k, v) != (name, value)
                ]
                tags.append({"label": choices[value], "url": "?" + urlencode(remaining)})
        if tags:
            selected.append({"legend": str(field.label), "tags": tags})
    return selected
