import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from buddies.constants import BuddyStatus, PayScheme
from buddies.models import Buddy, PayRate
from buddies.rules import TransitionRefused, check_transition
from common.validation import full_clean_or_raise
from common.versioning import StaleEdit, expect_version
from governance.models import PeerRole, Prison

# Fields a lead edits directly; status and its dates change only through buddy_change_status.
EDITABLE_FIELDS = [
    "prison_number",
    "given_name",
    "family_name",
    "applied_on",
    "vetted_on",
    "vetting_outcome",
    "interviewed_on",
    "offered_on",
    "compact_signed_on",
    "benefits_explained_on",
    "safeguarding_briefed_on",
]


DUPLICATE = "There is already a buddy with this prison number in this prison"


def _save(buddy: Buddy) -> None:
    """Validate and save; on failure the in-memory record is put back as it is stored."""
    full_clean_or_raise(buddy, duplicate=DUPLICATE, duplicate_field="prison_number")
    try:
        with transaction.atomic():
            buddy.save()
    except IntegrityError as error:  # a concurrent save won the race for the same prison number
        if buddy.pk:
            buddy.refresh_from_db()
        raise ValidationError({"prison_number": DUPLICATE}) from error


@transaction.atomic
def buddy_create(
    *,
    prison: Prison,
    prison_number: str,
    given_name: str,
    family_name: str,
    applied_on: dt.date | None,
    other_peer_roles: Iterable[PeerRole] = (),
) -> Buddy:
    """Record an application: every buddy starts as an applicant."""
    buddy = Buddy(
        prison=prison,
        prison_number=prison_number,
        given_name=given_name,
        family_name=family_name,
        applied_on=applied_on,
        status=BuddyStatus.APPLICANT,
    )
    _save(buddy)
    buddy.other_peer_roles.set(other_peer_roles)
    return buddy


@transaction.atomic
def buddy_update(
    *,
    buddy: Buddy,
    other_peer_roles: Iterable[PeerRole],
    row_version: int | None = None,
    **fields,
) -> Buddy:
    """Change a buddy's details and employment steps (not their status).

    `row_version` is the version the form was opened at: a change to a record someone else has
    saved since is refused (StaleEdit) and nothing is saved."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"buddy_update does not change {sorted(unknown)}")
    expect_version(buddy, row_version)
    for name, value in fields.items():
        setattr(buddy, name, value)
    _save(buddy)
    roles = list(other_peer_roles)
    if {r.code for r in roles} != set(buddy.other_peer_roles.values_list("code", flat=True)):
        buddy.other_peer_roles.set(roles)
    return buddy


@transaction.atomic
def buddy_change_status(
    *,
    buddy: Buddy,
    status: str,
    on: dt.date | None = None,
    rejection_reason: str = "",
    end_reason: str = "",
    row_version: int | None = None,
) -> Buddy:
    """Move a buddy to the next step, recording the date it happened; illegal moves are refused,
    and so is a move from a form opened before someone else changed the record (`row_version`)."""
    expect_version(buddy, row_version)
    try:
        check_transition(buddy, status, on=on)
    except TransitionRefused as refused:
        raise ValidationError({refused.field: refused.message}) from refused
    if status == BuddyStatus.REJECTED and not rejection_reason.strip():
        raise ValidationError({"rejection_reason": "Enter why they were not appointed"})
    if status == BuddyStatus.LEFT and not end_reason:
        raise ValidationError({"end_reason": "Select why they left"})
    date_field = None
    if status == BuddyStatus.OFFERED:
        date_field = "offered_on"
    elif status == BuddyStatus.REJECTED:
        buddy.rejection_reason = rejection_reason.strip()
        date_field = "rejected_on"
    elif status == BuddyStatus.ACTIVE and buddy.status == BuddyStatus.OFFERED:
        date_field = "started_on"
    elif status == BuddyStatus.LEFT:
        buddy.end_reason = end_reason
        date_field = "ended_on"
    if date_field and on is not None:
        setattr(buddy, date_field, on)
    buddy.status = status
    try:
        _save(buddy)
    except StaleEdit:
        raise
    except ValidationError as error:
        # The form asks for one date; report a date problem against it.
        if date_field and date_field in error.message_dict:
            raise ValidationError({"on": error.message_dict[date_field]}) from error
        raise
    if status == BuddyStatus.LEFT:
        from recipients.services import buddy_left_end_assignments

        buddy_left_end_assignments(buddy=buddy, on=buddy.ended_on)
    return buddy


@transaction.atomic
def buddy_set_pay(
    *, buddy: Buddy, pay_scheme: str, rate_per_session: Decimal | None, effective_from: dt.date
) -> PayRate:
    """Pay a buddy at a new rate from a date, within the prison's range; earlier rates are kept."""
    scheme = buddy.prison.scheme
    if pay_scheme == PayScheme.UNPAID_VOLUNTEER:
        if rate_per_session not in (None, Decimal("0")):
            raise ValidationError(
                {"rate_per_session": "An unpaid volunteer is paid nothing: leave the rate empty"}
            )
        rate_per_session = Decimal("0.00")
    elif rate_per_session is None:
        raise ValidationError({"rate_per_session": "Enter the rate per session"})
    elif not scheme.min_pay_rate <= rate_per_session <= scheme.max_pay_rate:
        raise ValidationError(
            {
                "rate_per_session": f"The rate per session must be between £{scheme.min_pay_rate} "
                f"and £{scheme.max_pay_rate}, the range set for {buddy.prison.name}"
            }
        )
    rate = PayRate(
        buddy=buddy,
        pay_scheme=pay_scheme,
        rate_per_session=rate_per_session,
        effective_from=effective_from,
    )
    rate.full_clean()
    rate.save()
    return rate
