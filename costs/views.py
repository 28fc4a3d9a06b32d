import json
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from accounts import policy
from common.history import history_entries, history_entries_of
from costs.calculation import COMPONENTS, financial_year_start
from costs.forms import TemplateUploadForm, UnitCostForm
from costs.management.commands.cost_report import report_csv
from costs.models import CostYear, UnitCost
from costs.services import cost_report, cost_reports_for, cost_year_import
from costs.template import TemplateInvalid
from governance.models import Prison

PAYER_LABELS = {
    "prison": "the prison",
    "local_authority": "the local authority",
    "external_organisation": "external organisations",
    "other": "others",
}
SCHEME_LABELS = {
    "standard": "standard pay",
    "enhanced": "enhanced pay",
    "credit": "credit",
    "unpaid_volunteer": "unpaid volunteers",
}
COMPONENT_LABELS = {
    "buddy_pay": "Buddy pay",
    "training": "Training",
    "staff_labour": "Staff time",
    "external_organisations": "External organisations",
    "non_labour": "Materials and other items",
    "incentives": "Incentives",
}


def _year(value: str) -> str:
    try:
        financial_year_start(value)
    except ValueError:
        raise Http404("No such financial year") from None
    return value


@policy.prison_view(policy.VIEW_AGGREGATES)
def cost_years(request, prison):
    """The years with costs recorded, and (for leads) the upload of a cost template."""
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST":
        if not policy.has_capability(request.user, policy.MANAGE_SCHEME):
            raise PermissionDenied
        if form.is_valid():
            try:
                data = json.loads(form.cleaned_data["template"].read().decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                line = getattr(error, "lineno", 1)
                errors = [
                    f"{form.cleaned_data['template'].name}:{line}: the file is not valid JSON"
                ]
            except RecursionError:  # Python's parser stops about a thousand levels deep
                errors = [
                    f"{form.cleaned_data['template'].name}:1: the file is nested too deeply "
                    "to be a cost template"
                ]
            else:
                if isinstance(data, dict) and data.get("prison_code") not in (None, prison.code):
                    errors = [
                        f"prison_code: this file is for {data.get('prison_code')}, not {prison.code}"
                    ]
                else:
                    try:
                        cost_year = cost_year_import(data=data)
                    except TemplateInvalid as invalid:
                        errors = invalid.errors
                    else:
                        messages.success(request, f"Costs for {cost_year.financial_year} imported")
                        return redirect("cost-summary", prison.code, cost_year.financial_year)
    years = CostYear.objects.filter(prison=prison).order_by("-financial_year")
    return render(
        request,
        "costs/cost_years.html",
        {
            "prison": prison,
            "years": years,
            "form": form,
            "errors": errors,
            "can_manage": policy.has_capability(request.user, policy.MANAGE_SCHEME),
        },
    )


def _get_cost_year(prison, year) -> CostYear:
    cost_year = (
        CostYear.objects.filter(prison=prison, financial_year=_year(year))
        .select_related("prison")
        .first()
    )
    if cost_year is None:
        raise Http404("No costs recorded for that year")
    return cost_year


def _chart(components: dict[str, Decimal]) -> list[dict]:
    """Bars for a server-drawn SVG chart: width as a share of the largest component."""
    largest = max(components.values(), default=Decimal("0")) or Decimal("1")
    return [
        {
            "label": COMPONENT_LABELS[name],
            "amount": amount,
            "width": int(amount / largest * 300),
            "y": index * 28,
        }
        for index, (name, amount) in enumerate(components.items())
    ]


@policy.prison_view(policy.VIEW_AGGREGATES)
def cost_summary(request, prison, year):
    cost_year = _get_cost_year(prison, year)
    result = cost_report(cost_year)
    return render(
        request,
        "costs/cost_summary.html",
        {
            "prison": prison,
            "cost_year": cost_year,
            "result": result,
            "components": [
                (COMPONENT_LABELS[name], result.components[name]) for name in COMPONENTS
            ],
            "bars": _chart(result.components),
            "payers": [(PAYER_LABELS[p], amount) for p, amount in result.by_payer.items()],
            "schemes": [
                (SCHEME_LABELS[s], amount) for s, amount in result.per_recipient_by_scheme.items()
            ],
            "chart_height": len(COMPONENTS) * 28,
            "can_manage": policy.has_capability(request.user, policy.MANAGE_SCHEME),
            "history": history_entries(
                cost_year, subject="Cost template", hidden=["prison", "template", "updated_at"]
            ),
        },
    )


@policy.prison_view(policy.VIEW_AGGREGATES)
def cost_summary_download(request, prison, year, fmt):
    if fmt not in {"csv", "pdf"}:
        raise Http404("No such format")
    cost_year = _get_cost_year(prison, year)
    report = cost_report(cost_year).as_json()
    name = f"costs-{prison.code}-{cost_year.financial_year}"
    if fmt == "csv":
        response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    from common.pdf import pdf_response, render_pdf

    where = f"{prison.name}, {cost_year.financial_year}"
    pdf = render_pdf(
        template_name="costs/report_pdf.html",
        context={"report": report, "prison": prison, "running_header": where.replace(", ", " · ")},
        title=f"Costs of the peer support scheme: {where}",
        sensitive=False,
        request=request,
    )
    return pdf_response(pdf, f"{name}.pdf")


@policy.require_capability(policy.VIEW_AGGREGATES)
def cost_comparison(request, year):
    """Cost per recipient and per buddy across prisons for a year: figures only."""
    year = _year(year)
    cost_years = list(
        CostYear.objects.filter(
            financial_year=year, prison__in=Prison.objects.for_user(request.user)
        ).select_related("prison")
    )
    reports = cost_reports_for(cost_years)  # every prison's in the same few queries
    rows = sorted(
        ((cost_year.prison, reports[cost_year.pk]) for cost_year in cost_years),
        key=lambda row: row[0].name,
    )
    return render(request, "costs/cost_comparison.html", {"year": year, "rows": rows})


@policy.require_capability(policy.VIEW_AGGREGATES)
def unit_costs(request):
    """The hourly cost by band and year. Administrators change it; every change is kept."""
    can_change = policy.has_capability(request.user, policy.ADMINISTER)
    form = UnitCostForm(request.POST or None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    unit_cost, _created = UnitCost.objects.update_or_create(
                        financial_year=data["financial_year"],
                        band=data["band"],
                        defaults={"hourly_cost": data["hourly_cost"]},
                    )
            except IntegrityError:
                form.add_error("band", "This band could not be saved: try again")
            else:
                messages.success(
                    request,
                    f"Band {unit_cost.band} in {unit_cost.financial_year}: £{unit_cost.hourly_cost} an hour",
                )
                return redirect("unit-costs")
    entries = history_entries_of(
        UnitCost.objects.all(),
        subject=lambda unit_cost: f"Band {unit_cost.band}, {unit_cost.financial_year}",
    )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return render(
        request,
        "costs/unit_costs.html",
        {
            "unit_costs": UnitCost.objects.all(),
            "form": form,
            "can_change": can_change,
            "entries": entries[:20],
        },
    )


def _cost_entry(request, prison, cost_year: CostYear | None):
    from costs.entry import YearForm, assemble, filled, formsets, place_errors, year_initial

    template = cost_year.template if cost_year else None
    year = YearForm(request.POST or None, initial=year_initial(template))
    sets = formsets(request.POST or None, template)
    leftover = []
    if request.method == "POST" and year.is_valid() and all(fs.is_valid() for fs in sets.values()):
        data = assemble(prison.code, year, sets)
        rows = {name: [fs.forms.index(form) for form in filled(fs)] for name, fs in sets.items()}
        if cost_year and data["financial_year"] != cost_year.financial_year:
            year.add_error(
                "financial_year",
                f"This page changes {cost_year.financial_year}: upload or enter a new year separately",
            )
        else:
            try:
                saved = cost_year_import(data=data)
            except TemplateInvalid as invalid:
                leftover = place_errors(invalid.errors, year, sets, rows)
            else:
                messages.success(request, f"Costs for {saved.financial_year} saved")
                return redirect("cost-summary", prison.code, saved.financial_year)
    from costs.entry import LISTS

    return render(
        request,
        "costs/cost_entry.html",
        {
            "prison": prison,
            "cost_year": cost_year,
            "year_form": year,
            "sections": [(LISTS[name][0], name, fs) for name, fs in sets.items()],
            "leftover": leftover,
            "has_errors": bool(
                leftover or year.errors or any(fs.total_error_count() for fs in sets.values())
            ),
        },
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def cost_new(request, prison):
    return _cost_entry(request, prison, None)


@policy.prison_view(policy.MANAGE_SCHEME)
def cost_edit(request, prison, year):
    return _cost_entry(request, prison, _get_cost_year(prison, year))
