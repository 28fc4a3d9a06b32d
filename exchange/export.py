"""Export prisons' records as the national data standard's files (CSV, or one XLSX workbook).

Every file has every column in the standard's order, rows sorted by key, UTF-8 without a byte-order
mark and `\\n` line endings, lists sorted; cost templates as cost-template-PRISON-YEAR.json. What
the standard has no column for (a prison's own missed reasons, care plan review history, pay rate
history before the current rate) stays in PeerCare and is not exported.

A fixed number of queries per file, whatever the number of rows.
"""

import io
import json
from collections.abc import Iterable

from django.db.models import Prefetch

from buddies.models import Buddy, PayRate, Session
from common.spreadsheet import CsvWriter, safe_cell
from exchange.standard import FILES, FileSpec, write
from governance.models import (
    Incident,
    Prison,
    StaffMember,
    StaffTime,
    Supervision,
    TrainingRecord,
)
from recipients.models import Assignment, CarePlan, Recipient


def _codes(manager) -> list[str]:
    return [item.pk for item in manager.all()]


def prisons_rows(prisons) -> Iterable[dict]:
    for prison in (
        Prison.objects.filter(pk__in=[prison.pk for prison in prisons])
        .select_related("local_authority", "scheme")
        .prefetch_related("scheme__mandatory_modules")
    ):
        scheme = getattr(prison, "scheme", None)
        yield {
            "prison_code": prison.code,
            "name": prison.name,
            "category": prison.category,
            "local_authority": prison.local_authority.name,
            "region": prison.region,
            "scheme_name": scheme.name if scheme else "",
            "scheme_formality": scheme.formality if scheme else "",
            "leadership": scheme.leadership if scheme else "",
            "scheme_started_on": scheme.started_on if scheme else None,
            "allows_outer_clothing": scheme.allows_outer_clothing if scheme else None,
            "allows_medication_collect": scheme.allows_medication_collect if scheme else None,
            "mandatory_modules": _codes(scheme.mandatory_modules) if scheme else [],
        }


def staff_rows(prisons) -> Iterable[dict]:
    for staff in StaffMember.objects.filter(prison__in=prisons).select_related("prison"):
        yield {
            "prison_code": staff.prison.code,
            "staff_ref": staff.staff_ref,
            "name": staff.name,
            "role": staff.role,
            "organisation": staff.organisation,
            "band": staff.band,
        }


def buddies_rows(prisons) -> Iterable[dict]:
    buddies = (
        Buddy.objects.filter(prison__in=prisons)
        .select_related("prison")
        .prefetch_related(
            "other_peer_roles",
            Prefetch("pay_rates", queryset=PayRate.objects.order_by("-effective_from")),
        )
    )
    for buddy in buddies:
        rates = list(buddy.pay_rates.all())
        rate = rates[0] if rates else None
        yield {
            "prison_code": buddy.prison.code,
            "prison_number": buddy.prison_number,
            "given_name": buddy.given_name,
            "family_name": buddy.family_name,
            "status": buddy.status,
            "applied_on": buddy.applied_on,
            "vetted_on": buddy.vetted_on,
            "vetting_outcome": buddy.vetting_outcome,
            "interviewed_on": buddy.interviewed_on,
            "offered_on": buddy.offered_on,
            "rejected_on": buddy.rejected_on,
            "rejection_reason": buddy.rejection_reason,
            "compact_signed_on": buddy.compact_signed_on,
            "benefits_explained_on": buddy.benefits_explained_on,
            "safeguarding_briefed_on": buddy.safeguarding_briefed_on,
            "started_on": buddy.started_on,
            "ended_on": buddy.ended_on,
            "end_reason": buddy.end_reason,
            "pay_scheme": rate.pay_scheme if rate else "",
            "pay_rate_per_session": rate.rate_per_session if rate else None,
            "other_peer_roles": _codes(buddy.other_peer_roles),
        }


