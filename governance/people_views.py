"""Training, staff and supervision: the governance records a lead keeps for the scheme."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts import policy
from buddies.constants import BuddyStatus
from buddies.models import Buddy
from common.forms import add_service_errors
from governance.forms import StaffForm, StaffTimeForm, SupervisionForm, TrainingGroupForm
from governance.models import StaffMember, Supervision
from governance.services import (
    staff_create,
    staff_time_record,
    supervision_record,
    training_record_group,
)
from governance.training import VALID, TrainingContext

EXPIRING_DAYS = 60


def _working_buddies(user, prison):
    return Buddy.objects.for_user(user).filter(
        prison=prison, status__in=[BuddyStatus.ACTIVE, BuddyStatus.OFFERED, BuddyStatus.SUSPENDED]
    )


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def training_matrix(request, prison):
    """Buddies by mandatory module: gaps, expiries in the next 60 days and renewal windows."""
    today = timezone.localdate()
    buddies = list(_working_buddies(request.user, prison).order_by("family_name", "given_name"))
    training = TrainingContext.load([b.pk for b in buddies], [prison.pk])
    modules = training.mandatory.get(prison.pk, [])
    soon = today + dt.timedelta(days=EXPIRING_DAYS)
    rows = []
    for buddy in buddies:
        cells = []
        for state in training.states(buddy, today):
            status = state.status
            if status == VALID and state.expires_on and state.expires_on <= soon:
                status = "expiring"
            cells.append((state, status))
        late = (
            buddy.status == BuddyStatus.ACTIVE
            and buddy.started_on
            and (today - buddy.started_on).days > 28
            and any(status in {"missing", "expired"} for _state, status in cells)
        )
        rows.append((buddy, cells, late))
    return render(
        request,
        "governance/training_matrix.html",
        {
            "prison": prison,
            "modules": modules,
            "rows": rows,
            "can_manage": policy.has_capability(request.user, policy.MANAGE_SCHEME),
            "expiring_days": EXPIRING_DAYS,
        },
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def training_new(request, prison):
    form = TrainingGroupForm(
        request.POST or None,
        buddies=_working_buddies(request.user, prison).order_by("family_name"),
        staff=StaffMember.objects.for_user(request.user).filter(prison=prison),
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = training_record_group(prison=prison, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, non_field_to="completed_on")
        else:
            module = form.cleaned_data["module"]
            messages.success(
                request, f"{module} recorded for {count} {'person' if count == 1 else 'people'}"
            )
            return redirect("training-matrix", prison.code)
    return render(
        request,
        "governance/form.html",
        {"prison": prison, "form": form, "title": "Record training"},
    )


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def staff_list(request, prison):
    staff = StaffMember.objects.for_user(request.user).filter(prison=prison)
    return render(
        request,
        "governance/staff_list.html",
        {
            "prison": prison,
            "staff": staff,
            "can_manage": policy.has_capability(request.user, policy.MANAGE_SCHEME),
        },
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def staff_new(request, prison):
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = staff_create(prison=prison, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{member.name} added")
            return redirect("staff-detail", prison.code, member.pk)
    return render(
        request,
        "governance/form.html",
        {"prison": prison, "form": form, "title": "Add a member of staff"},
    )


def get_staff_for_user(user, prison, staff_id: int) -> StaffMember:
    return get_object_or_404(StaffMember.objects.for_user(user).filter(prison=prison), pk=staff_id)


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def staff_detail(request, prison, staff_id):
    member = get_staff_for_user(request.user, prison, staff_id)
    return render(
        request,
        "governance/staff_detail.html",
        {
            "prison": prison,
            "member": member,
            "training": list(member.training.select_related("module")),
            "time": list(member.time.all()[:26]),
            "can_manage": policy.has_capability(request.user, policy.MANAGE_SCHEME),
        },
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def staff_time(request, prison, staff_id):
    member = get_staff_for_user(request.user, prison, staff_id)
    form = StaffTimeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = staff_time_record(staff=member, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{entry.hours} hours recorded for {member.name}")
            return redirect("staff-detail", prison.code, member.pk)
    return render(
        request,
        "governance/form.html",
        {"prison": prison, "form": form, "title": f"Record time on the scheme for {member.name}"},
    )


def supervision_status(prison, on: dt.date):
    """Each working buddy's last supervision and whether it is past the prison's limit (one query)."""
    limit = prison.scheme.supervision_limit_days
    buddies = (
        Buddy.objects.filter(prison=prison, status=BuddyStatus.ACTIVE)
        .annotate(last_supervised=Max("supervisions__date", filter=Q(supervisions__date__lte=on)))
        .order_by("family_name", "given_name")
    )
    rows = []
    for buddy in buddies:
        since = buddy.last_supervised or buddy.started_on
        days = (on - since).days if since else None
        rows.append((buddy, buddy.last_supervised, days, days is None or days > limit))
    return rows, limit


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def supervision_list(request, prison):
    today = timezone.localdate()
    rows, limit = supervision_status(prison, today)
    sessions = (
        Supervision.objects.for_user(request.user)
        .filter(prison=prison)
        .select_related("supervisor")
        .prefetch_related("buddies")[:30]
    )
    return render(
        request,
        "governance/supervision_list.html",
        {
            "prison": prison,
            "rows": rows,
            "limit": limit,
            "sessions": sessions,
            "overdue": sum(1 for row in rows if row[3]),
            "can_manage": policy.has_capability(request.user, policy.MANAGE_SCHEME),
        },
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def supervision_new(request, prison):
    count = Supervision.objects.filter(prison=prison).count()
    today = timezone.localdate()
    form = SupervisionForm(
        request.POST or None,
        initial={"reference": f"SUP-{today.year}-{count + 1:03d}", "date": today},
        buddies=Buddy.objects.for_user(request.user).filter(
            prison=prison, status=BuddyStatus.ACTIVE
        ),
        staff=StaffMember.objects.for_user(request.user).filter(prison=prison),
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = supervision_record(prison=prison, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Supervision {session.reference} recorded")
            return redirect("supervision-list", prison.code)
    return render(
        request,
        "governance/form.html",
        {"prison": prison, "form": form, "title": "Record supervision"},
    )
