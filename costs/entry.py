"""Entering a year's costs in the browser: a form for the year and one formset per list of the
cost template. The forms only gather the figures; the cost template's own reader checks them, so
the browser and the import apply the same rules and messages."""

import re
from decimal import Decimal

from django import forms

from costs.calculation import PAYERS
from costs.template import SCHEMES

PAYER_CHOICES = [(p, p.replace("_", " ").capitalize()) for p in PAYERS]
SCHEME_CHOICES = [(s, s.replace("_", " ").capitalize()) for s in SCHEMES]


def _money(label, required=False):
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=9,
        decimal_places=2,
        error_messages={
            "invalid": "Enter an amount, like 1.50",
            "max_decimal_places": "Enter pounds and pence, like 1.50",
        },
    )


def _number(label, required=False):
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=9,
        decimal_places=2,
        error_messages={"invalid": "Enter a number, like 52"},
    )


class YearForm(forms.Form):
    financial_year = forms.CharField(
        label="Financial year",
        help_text="For example, 2025-26",
        max_length=20,
        error_messages={"required": "Enter the financial year"},
    )
    buddies_in_year = forms.IntegerField(
        label="Buddies who worked in the year",
        error_messages={
            "invalid": "Enter a whole number",
            "required": "Enter how many buddies worked",
        },
    )
    recipients_in_year = forms.IntegerField(
        label="People supported in the year",
        error_messages={
            "invalid": "Enter a whole number",
            "required": "Enter how many people were supported",
        },
    )
    prison_estimate_total = _money("The prison's own estimate of the total, if it has one")
    standard = forms.IntegerField(label="Standard pay", required=False)
    enhanced = forms.IntegerField(label="Enhanced pay", required=False)
    credit = forms.IntegerField(label="Credit", required=False)
    unpaid_volunteer = forms.IntegerField(label="Unpaid volunteers", required=False)


class BuddyPayForm(forms.Form):
    scheme = forms.ChoiceField(label="Pay scheme", choices=SCHEME_CHOICES, initial=SCHEMES[0])
    rate_per_session = _money("Rate per session (£)", required=True)
    sessions_per_week = _number("Sessions a week", required=True)
    weeks = _number("Weeks", required=True)
    buddies = forms.IntegerField(
        label="Buddies", error_messages={"invalid": "Enter a whole number"}
    )


class StaffForm(forms.Form):
    role = forms.CharField(
        label="Role", max_length=120, error_messages={"required": "Enter the role"}
    )
    band = forms.IntegerField(
        label="Band", required=False, error_messages={"invalid": "Enter a whole number"}
    )
    hours = _number("Hours in the year")


class ExternalForm(forms.Form):
    organisation = forms.CharField(label="Organisation", max_length=120)
    role = forms.CharField(label="What they did", max_length=120)
    hours = _number("Hours")
    cost = _money("Cost for the year (£)")


class ItemForm(forms.Form):
    item = forms.CharField(label="Item", max_length=120)
    unit_cost = _money("Cost each (£)")
    quantity = _number("Quantity")
    paid_by = forms.ChoiceField(label="Paid by", choices=PAYER_CHOICES, initial=PAYERS[0])


class PaidForm(forms.Form):
    description = forms.CharField(label="What", max_length=200)
    cost = _money("Cost (£)")
    paid_by = forms.ChoiceField(label="Paid by", choices=PAYER_CHOICES, initial=PAYERS[0])


LISTS = {
    "buddy_pay": ("Buddy pay", BuddyPayForm),
    "staff": ("Staff time", StaffForm),
    "external_organisations": ("External organisations", ExternalForm),
    "non_labour": ("Materials and other items", ItemForm),
    "training": ("Training", PaidForm),
    "incentives": ("Incentives", PaidForm),
}
EXTRA_ROWS = 3
# The most lines a list takes from the browser (or as many as the year already has, and a few).
# Without a limit a post naming 99999 lines makes the page build and render 2,000 rows per list.
MAX_ROWS = 100


def formsets(data=None, initial_template: dict | None = None) -> dict:
    """A formset per list, with the template's lines as initial rows and a few empty ones."""
    sets = {}
    for name, (_label, form_class) in LISTS.items():
        initial = (initial_template or {}).get(name) or []
        most = max(MAX_ROWS, len(initial) + EXTRA_ROWS)
        factory = forms.formset_factory(
            form_class, extra=EXTRA_ROWS, max_num=most, absolute_max=most
        )
        sets[name] = factory(
            data,
            prefix=name,
            initial=[dict(row) for row in initial],
            error_messages={
                "too_many_forms": "Enter at most %(num)d lines",
                "missing_management_form": "Some of the page was not sent: open it again",
            },
        )
        for form in sets[name]:
            form.empty_permitted = True
            form.use_required_attribute = False
    return sets


def year_initial(template: dict | None) -> dict:
    if not template:
        return {}
    initial = {
        key: template.get(key)
        for key in [
            "financial_year",
            "buddies_in_year",
            "recipients_in_year",
            "prison_estimate_total",
        ]
    }
    initial.update(template.get("recipients_by_scheme") or {})
    return initial


def _plain(value):
    """Decimals as strings (the standard's money), other values as they are."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return value


def assemble(prison_code: str, year: YearForm, sets: dict) -> dict:
    """The cost template, in the standard's own form, from valid forms. Blank rows are skipped."""
    data = {
        "prison_code": prison_code,
        "financial_year": year.cleaned_data["financial_year"].strip(),
        "buddies_in_year": year.cleaned_data["buddies_in_year"],
        "recipients_in_year": year.cleaned_data["recipients_in_year"],
        "prison_estimate_total": _plain(year.cleaned_data["prison_estimate_total"]),
    }
    by_scheme = {s: year.cleaned_data[s] for s in SCHEMES if year.cleaned_data.get(s) is not None}
    data["recipients_by_scheme"] = by_scheme or None
    for name, formset in sets.items():
        data[name] = [
            {key: _plain(value) for key, value in form.cleaned_data.items()}
            for form in filled(formset)
        ]
    return data


def filled(formset) -> list:
    """The rows with something typed in them (a choice left as it was does not count)."""
    rows = []
    for form in formset:
        data = getattr(form, "cleaned_data", None) or {}
        typed = [k for k, f in form.fields.items() if not isinstance(f, forms.ChoiceField)]
        if any(data.get(k) not in (None, "") for k in typed):
            rows.append(form)
    return rows


ERROR_PATH = re.compile(r"^(?P<list>\w+)\[(?P<index>\d+)\]\.(?P<field>\w+): (?P<message>.+)$")


def place_errors(
    errors: list[str], year: YearForm, sets: dict, rows: dict[str, list[int]]
) -> list[str]:
    """Put each `field: message` from the template reader next to its field; return any left over.
    `rows` maps each list to the formset row of each line that was sent."""
    left = []
    for error in errors:
        match = ERROR_PATH.match(error)
        if match and match["list"] in sets:
            row = rows[match["list"]][int(match["index"])]
            form = sets[match["list"]].forms[row]
            if match["field"] in form.fields:
                form.add_error(match["field"], match["message"])
                continue
        field, _sep, message = error.partition(": ")
        if field in year.fields:
            year.add_error(field, message)
        else:
            left.append(error)
    return left