def recipients_rows(prisons) -> Iterable[dict]:
    people = (
        Recipient.objects.filter(prison__in=prisons)
        .select_related("prison")
        .prefetch_related("needs")
    )
    for person in people:
        yield {
            "prison_code": person.prison.code,
            "prison_number": person.prison_number,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "date_of_birth": person.date_of_birth,
            "needs": _codes(person.needs),
            "mental_capacity": person.mental_capacity,
            "formal_care": person.formal_care,
            "referred_to_la_on": person.referred_to_la_on,
            "la_assessed_on": person.la_assessed_on,
            "la_outcome": person.la_outcome,
            "support_started_on": person.support_started_on,
            "support_ended_on": person.support_ended_on,
            "end_reason": person.end_reason,
        }


def care_plans_rows(prisons) -> Iterable[dict]:
    plans = (
        CarePlan.objects.filter(recipient__prison__in=prisons)
        .select_related("recipient__prison")
        .prefetch_related("tasks")
    )
    for plan in plans:
        yield {
            "prison_code": plan.recipient.prison.code,
            "prison_number": plan.recipient.prison_number,
            "starts_on": plan.starts_on,
            "review_due_on": plan.review_due_on,
            "tasks": _codes(plan.tasks),
            "capacity_at_agreement": plan.capacity_at_agreement,
            "agreed_with_recipient_on": plan.agreed_with_recipient_on,
            "agreed_with_buddy_on": plan.agreed_with_buddy_on,
            "best_interests_decision_by": plan.best_interests_decision_by,
            "la_approved_on": plan.la_approved_on,
            "reviewed_on": plan.reviewed_on,
            "boundaries_explained_on": plan.boundaries_explained_on,
            "notes": plan.notes,
        }


def assignments_rows(prisons) -> Iterable[dict]:
    assignments = Assignment.objects.filter(recipient__prison__in=prisons).select_related(
        "buddy", "recipient__prison"
    )
    for assignment in assignments:
        yield {
            "prison_code": assignment.recipient.prison.code,
            "buddy_prison_number": assignment.buddy.prison_number,
            "recipient_prison_number": assignment.recipient.prison_number,
            "started_on": assignment.started_on,
            "ended_on": assignment.ended_on,
            "no_personal_relationship_confirmed": assignment.no_personal_relationship_confirmed,
        }


def training_rows(prisons) -> Iterable[dict]:
    records = TrainingRecord.objects.filter(prison__in=prisons).select_related(
        "prison", "buddy", "staff"
    )
    for record in records:
        yield {
            "prison_code": record.prison.code,
            "person_kind": "buddy" if record.buddy_id else "staff",
            "person_ref": record.buddy.prison_number if record.buddy_id else record.staff.staff_ref,
            "module": record.module_id,
            "provider": record.provider,
            "completed_on": record.completed_on,
            "hours": record.hours,
            "expires_on": record.expires_on,
        }


def staff_time_rows(prisons) -> Iterable[dict]:
    for entry in StaffTime.objects.filter(staff__prison__in=prisons).select_related(
        "staff__prison"
    ):
        yield {
            "prison_code": entry.staff.prison.code,
            "staff_ref": entry.staff.staff_ref,
            "week_starting": entry.week_starting,
            "activity": entry.activity,
            "hours": entry.hours,
        }


def supervision_rows(prisons) -> Iterable[dict]:
    sessions = (
        Supervision.objects.filter(prison__in=prisons)
        .select_related("prison", "supervisor")
        .prefetch_related("buddies")
    )
    for supervision in sessions:
        yield {
            "prison_code": supervision.prison.code,
            "reference": supervision.reference,
            "date": supervision.date,
            "kind": supervision.kind,
            "supervisor": (
                supervision.supervisor.staff_ref
                if supervision.supervisor_id
                else supervision.supervisor_name
            ),
            "buddy_prison_numbers": [buddy.prison_number for buddy in supervision.buddies.all()],
            "minutes": supervision.minutes,
            "notes": supervision.notes,
        }


