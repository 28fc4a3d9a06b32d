"""Reads of the audit log: the events about a record or a person, and how each is described.

A person's trail is every read of a record about them: their own record, and their care plans,
assignments, sessions, survey answers and the incidents naming them (each has its own page or
API endpoint, and each shows who they are)."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.constants import Role
from audit.constants import AuditKind, ObjectType
from audit.models import AuditEvent
from buddies.models import Buddy, Session
from common.formatting import govuk_date
from governance.models import Incident, StaffMember
from outcomes.models import Response
from recipients.models import Assignment, CarePlan, Recipient


def _about(object_type: str, ids) -> Q:
    return Q(object_type=object_type, object_id__in=ids)


def about_recipients(ids) -> Q:
    """Events about these people supported, or about any record that names one of them."""
    return (
        _about(ObjectType.RECIPIENT, ids)
        | _about(ObjectType.CARE_PLAN, CarePlan.objects.filter(recipient_id__in=ids).values("pk"))
        | _about(ObjectType.INCIDENT, Incident.objects.filter(recipient_id__in=ids).values("pk"))
        | _about(
            ObjectType.ASSIGNMENT, Assignment.objects.filter(recipient_id__in=ids).values("pk")
        )
        | _about(ObjectType.SESSION, Session.objects.filter(recipient_id__in=ids).values("pk"))
        | _about(
            ObjectType.SURVEY_RESPONSE, Response.objects.filter(recipient_id__in=ids).values("pk")
        )
    )


def about_buddies(ids) -> Q:
    """Events about these buddies, or about any record that names one of them."""
    return (
        _about(ObjectType.BUDDY, ids)
        | _about(ObjectType.INCIDENT, Incident.objects.filter(buddy_id__in=ids).values("pk"))
        | _about(ObjectType.ASSIGNMENT, Assignment.objects.filter(buddy_id__in=ids).values("pk"))
        | _about(ObjectType.SESSION, Session.objects.filter(buddy_id__in=ids).values("pk"))
        | _about(ObjectType.SURVEY_RESPONSE, Response.objects.filter(buddy_id__in=ids).values("pk"))
    )


def reads_of(condition: Q) -> QuerySet:
    """Reads (views, downloads, exports) matching the condition, newest first."""
    return (
        AuditEvent.objects.reads()
        .filter(condition)
        .select_related("user", "prison")
        .order_by("-at", "-id")
    )


# --- Describing events --------------------------------------------------------------------------


def _person(person) -> str:
    return f"{person.full_name} ({person.prison_number})" if person else "nobody recorded"


# How to find and name each kind of record an event can be about.
RECORDS = {
    ObjectType.RECIPIENT: (Recipient.objects.all, _person),
    ObjectType.BUDDY: (Buddy.objects.all, _person),
    ObjectType.CARE_PLAN: (
        lambda: CarePlan.objects.select_related("recipient"),
        lambda plan: f"Care plan version {plan.version} of {_person(plan.recipient)}",
    ),
    ObjectType.INCIDENT: (Incident.objects.all, lambda incident: f"Incident {incident.reference}"),
    ObjectType.ASSIGNMENT: (
        lambda: Assignment.objects.select_related("buddy", "recipient"),
        lambda a: f"{_person(a.buddy)} supporting {_person(a.recipient)}",
    ),
    ObjectType.SESSION: (
        lambda: Session.objects.select_related("recipient"),
        lambda s: f"Session on {govuk_date(s.date)} with {_person(s.recipient)}",
    ),
    ObjectType.STAFF_MEMBER: (StaffMember.objects.all, lambda staff: staff.name),
    ObjectType.SURVEY_RESPONSE: (
        lambda: Response.objects.select_related("buddy", "recipient"),
        lambda r: f"Survey answers of {_person(r.buddy or r.recipient)}",
    ),
}


@dataclass(frozen=True)
class Row:
    """An event as an audit page shows it."""

    event: AuditEvent
    who: str
    role: str
    what: str
    about: str


def _who(event: AuditEvent) -> str:
    if event.user is not None:
        return event.user.get_full_name() or event.username
    return event.username or "Someone not signed in"


def _what(event: AuditEvent) -> str:
    detail = event.detail or {}
    label = event.get_kind_display()
    if event.kind in {AuditKind.DOWNLOAD, AuditKind.EXPORT} and detail.get("filename"):
        return f"{label} {detail['filename']}"
    if event.kind == AuditKind.VIEW and "records" in detail:
        count = detail["records"]
        return f"{label} a list of {count} record{'' if count == 1 else 's'}"
    if event.kind in {AuditKind.ROLE_CHANGED, AuditKind.LOCAL_AUTHORITY_CHANGED}:
        return f"{label} from {detail.get('from') or 'none'} to {detail.get('to') or 'none'}"
    if event.kind == AuditKind.PRISONS_CHANGED:
        changes = [
            f"{change} {', '.join(detail[change])}"
            for change in ("added", "removed")
            if detail.get(change)
        ]
        return f"{label}: {'; '.join(changes)}"
    if event.kind == AuditKind.ACCOUNT_CREATED and detail.get("role"):
        return f"{label}: {detail['role']}"
    if event.kind == AuditKind.TOKEN_REVOKED and detail.get("expired"):
        return "API token expired"
    return label


def describe(events) -> list[Row]:
    """Rows for a page of events, the records they are about named in one query per kind."""
    events = list(events)
    wanted: dict[str, set[int]] = {}
    for event in events:
        if event.object_type in RECORDS and event.object_id is not None:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    names = {}
    for object_type, ids in wanted.items():
        records, name = RECORDS[object_type]
        for record in records().filter(pk__in=ids):
            names[object_type, record.pk] = name(record)
    rows = []
    for event in events:
        detail = event.detail or {}
        if event.object_type == ObjectType.USER or (not event.object_type and "account" in detail):
            about = f"Account {detail.get('account', '')}".strip()
        elif event.object_type and event.object_id is None:  # a list through the API
            about = f"{ObjectType(event.object_type).label} records"
        elif event.object_type:
            about = names.get(
                (event.object_type, event.object_id),
                f"{ObjectType(event.object_type).label} {event.object_id} (since deleted)",
            )
        else:
            about = ""
        role = Role(event.role).label if event.role in Role.values else ""
        rows.append(Row(event, _who(event), role, _what(event), about))
    return rows
