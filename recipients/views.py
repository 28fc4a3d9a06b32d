import datetime as dt

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import policy
from buddies.constants import MISSED_OUTCOMES, BuddyStatus
from buddies.models import Buddy
from buddies.selectors import missed_by_week, monday_of
from common.filters import selected_filters
from common.forms import add_service_errors
from common.history import history_entries, history_entries_of
from common.versioning import (
    MISSING_VERSION,
    StaleEdit,
    VersionForm,
    edit_conflict,
    refused_form,
    with_version,
)
from recipients.constants import PlanState, ReviewAction
from recipients.forms import (
    AssignmentForm,
    CarePlanEditForm,
    CarePlanForm,
    EndAssignmentForm,
    EndSupportForm,
    RecipientEditForm,
    RecipientFilter,
    RecipientForm,
    ReturnPlanForm,
    TakeOverForm,
)
from recipients.models import Assignment, CarePlan, Recipient
from recipients.services import (
    RECIPIENT_FIELDS,
    assignment_create,
    assignment_end,
    care_plan_approve,
    care_plan_return,
    care_plan_save,
    care_plan_submit,
    recipient_create,
    recipient_end_support,
    recipient_take_over,
    recipient_update,
)

# Fields not shown in the history or in an edit conflict, for a person and for a care plan.
PERSON_NOT_SHOWN = ["prison", "row_version"]
PLAN_NOT_SHOWN = ["recipient", "created_by", "row_version"]


def get_recipient_for_user(user, prison, recipient_id: int) -> Recipient:
    """The person if the user may see them in this prison; 404 otherwise."""
    return get_object_or_404(
        Recipient.objects.for_user(user).filter(prison=prison), pk=recipient_id
    )


def current_plan(plans: list[CarePlan], day) -> CarePlan | None:
    """The plan in force on a day: the latest approved version starting on or before it (an
    approved version that starts later leaves the one before it in force until then)."""
    return next((p for p in plans if p.la_approved_on and p.starts_on <= day), None)


def get_plan_for_user(user, recipient, plan_id: int) -> CarePlan:
    return get_object_or_404(recipient.care_plans.all(), pk=plan_id)