def incidents_rows(prisons) -> Iterable[dict]:
    incidents = Incident.objects.filter(prison__in=prisons).select_related(
        "prison", "buddy", "recipient"
    )
    for incident in incidents:
        yield {
            "prison_code": incident.prison.code,
            "reference": incident.reference,
            "occurred_on": incident.occurred_on,
            "category": incident.category_id,
            "severity": incident.severity,
            "buddy_prison_number": incident.buddy.prison_number if incident.buddy_id else "",
            "recipient_prison_number": (
                incident.recipient.prison_number if incident.recipient_id else ""
            ),
            "status": incident.status,
            "safeguarding_referral_on": incident.safeguarding_referral_on,
            "closed_on": incident.closed_on,
            "summary": incident.summary,
        }


def sessions_rows(prisons) -> Iterable[dict]:
    """Sessions in batches through an iterator, so a million rows do not sit in memory at once."""
    through = Session.tasks.through
    sessions = (
        Session.objects.filter(prison__in=prisons)
        .select_related("prison", "buddy", "recipient")
        .order_by("pk")
    )
    batch = []

    def flush():
        tasks: dict[int, list[str]] = {}
        for session_id, task_id in through.objects.filter(
            session_id__in=[s.pk for s in batch]
        ).values_list("session_id", "task_id"):
            tasks.setdefault(session_id, []).append(task_id)
        for session in batch:
            yield {
                "prison_code": session.prison.code,
                "date": session.date,
                "period": session.period,
                "buddy_prison_number": (
                    session.buddy.prison_number
                    if session.buddy_id
                    else session.helper_prison_number
                ),
                "recipient_prison_number": session.recipient.prison_number,
                "minutes": session.minutes,
                "tasks": tasks.get(session.pk, []),
                "delivered": session.outcome,
                "informal": session.informal,
                "paid": session.paid,
                "off_plan_reason": session.off_plan_reason,
            }

    for session in sessions.iterator(chunk_size=5000):
        batch.append(session)
        if len(batch) == 5000:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


ROWS = {
    "prisons": prisons_rows,
    "staff": staff_rows,
    "buddies": buddies_rows,
    "recipients": recipients_rows,
    "care_plans": care_plans_rows,
    "assignments": assignments_rows,
    "training": training_rows,
    "staff_time": staff_time_rows,
    "supervision": supervision_rows,
    "incidents": incidents_rows,
    "sessions": sessions_rows,
}


def table(spec: FileSpec, prisons) -> list[list[str]]:
    """The file's rows as text, header first, sorted by key. Text that a spreadsheet would read
    as a formula gets a leading quote (common.spreadsheet); reading.py takes it off again."""
    rows = [
        [write(safe_cell(row.get(column))) for column in spec.columns]
        for row in ROWS[spec.name](prisons)
    ]
    positions = [spec.columns.index(column) for column in spec.key]
    rows.sort(key=lambda row: [row[p] for p in positions])
    return [list(spec.columns), *rows]


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def cost_templates(prisons) -> dict[str, bytes]:
    from costs.models import CostYear

    files = {}
    for cost_year in CostYear.objects.filter(prison__in=prisons).select_related("prison"):
        name = f"cost-template-{cost_year.prison.code}-{cost_year.financial_year}.json"
        text = json.dumps(cost_year.template, indent=2, sort_keys=True, ensure_ascii=False)
        files[name] = (text + "\n").encode("utf-8")
    return dict(sorted(files.items()))


def export_files(prisons) -> dict[str, bytes]:
    """{file name: bytes}: every file of the standard as CSV, then the cost templates."""
    prisons = list(prisons)
    files = {spec.filename: csv_bytes(table(spec, prisons)) for spec in FILES.values()}
    return {**files, **cost_templates(prisons)}


def export_workbook(prisons) -> bytes:
    """The same files as one XLSX workbook, one sheet per file (cells written as text, so that
    codes, references and dates read back exactly, and quoted as in the CSV files: openpyxl would
    otherwise store text starting with = as a formula); cost templates are not sheets: export them
    as files."""
    from openpyxl import Workbook

    prisons = list(prisons)
    book = Workbook(write_only=True)
    for spec in FILES.values():
        sheet = book.create_sheet(spec.name)
        for row in table(spec, prisons):
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
