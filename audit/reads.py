"""Reads of personal data: which answered requests the audit log records, and what it keeps.

One mechanism for every page, present and future: accounts.policy's decorators mark each view
with what it needs (`view.access`), AuditReadsMiddleware notes the view and its URL keywords
before it runs, and after it has answered asks `events_for` what to record. No view records
anything itself. The rules:

- only a success (2xx) to someone signed in is recorded: a refusal (403), a record not found
  (404), a redirect or an error showed nothing;
- a file (sent with Content-Disposition, or anything but HTML: PDF, CSV, XLSX, ZIP) from a view
  under the policy is recorded whoever downloads it, as a download with its file name and type,
  or as an export when it is a prison's whole set of records (EXPORT_PAGES): a file leaves
  PeerCare and can be passed on. An inspector's figures-only PDF is recorded too;
- a page is recorded as a view when it can show personal data:
  - its view needs any capability but VIEW_AGGREGATES: the roles seeing people (view personal
    data, manage the scheme, record activity, review care plans) and administrators (their pages
    list users and their tokens, and this log names people);
  - a prison's page of figures (VIEW_AGGREGATES, one prison) seen by a role that sees people,
    for whom it also lists them (the dashboard's action lists, who answered a survey);
  and it is not recorded when it cannot: pages of figures across prisons, and every page seen
  by an inspector or analyst (the policy shows them figures only, never a person);
- reading is GET and HEAD. A form sent (POST) is a write, and writes are in each record's change
  history; a form sent back with errors shows what its GET showed;
- the record a page is about comes from its URL keywords (audit.constants.RECORD_KEYWORDS, most
  specific first); its prison from the policy's check (`request.checked_prison`);
- the API (api.views.RecordViewSet) notes the records it is about to show (audit.api): each
  record fetched, and each page of a list as one event per prison with how many were listed.

One recorded request is one INSERT (a list through the API spanning prisons included).
"""

from dataclasses import dataclass, field
from email.message import Message

from accounts import policy
from audit.constants import EXPORT_PAGES, RECORD_KEYWORDS, AuditKind
from audit.events import actor_fields, request_fields
from audit.models import AuditEvent

READING = {"GET", "HEAD"}


@dataclass(frozen=True)
class PageSeen:
    """A view under the access policy about to answer: what it needs and its URL keywords."""

    access: policy.ViewAccess
    url_name: str
    keywords: dict


@dataclass(frozen=True)
class ApiRead:
    """Records an API endpoint is about to show (audit.api)."""

    object_type: str
    object_id: int | None
    prison_id: int | None
    detail: dict = field(default_factory=dict)


def shows_personal_data(access: policy.ViewAccess, user) -> bool:
    """Whether a page can show this user personal data (see the module's docstring)."""
    if access.capability == policy.VIEW_AGGREGATES:
        return access.per_prison and policy.has_capability(user, policy.VIEW_PERSONAL_DATA)
    return True


def record_named(keywords: dict) -> tuple[str, int | None]:
    """The most specific record the URL names, as (object type, id); ("", None) for none."""
    for keyword, object_type in RECORD_KEYWORDS:
        if keyword in keywords:
            return object_type, keywords[keyword]
    return "", None


def sent_file(response) -> dict | None:
    """The file a response sends (name, type, size), or None for a page."""
    disposition = response.get("Content-Disposition", "")
    content_type = response.get("Content-Type", "")
    if not disposition and (not content_type or content_type.startswith("text/html")):
        return None
    header = Message()
    header["Content-Disposition"] = disposition
    sent = {"filename": header.get_filename() or "", "content_type": content_type}
    if not response.streaming:
        sent["bytes"] = len(response.content)
    return sent


def _page_event(page: PageSeen, request, response, user) -> AuditEvent | None:
    sent = sent_file(response)
    if sent is not None:
        kind = AuditKind.EXPORT if page.url_name in EXPORT_PAGES else AuditKind.DOWNLOAD
    elif request.method in READING and shows_personal_data(page.access, user):
        kind = AuditKind.VIEW
    else:
        return None
    object_type, object_id = record_named(page.keywords)
    prison = getattr(request, "checked_prison", None)
    return AuditEvent(
        kind=kind,
        prison_id=prison.pk if prison is not None else None,
        object_type=object_type,
        object_id=object_id,
        detail=sent or {},
    )


def events_for(request, response) -> list[AuditEvent]:
    """The audit events an answered request makes (none for most): see the module's docstring."""
    page = getattr(request, "audit_page", None)
    api_reads = getattr(request, "audit_api_reads", ()) if request.method in READING else ()
    if (page is None and not api_reads) or not 200 <= response.status_code < 300:
        return []
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    events = []
    if page is not None:
        event = _page_event(page, request, response, user)
        if event is not None:
            events.append(event)
    for read in api_reads:
        events.append(
            AuditEvent(
                kind=AuditKind.VIEW,
                prison_id=read.prison_id,
                object_type=read.object_type,
                object_id=read.object_id,
                detail=read.detail,
            )
        )
    shared = {
        **actor_fields(user, request=request),
        **request_fields(request),
        "status_code": response.status_code,
    }
    for event in events:
        for name, value in shared.items():
            setattr(event, name, value)
    return events


def record_command_export(*, action: str, object_type: str = "", detail: dict) -> AuditEvent:
    """Record an export made by a management command (no one signed in: 'system'), such as a
    subject access export; `detail` says what was exported and the operating system user."""
    event = AuditEvent(
        kind=AuditKind.EXPORT,
        **actor_fields(None, request=None),
        action=action,
        object_type=object_type,
        detail=detail,
    )
    event.save()
    return event