def _can_manage(request) -> bool:
    return policy.has_capability(request.user, policy.MANAGE_SCHEME)


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def recipient_list(request, prison):
    people = (
        Recipient.objects.for_user(request.user)
        .filter(prison=prison)
        .with_latest_plan()
        .prefetch_related("needs")
    )
    filters = RecipientFilter(request.GET, queryset=people)
    today = timezone.localdate()
    overdue = set(
        Recipient.objects.filter(prison=prison).review_overdue(today).values_list("pk", flat=True)
    )
    escalate = set(
        Recipient.objects.filter(prison=prison).escalation_due(today).values_list("pk", flat=True)
    )
    rows = [(person, person.pk in overdue, person.pk in escalate) for person in filters.qs]
    return render(
        request,
        "recipients/recipient_list.html",
        {
            "prison": prison,
            "filters": filters,
            "selected_filters": selected_filters(request, filters.form),
            "rows": rows,
            "can_manage": _can_manage(request),
        },
    )


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def recipient_detail(request, prison, recipient_id):
    person = get_recipient_for_user(request.user, prison, recipient_id)
    today = timezone.localdate()
    plans = list(person.care_plans.prefetch_related("tasks"))
    current = current_plan(plans, today)
    open_plan = next((p for p in plans if p.is_open), None)
    assignments = list(person.assignments.select_related("buddy"))
    return render(
        request,
        "recipients/recipient_detail.html",
        {
            "prison": prison,
            "person": person,
            "needs": list(person.needs.all()),
            "plans": plans,
            "current_plan": current,
            "open_plan": open_plan,
            "current_assignments": [a for a in assignments if a.ended_on is None],
            "past_assignments": [a for a in assignments if a.ended_on is not None],
            "escalation_due": Recipient.objects.filter(pk=person.pk).escalation_due(today).exists(),
            "review_overdue": Recipient.objects.filter(pk=person.pk).review_overdue(today).exists(),
            "can_manage": _can_manage(request),
            "can_record": policy.has_capability(request.user, policy.RECORD_ACTIVITY),
            "missed": missed_by_week(
                person.sessions.all(), [monday_of(today) - dt.timedelta(weeks=n) for n in range(4)]
            ),
            "outcomes": MISSED_OUTCOMES,
            "section": "overview",
        },
    )


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def recipient_history(request, prison, recipient_id):
    person = get_recipient_for_user(request.user, prison, recipient_id)
    entries = history_entries(person, subject="Record", hidden=PERSON_NOT_SHOWN)
    entries += history_entries_of(
        person.care_plans.all(),
        subject=lambda plan: f"Care plan version {plan.version}",
        hidden=PLAN_NOT_SHOWN,
    )
    entries += history_entries_of(
        person.assignments.select_related("buddy"),
        subject=lambda assignment: f"Support from {assignment.buddy}",
        hidden=["recipient"],
    )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return render(
        request,
        "recipients/recipient_history.html",
        {"prison": prison, "person": person, "entries": entries, "section": "history"},
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def recipient_new(request, prison):
    form = RecipientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = recipient_create(prison=prison, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.full_name} added")
            return redirect("recipient-detail", prison.code, person.pk)
    return render(
        request, "recipients/form.html", {"prison": prison, "form": form, "title": "Add a person"}
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def recipient_edit(request, prison, recipient_id):
    person = get_recipient_for_user(request.user, prison, recipient_id)
    initial = {name: getattr(person, name) for name in RECIPIENT_FIELDS}
    initial["needs"] = list(person.needs.all())
    initial["row_version"] = person.row_version
    form = RecipientEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            recipient_update(recipient=person, **form.cleaned_data)
        except StaleEdit as stale:
            conflict = edit_conflict(
                person, stale, yours=form.cleaned_data, hidden=PERSON_NOT_SHOWN
            )
            form = refused_form(RecipientEditForm(with_version(request.POST, conflict.version)))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Changes to {person.full_name} saved")
            return redirect("recipient-detail", prison.code, person.pk)
    return render(
        request,
        "recipients/form.html",
        {
            "prison": prison,
            "person": person,
            "form": form,
            "conflict": conflict,
            "title": f"Change {person.full_name}'s record",
        },
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def recipient_end(request, prison, recipient_id):
    person = get_recipient_for_user(request.user, prison, recipient_id)
    form = EndSupportForm(
        request.POST or None, initial={"row_version": person.row_version}, prison=prison
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            ended = recipient_end_support(recipient=person, **form.cleaned_data)
        except StaleEdit as stale:
            yours = {
                "support_ended_on": form.cleaned_data["on"],
                "end_reason": form.cleaned_data["reason"],
                "transferred_to": form.cleaned_data["transferred_to"],
            }
            conflict = edit_conflict(person, stale, yours=yours, hidden=PERSON_NOT_SHOWN)
            form = refused_form(
                EndSupportForm(with_version(request.POST, conflict.version), prison=prison)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            note = f"; {ended} buddy assignment{'s' if ended != 1 else ''} ended" if ended else ""
            messages.success(request, f"Support for {person.full_name} ended{note}")
            if person.end_reason in {"transferred", "released"}:
                return redirect("recipient-handover", prison.code, person.pk)
            return redirect("recipient-detail", prison.code, person.pk)
    return render(
        request,
        "recipients/form.html",
        {
            "prison": prison,
            "person": person,
            "form": form,
            "conflict": conflict,
            "title": f"End support for {person.full_name}",
        },
    )


# --- care plans ------------------------------------------------------------------------------


def _plan_page(request, prison, person, plan, **context):
    """The plan's page, as it is stored now; its buttons carry the plan's current version."""
    return render(
        request,
        "recipients/plan_detail.html",
        {
            "prison": prison,
            "person": person,
            "plan": plan,
            "tasks": list(plan.tasks.all()),
            "reviews": list(plan.reviews.select_related("by")),
            "can_manage": _can_manage(request),
            "can_review": policy.has_capability(request.user, policy.REVIEW_CARE_PLANS)
            and plan.state == PlanState.SUBMITTED,
            "return_form": ReturnPlanForm(initial={"row_version": plan.row_version}),
            **context,
        },
    )


def _plan_conflict(request, prison, person, plan, stale, **context):
    """The plan's page after a button pressed on an out-of-date page: what changed since."""
    conflict = edit_conflict(plan, stale, hidden=PLAN_NOT_SHOWN)
    return _plan_page(request, prison, person, plan, conflict=conflict, **context)


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def plan_detail(request, prison, recipient_id, plan_id):
    person = get_recipient_for_user(request.user, prison, recipient_id)
    plan = get_plan_for_user(request.user, person, plan_id)
    return _plan_page(request, prison, person, plan)


def _plan_form_view(request, prison, person, plan, title):
    scheme = prison.scheme
    initial = {}
    source = plan or person.care_plans.first()  # a new version starts from the latest one
    if source is not None:
        initial = {
            "starts_on": source.starts_on if plan else timezone.localdate(),
            "review_due_on": source.review_due_on if plan else None,
            "tasks": list(source.tasks.all()),
            "capacity_at_agreement": source.capacity_at_agreement,
            "best_interests_decision_by": source.best_interests_decision_by,
            "agreed_with_recipient_on": source.agreed_with_recipient_on if plan else None,
            "agreed_with_buddy_on": source.agreed_with_buddy_on if plan else None,
            "boundaries_explained_on": source.boundaries_explained_on if plan else None,
            "notes": source.notes,
        }
    form_class = CarePlanForm
    if plan is not None:  # a change to a version: the form carries the version it was opened at
        form_class = CarePlanEditForm
        initial["row_version"] = plan.row_version
    form = form_class(request.POST or None, initial=initial, allowed_tasks=scheme.allowed_tasks())
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = care_plan_save(
                recipient=person, user=request.user, plan=plan, **form.cleaned_data
            )
        except StaleEdit as stale:
            conflict = edit_conflict(plan, stale, yours=form.cleaned_data, hidden=PLAN_NOT_SHOWN)
            form = refused_form(
                form_class(
                    with_version(request.POST, conflict.version),
                    allowed_tasks=scheme.allowed_tasks(),
                )
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Care plan version {saved.version} saved as a draft")
            return redirect("plan-detail", prison.code, person.pk, saved.pk)
    return render(
        request,
        "recipients/plan_form.html",
        {
            "prison": prison,
            "person": person,
            "plan": plan,
            "form": form,
            "conflict": conflict,
            "title": title,
        },
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def plan_new(request, prison, recipient_id):
    person = get_recipient_for_user(request.user, prison, recipient_id)
    title = (
        "Write a care plan"
        if not person.care_plans.exists()
        else "Write a new version of the care plan"
    )
    return _plan_form_view(request, prison, person, None, title)


@policy.prison_view(policy.MANAGE_SCHEME)
def plan_edit(request, prison, recipient_id, plan_id):
    person = get_recipient_for_user(request.user, prison, recipient_id)
    plan = get_plan_for_user(request.user, person, plan_id)
    if not plan.is_open or plan.state == PlanState.SUBMITTED:
        messages.info(request, "This version cannot be changed: write a new version instead")
        return redirect("plan-detail", prison.code, person.pk, plan.pk)
    return _plan_form_view(
        request, prison, person, plan, f"Change care plan version {plan.version}"
    )


@policy.prison_view(policy.MANAGE_SCHEME)
@require_POST
def plan_submit(request, prison, recipient_id, plan_id):
    person = get_recipient_for_user(request.user, prison, recipient_id)
    plan = get_plan_for_user(request.user, person, plan_id)
    version = VersionForm(request.POST)
    if not version.is_valid():
        return _plan_page(request, prison, person, plan, page_errors=[MISSING_VERSION])
    try:
        care_plan_submit(plan=plan, user=request.user, **version.cleaned_data)
    except StaleEdit as stale:
        return _plan_conflict(request, prison, person, plan, stale)
    except ValidationError as error:
        plan.refresh_from_db()
        return _plan_page(request, prison, person, plan, submit_errors=_messages(error))
    messages.success(
        request, f"Care plan version {plan.version} sent to {prison.local_authority} for review"
    )
    return redirect("plan-detail", prison.code, person.pk, plan.pk)


def _messages(error: ValidationError) -> list[tuple[str, str]]:
    """(field label, message) pairs for an error summary on a page without a form."""
    if not hasattr(error, "error_dict"):
        return [("", message) for message in error.messages]
    pairs = []
    for field, field_messages in error.message_dict.items():
        try:
            label = str(CarePlan._meta.get_field(field).verbose_name)
        except FieldDoesNotExist:
            label = ""
        pairs += [(label, message) for message in field_messages]
    return pairs


# --- the local authority's review ------------------------------------------------------------


@policy.require_capability(policy.REVIEW_CARE_PLANS)
def review_queue(request):
    """Plans awaiting review in the reviewer's prisons, oldest submission first."""
    plans = (
        CarePlan.objects.filter(
            state=PlanState.SUBMITTED,
            recipient__in=Recipient.objects.for_user(request.user),
        )
        .select_related("recipient__prison")
        .annotate(submitted_at=Max("reviews__at", filter=Q(reviews__action=ReviewAction.SUBMITTED)))
        .order_by(F("submitted_at").asc(nulls_first=True), "pk")
    )
    rows = [(plan, plan.submitted_at) for plan in plans]
    return render(request, "recipients/review_queue.html", {"rows": rows})


@policy.prison_view(policy.REVIEW_CARE_PLANS)
@require_POST
def plan_review(request, prison, recipient_id, plan_id):
    """Approve, or return with comments. Reviewers change nothing else."""
    person = get_recipient_for_user(request.user, prison, recipient_id)
    plan = get_plan_for_user(request.user, person, plan_id)
    if "approve" in request.POST:
        version = VersionForm(request.POST)
        if not version.is_valid():
            return _plan_page(request, prison, person, plan, page_errors=[MISSING_VERSION])
        try:
            care_plan_approve(plan=plan, user=request.user, **version.cleaned_data)
        except StaleEdit as stale:
            return _plan_conflict(request, prison, person, plan, stale)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(request, f"Care plan for {person.full_name} approved")
            return redirect("review-queue")
        return redirect("plan-detail", prison.code, person.pk, plan.pk)
    form = ReturnPlanForm(request.POST)
    if form.is_valid():
        try:
            care_plan_return(plan=plan, user=request.user, **form.cleaned_data)
        except StaleEdit as stale:
            conflict = edit_conflict(plan, stale, hidden=PLAN_NOT_SHOWN)
            form = refused_form(ReturnPlanForm(with_version(request.POST, conflict.version)))
            return _plan_page(request, prison, person, plan, conflict=conflict, return_form=form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Care plan for {person.full_name} returned to the social care lead"
            )
            return redirect("review-queue")
    return _plan_page(request, prison, person, plan, return_form=form)


# --- assignments -----------------------------------------------------------------------------


@policy.prison_view(policy.MANAGE_SCHEME)
def assignment_new(request, prison, recipient_id):
    person = get_recipient_for_user(request.user, prison, recipient_id)
    buddies = Buddy.objects.for_user(request.user).filter(prison=prison, status=BuddyStatus.ACTIVE)
    form = AssignmentForm(
        request.POST or None, buddies=buddies, initial={"started_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            assignment, warnings = assignment_create(recipient=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{assignment.buddy.full_name} now supports {person.full_name}"
            )
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("recipient-detail", prison.code, person.pk)
    return render(
        request,
        "recipients/form.html",
        {
            "prison": prison,
            "person": person,
            "form": form,
            "title": f"Assign a buddy to {person.full_name}",
        },
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def assignment_stop(request, prison, assignment_id):
    assignment = get_object_or_404(
        Assignment.objects.for_user(request.user)
        .filter(recipient__prison=prison)
        .select_related("buddy", "recipient"),
        pk=assignment_id,
    )
    person = assignment.recipient
    if assignment.ended_on:
        messages.info(request, "That buddy's support has already ended")
        return redirect("recipient-detail", prison.code, person.pk)
    form = EndAssignmentForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            assignment_end(assignment=assignment, on=form.cleaned_data["ended_on"])
        except ValidationError as error:
            add_service_errors(form, error, non_field_to="ended_on")
        else:
            messages.success(
                request, f"{assignment.buddy.full_name} no longer supports {person.full_name}"
            )
            return redirect("recipient-detail", prison.code, person.pk)
    return render(
        request,
        "recipients/form.html",
        {
            "prison": prison,
            "person": person,
            "form": form,
            "title": f"End {assignment.buddy.full_name}'s support",
        },
    )


# --- handover on transfer or release ---------------------------------------------------------


def _handover_context(person, prison):
    today = timezone.localdate()
    plans = list(person.care_plans.prefetch_related("tasks"))
    return {
        "prison": prison,
        "person": person,
        "needs": list(person.needs.all()),
        "plan": current_plan(plans, person.support_ended_on or today),
        "open_plan": next((p for p in plans if p.is_open), None),
        "assignments": list(person.assignments.select_related("buddy").order_by("started_on")),
        "prepared_on": today,
        "running_header": f"{prison.name} · handover for {person.prison_number} · prepared {today:%-d %B %Y}",
    }


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def handover(request, prison, recipient_id):
    """What the receiving prison, local authority or probation need to keep care going."""
    person = get_recipient_for_user(request.user, prison, recipient_id)
    return render(request, "recipients/handover.html", _handover_context(person, prison))


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def handover_pdf(request, prison, recipient_id):
    from common.pdf import pdf_response, render_pdf  # WeasyPrint loads in about a second

    person = get_recipient_for_user(request.user, prison, recipient_id)
    pdf = render_pdf(
        template_name="recipients/handover_pdf.html",
        context=_handover_context(person, prison),
        title=f"Care handover: {person.full_name} ({person.prison_number})",
        subject=f"Social care handover from {prison.name}",
        sensitive=True,
        request=request,
    )
    return pdf_response(pdf, f"handover-{prison.code}-{person.prison_number}.pdf")


@policy.prison_view(policy.MANAGE_SCHEME)
def recipient_take_over_view(request, prison):
    form = TakeOverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = recipient_take_over(prison=prison, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{person.full_name} taken over from {person.transferred_from.prison.name}: "
                "write their care plan with them",
            )
            return redirect("recipient-detail", prison.code, person.pk)
    return render(
        request,
        "recipients/form.html",
        {"prison": prison, "form": form, "title": "Take over someone transferred in"},
    )


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def recipient_previous(request, prison, recipient_id):
    """The handover from the prison this person came from, reached only through their record here."""
    person = get_recipient_for_user(request.user, prison, recipient_id)
    if person.transferred_from is None:
        raise Http404("No earlier record")
    source = person.transferred_from
    context = _handover_context(source, source.prison)
    context.update({"current_prison": prison, "current_person": person})
    return render(request, "recipients/previous.html", context)
