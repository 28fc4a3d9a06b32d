"""The audit log's pages, through the access policy like every page.

- /audit/: every event, reads and security events, for administrators (audit.access);
- /prisons/CODE/audit/: who read that prison's records, for those who run its scheme (its social
  care lead, and administrators);
- a record's trail ("Who has viewed this record"): a person supported, a buddy, a care plan or an
  incident, for the same people. Prison staff, local authority reviewers, inspectors and
  analysts get 403; another prison's records are not found (404).
Reading these pages is itself recorded: they name people.
"""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts import policy
from audit.access import READ_TRAILS, READ_WHOLE_LOG
from audit.constants import ObjectType
from audit.filters import AuditEventFilter, PrisonReadsFilter
from audit.models import AuditEvent
from audit.selectors import about_buddies, about_recipients, describe, reads_of
from buddies.views import get_buddy_for_user
from common.filters import selected_filters
from governance.incident_views import get_incident_for_user
from recipients.views import get_plan_for_user, get_recipient_for_user

PAGE_SIZE = 50


def _paged(request, events):
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "rows": describe(page.object_list),
        "query": query.urlencode(),
    }


@policy.require_capability(READ_WHOLE_LOG)
@require_safe
def audit_log(request):
    events = AuditEvent.objects.select_related("user", "prison").order_by("-at", "-id")
    filters = AuditEventFilter(request.GET, queryset=events)
    return render(
        request,
        "audit/audit_log.html",
        {
            "filters": filters,
            "selected_filters": selected_filters(request, filters.form),
            **_paged(request, filters.qs),
        },
    )


@policy.prison_view(READ_TRAILS)
@require_safe
def prison_audit(request, prison):
    events = reads_of(Q(prison=prison))
    filters = PrisonReadsFilter(request.GET, queryset=events)
    return render(
        request,
        "audit/prison_audit.html",
        {
            "prison": prison,
            "filters": filters,
            "selected_filters": selected_filters(request, filters.form),
            **_paged(request, filters.qs),
        },
    )


def _trail(request, prison, *, template: str, condition: Q, **context):
    return render(
        request,
        template,
        {"prison": prison, "section": "audit", **context, **_paged(request, reads_of(condition))},
    )


@policy.prison_view(READ_TRAILS)
@require_safe
def recipient_audit(request, prison, recipient_id):
    person = get_recipient_for_user(request.user, prison, recipient_id)
    return _trail(
        request,
        prison,
        template="audit/recipient_audit.html",
        condition=about_recipients([person.pk]),
        person=person,
    )


@policy.prison_view(READ_TRAILS)
@require_safe
def buddy_audit(request, prison, buddy_id):
    buddy = get_buddy_for_user(request.user, prison, buddy_id)
    return _trail(
        request,
        prison,
        template="audit/buddy_audit.html",
        condition=about_buddies([buddy.pk]),
        buddy=buddy,
    )


@policy.prison_view(READ_TRAILS)
@require_safe
def plan_audit(request, prison, recipient_id, plan_id):
    person = get_recipient_for_user(request.user, prison, recipient_id)
    plan = get_plan_for_user(request.user, person, plan_id)
    return _trail(
        request,
        prison,
        template="audit/plan_audit.html",
        condition=Q(object_type=ObjectType.CARE_PLAN, object_id=plan.pk),
        person=person,
        plan=plan,
    )


@policy.prison_view(READ_TRAILS)
@require_safe
def incident_audit(request, prison, incident_id):
    incident = get_incident_for_user(request.user, prison, incident_id)
    return _trail(
        request,
        prison,
        template="audit/incident_audit.html",
        condition=Q(object_type=ObjectType.INCIDENT, object_id=incident.pk),
        incident=incident,
    )
