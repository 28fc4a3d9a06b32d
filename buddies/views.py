import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts import policy
from buddies.constants import RECRUITMENT_STEPS, TRANSITIONS, BuddyStatus
from buddies.forms import BuddyCreateForm, BuddyEditForm, BuddyFilter, BuddyStatusForm, PayRateForm
from buddies.models import Buddy
from buddies.rules import fit_to_work
from buddies.selectors import buddy_workload
from buddies.services import (
    EDITABLE_FIELDS,
    buddy_change_status,
    buddy_create,
    buddy_set_pay,
    buddy_update,
)
from buddies.week import FIRST_YEAR, LAST_YEAR
from common.filters import selected_filters
from common.forms import add_service_errors
from common.history import history_entries, history_entries_of
from common.versioning import StaleEdit, edit_conflict, refused_form, with_version
from governance.training import TrainingContext


def supervision_state(buddy) -> dict:
    """When the buddy was last supervised and whether that is past the prison's limit."""
    today = timezone.localdate()
    last = (
        buddy.supervisions.filter(date__lte=today)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    since = last or buddy.started_on
    days = (today - since).days if since else None
    limit = buddy.prison.scheme.supervision_limit_days
    return {
        "last": last,
        "days": days,
        "limit": limit,
        "overdue": buddy.status == BuddyStatus.ACTIVE and (days is None or days > limit),
    }


# Fields of a buddy's record that are not shown in its history or in an edit conflict.
NOT_SHOWN = ["prison", "created_at", "row_version"]


def get_buddy_for_user(user, prison, buddy_id: int) -> Buddy:
    """The buddy if the user may see them in this prison; 404 otherwise."""
    return get_object_or_404(
        Buddy.objects.for_user(user).filter(prison=prison).with_current_pay(), pk=buddy_id
    )


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def buddy_list(request, prison):
    buddies = (
        Buddy.objects.for_user(request.user)
        .filter(prison=prison)
        .with_current_pay()
        .prefetch_related("other_peer_roles")
    )
    filters = BuddyFilter(request.GET, queryset=buddies)
    shown = list(filters.qs)
    training = TrainingContext.load([b.pk for b in shown], [prison.pk])
    rows = [(buddy, fit_to_work(buddy, training=training)) for buddy in shown]
    return render(
        request,
        "buddies/buddy_list.html",
        {
            "prison": prison,
            "filters": filters,
            "selected_filters": selected_filters(request, filters.form),
            "rows": rows,
            "can_manage": policy.has_capability(request.user, policy.MANAGE_SCHEME),
        },
    )


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def buddy_detail(request, prison, buddy_id):
    buddy = get_buddy_for_user(request.user, prison, buddy_id)
    return render(
        request,
        "buddies/buddy_detail.html",
        {
            "prison": prison,
            "buddy": buddy,
            "fit": fit_to_work(buddy),
            "peer_roles": list(buddy.other_peer_roles.all()),
            "pay_rates": list(buddy.pay_rates.all()),
            "workload": buddy_workload(buddy),
            "supervision": supervision_state(buddy),
            "clients": list(
                buddy.assignments.open_on()
                .select_related("recipient")
                .order_by("recipient__family_name")
            ),
            "can_manage": policy.has_capability(request.user, policy.MANAGE_SCHEME),
            "can_change_status": bool(TRANSITIONS[BuddyStatus(buddy.status)]),
            "section": "overview",
        },
    )


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def buddy_history(request, prison, buddy_id):
    buddy = get_buddy_for_user(request.user, prison, buddy_id)
    entries = history_entries(buddy, subject="Record", hidden=NOT_SHOWN)
    entries += history_entries_of(buddy.pay_rates.all(), subject="Pay", hidden=["buddy"])
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return render(
        request,
        "buddies/buddy_history.html",
        {"prison": prison, "buddy": buddy, "entries": entries, "section": "history"},
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def buddy_new(request, prison):
    form = BuddyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            buddy = buddy_create(prison=prison, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{buddy.full_name} added as an applicant")
            return redirect("buddy-detail", prison.code, buddy.pk)
    return render(
        request,
        "buddies/buddy_form.html",
        {"prison": prison, "form": form, "title": "Add an applicant"},
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def buddy_edit(request, prison, buddy_id):
    buddy = get_buddy_for_user(request.user, prison, buddy_id)
    initial = {name: getattr(buddy, name) for name in EDITABLE_FIELDS}
    initial["other_peer_roles"] = list(buddy.other_peer_roles.all())
    initial["row_version"] = buddy.row_version
    form = BuddyEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            buddy_update(buddy=buddy, **form.cleaned_data)
        except StaleEdit as stale:
            conflict = edit_conflict(buddy, stale, yours=form.cleaned_data, hidden=NOT_SHOWN)
            form = refused_form(BuddyEditForm(with_version(request.POST, conflict.version)))
        except ValidationError as error:
            # Dates set by status changes are not on this form: their order is about the application.
            add_service_errors(
                form,
                error,
                rename={
                    "started_on": "applied_on",
                    "rejected_on": "applied_on",
                    "ended_on": "applied_on",
                },
            )
        else:
            messages.success(request, f"Changes to {buddy.full_name} saved")
            return redirect("buddy-detail", prison.code, buddy.pk)
    return render(
        request,
        "buddies/buddy_form.html",
        {
            "prison": prison,
            "buddy": buddy,
            "form": form,
            "conflict": conflict,
            "title": f"Change {buddy.full_name}'s record",
        },
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def buddy_status(request, prison, buddy_id):
    buddy = get_buddy_for_user(request.user, prison, buddy_id)
    current = BuddyStatus(buddy.status)
    allowed = TRANSITIONS[current]
    form = BuddyStatusForm(
        request.POST or None,
        initial={"row_version": buddy.row_version},
        allowed=allowed,
        resuming=current == BuddyStatus.SUSPENDED,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            buddy_change_status(
                buddy=buddy,
                status=data["status"],
                on=data["on"],
                rejection_reason=data["rejection_reason"],
                end_reason=data["end_reason"],
                row_version=data["row_version"],
            )
        except StaleEdit as stale:
            conflict = edit_conflict(buddy, stale, yours=data, hidden=NOT_SHOWN)
            current = BuddyStatus(buddy.status)
            allowed = TRANSITIONS[current]
            form = refused_form(
                BuddyStatusForm(
                    with_version(request.POST, conflict.version),
                    allowed=allowed,
                    resuming=current == BuddyStatus.SUSPENDED,
                )
            )
        except ValidationError as error:
            date_name = form.DATE_FOR_STATUS.get(data["status"], "status")
            add_service_errors(form, error, rename={"on": date_name})
        else:
            messages.success(
                request, f"{buddy.full_name} is now: {buddy.get_status_display().lower()}"
            )
            return redirect("buddy-detail", prison.code, buddy.pk)
    return render(
        request,
        "buddies/buddy_status.html",
        {"prison": prison, "buddy": buddy, "form": form, "allowed": allowed, "conflict": conflict},
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def buddy_pay(request, prison, buddy_id):
    buddy = get_buddy_for_user(request.user, prison, buddy_id)
    form = PayRateForm(
        request.POST or None,
        initial={
            "pay_scheme": buddy.current_pay_scheme,
            "rate_per_session": buddy.current_pay_rate,
            "effective_from": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            buddy_set_pay(buddy=buddy, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, non_field_to="effective_from")
        else:
            messages.success(request, f"Pay for {buddy.full_name} saved")
            return redirect("buddy-detail", prison.code, buddy.pk)
    return render(
        request,
        "buddies/buddy_form.html",
        {
            "prison": prison,
            "buddy": buddy,
            "form": form,
            "title": f"Change {buddy.full_name}'s pay",
        },
    )


def _period(request) -> tuple[dt.date, dt.date]:
    """The period from the query string (?from=YYYY-MM-DD&to=...), by default the last 365 days.
    Dates that are not real, or outside 2000 to 2100, fall back to the default."""

    def read(name: str) -> dt.date | None:
        try:
            value = dt.date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None
        return value if FIRST_YEAR <= value.year <= LAST_YEAR else None

    end = read("to") or timezone.localdate()
    start = read("from") or end - dt.timedelta(days=364)
    if start > end:
        start, end = end, start
    return start, end


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def recruitment(request, prison):
    """Applicants at each step, and how many applied, were offered and were not appointed in a period."""
    start, end = _period(request)
    buddies = Buddy.objects.for_user(request.user).filter(prison=prison)
    in_progress = buddies.filter(status__in=RECRUITMENT_STEPS).order_by("applied_on", "family_name")
    columns = [
        (BuddyStatus(step), [b for b in in_progress if b.status == step])
        for step in RECRUITMENT_STEPS
    ]
    counts = buddies.aggregate(
        received=Count("pk", filter=Q(applied_on__range=(start, end))),
        offered=Count("pk", filter=Q(offered_on__range=(start, end))),
        rejected=Count("pk", filter=Q(rejected_on__range=(start, end))),
    )
    return render(
        request,
        "buddies/recruitment.html",
        {
            "prison": prison,
            "columns": columns,
            "counts": counts,
            "start": start,
            "end": end,
            "can_manage": policy.has_capability(request.user, policy.MANAGE_SCHEME),
        },
    )
