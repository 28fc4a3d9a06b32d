import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import policy
from buddies.constants import BuddyStatus
from buddies.models import Buddy
from buddies.week import FIRST_YEAR, LAST_YEAR
from common.filters import selected_filters
from common.forms import add_service_errors
from common.history import history_entries
from governance.constants import Severity
from governance.incident_forms import IncidentFilter, IncidentForm
from governance.incident_selectors import incident_counts
from governance.incident_services import (
    EDITABLE_FIELDS,
    incident_record,
    incident_suspend_buddy,
    incident_update,
)
from governance.models import Incident
from recipients.models import Recipient


def get_incident_for_user(user, prison, incident_id: int) -> Incident:
    """The incident if the user may see it in this prison; 404 otherwise."""
    return get_object_or_404(
        Incident.objects.for_user(user)
        .filter(prison=prison)
        .select_related("category", "buddy", "recipient", "recorded_by"),
        pk=incident_id,
    )


def _can_manage(request) -> bool:
    return policy.has_capability(request.user, policy.MANAGE_SCHEME)


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def incident_list(request, prison):
    incidents = (
        Incident.objects.for_user(request.user)
        .filter(prison=prison)
        .select_related("category", "buddy", "recipient")
    )
    filters = IncidentFilter(request.GET, queryset=incidents)
    return render(
        request,
        "governance/incidents/incident_list.html",
        {
            "prison": prison,
            "filters": filters,
            "selected_filters": selected_filters(request, filters.form),
            "incidents": list(filters.qs),
            "can_manage": _can_manage(request),
        },
    )


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def incident_detail(request, prison, incident_id):
    incident = get_incident_for_user(request.user, prison, incident_id)
    return _detail(request, prison, incident)


def _detail(request, prison, incident, *, suspend_errors=(), status=200):
    can_manage = _can_manage(request)
    return render(
        request,
        "governance/incidents/incident_detail.html",
        {
            "prison": prison,
            "incident": incident,
            "can_manage": can_manage,
            "can_suspend": can_manage
            and incident.buddy is not None
            and incident.buddy.status == BuddyStatus.ACTIVE,
            "suspend_errors": list(suspend_errors),
            "entries": history_entries(incident, subject="Incident", hidden=["prison"]),
        },
        status=status,
    )


def _form(request, prison, **kwargs) -> IncidentForm:
    user = request.user
    return IncidentForm(
        request.POST or None,
        buddies=Buddy.objects.for_user(user)
        .filter(prison=prison)
        .order_by("family_name", "given_name"),
        recipients=Recipient.objects.for_user(user)
        .filter(prison=prison)
        .order_by("family_name", "given_name"),
        **kwargs,
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def incident_new(request, prison):
    form = _form(request, prison, initial={"status": "open"})
    if request.method == "POST" and form.is_valid():
        try:
            incident = incident_record(prison=prison, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Incident {incident.reference} recorded")
            return redirect("incident-detail", prison.code, incident.pk)
    return render(
        request,
        "governance/incidents/incident_form.html",
        {"prison": prison, "form": form, "title": "Record an incident"},
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def incident_edit(request, prison, incident_id):
    incident = get_incident_for_user(request.user, prison, incident_id)
    initial = {name: getattr(incident, name) for name in EDITABLE_FIELDS}
    initial["category"] = incident.category_id
    form = _form(request, prison, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            incident_update(incident=incident, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Changes to incident {incident.reference} saved")
            return redirect("incident-detail", prison.code, incident.pk)
    return render(
        request,
        "governance/incidents/incident_form.html",
        {
            "prison": prison,
            "incident": incident,
            "form": form,
            "title": f"Change incident {incident.reference}",
        },
    )


@policy.prison_view(policy.MANAGE_SCHEME)
@require_POST
def incident_suspend(request, prison, incident_id):
    """Suspend the buddy the incident names, from the incident's page."""
    incident = get_incident_for_user(request.user, prison, incident_id)
    try:
        buddy = incident_suspend_buddy(incident=incident, user=request.user)
    except ValidationError as error:
        incident.refresh_from_db()
        return _detail(request, prison, incident, suspend_errors=error.messages)
    messages.success(
        request, f"{buddy.full_name} is suspended. This is noted in the incident's actions."
    )
    return redirect("incident-detail", prison.code, incident.pk)


def _one_year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _period(request) -> tuple[dt.date, dt.date]:
    """The period from the query string (?from=YYYY-MM-DD&to=...), by default the 12 months to today.
    Dates that are not real, or outside 2000 to 2100, fall back to the default."""

    def read(name: str) -> dt.date | None:
        try:
            value = dt.date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None
        return value if FIRST_YEAR <= value.year <= LAST_YEAR else None

    end = read("to") or timezone.localdate()
    start = read("from") or _one_year_before(end) + dt.timedelta(days=1)
    if start > end:
        start, end = end, start
    return start, end


@policy.prison_view(policy.VIEW_AGGREGATES)
def incident_summary(request, prison):
    """Incidents counted by kind and severity, for inspectors and analysts: no one is named."""
    start, end = _period(request)
    return render(
        request,
        "governance/incidents/incident_summary.html",
        {
            "prison": prison,
            "start": start,
            "end": end,
            "counts": incident_counts(prison, start, end),
            "severities": list(Severity),
            "sees_people": policy.has_capability(request.user, policy.VIEW_PERSONAL_DATA),
        },
    )
