"""Writes for incidents: record, change, and suspend the buddy an incident names."""

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from buddies.constants import BuddyStatus
from buddies.models import Buddy
from buddies.services import buddy_change_status
from common.formatting import govuk_date
from governance.constants import IncidentStatus
from governance.models import Incident, IncidentCategory, Prison
from recipients.models import Recipient

# Fields a lead edits directly; prison and recorded_by are set once, when the incident is recorded.
EDITABLE_FIELDS = [
    "reference",
    "occurred_on",
    "category",
    "severity",
    "buddy",
    "recipient",
    "status",
    "safeguarding_referral_on",
    "closed_on",
    "summary",
    "actions",
    "outcome",
]

DUPLICATE = "This prison already has an incident with this reference"


def _save(incident: Incident) -> None:
    """Validate and save; on failure the in-memory record is put back as it is stored."""
    try:
        incident.full_clean()
    except ValidationError as error:
        if incident.pk:
            incident.refresh_from_db()
        errors = error.message_dict
        if DUPLICATE in errors.get(NON_FIELD_ERRORS, []):
            errors[NON_FIELD_ERRORS].remove(DUPLICATE)
            errors.setdefault("reference", []).append(DUPLICATE)
            if not errors[NON_FIELD_ERRORS]:
                del errors[NON_FIELD_ERRORS]
        raise ValidationError(errors) from None
    try:
        with transaction.atomic():
            incident.save()
    except IntegrityError as error:  # a concurrent save won the race for the same reference
        if incident.pk:
            incident.refresh_from_db()
        raise ValidationError({"reference": DUPLICATE}) from error


@transaction.atomic
def incident_record(
    *,
    prison: Prison,
    user,
    reference: str,
    occurred_on: dt.date,
    category: IncidentCategory,
    severity: str,
    buddy: Buddy | None = None,
    recipient: Recipient | None = None,
    status: str = IncidentStatus.OPEN,
    safeguarding_referral_on: dt.date | None = None,
    closed_on: dt.date | None = None,
    summary: str = "",
    actions: str = "",
    outcome: str = "",
) -> Incident:
    """Record an incident at a prison, noting who recorded it. A buddy or person it names must be
    of the same prison; a closed incident needs its closing date (the model's rules)."""
    incident = Incident(
        prison=prison,
        reference=reference,
        occurred_on=occurred_on,
        category=category,
        severity=severity,
        buddy=buddy,
        recipient=recipient,
        status=status,
        safeguarding_referral_on=safeguarding_referral_on,
        closed_on=closed_on,
        summary=summary,
        actions=actions,
        outcome=outcome,
        recorded_by=user,
    )
    incident._history_user = user
    _save(incident)
    return incident


@transaction.atomic
def incident_update(*, incident: Incident, **fields) -> Incident:
    """Change an incident's details, status and dates (any of EDITABLE_FIELDS)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"incident_update does not change {sorted(unknown)}")
    for name, value in fields.items():
        setattr(incident, name, value)
    _save(incident)
    return incident


@transaction.atomic
def incident_suspend_buddy(*, incident: Incident, user) -> Buddy:
    """Suspend the active buddy an incident names, and note it in the incident's actions.

    Both happen or neither does. Only an active buddy can be suspended.
    """
    if incident.buddy_id is None:
        raise ValidationError(
            {"buddy": "This incident names no buddy, so there is nobody to suspend"}
        )
    buddy = Buddy.objects.select_for_update().get(pk=incident.buddy_id)
    if buddy.status != BuddyStatus.ACTIVE:
        raise ValidationError(
            {
                "buddy": f"{buddy.full_name} cannot be suspended: they are "
                f"{buddy.get_status_display().lower()}, not active"
            }
        )
    buddy._history_user = user
    buddy_change_status(buddy=buddy, status=BuddyStatus.SUSPENDED)
    line = f"Buddy suspended on {govuk_date(timezone.localdate())}"
    incident.actions = f"{incident.actions.rstrip()}\n{line}" if incident.actions.strip() else line
    incident._history_user = user
    _save(incident)
    incident.buddy = buddy
    return buddy
