"""The rules of employing a buddy: status transitions and whether a buddy is fit to work."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Q

from buddies.constants import TRANSITIONS, BuddyStatus, VettingOutcome


@dataclass(frozen=True)
class Condition:
    """One condition of being fit to work, checkable both on a record and in the database."""

    key: str
    label: str
    psi: str
    field: str
    equals: str | None = None  # None: the field must be recorded (a date)

    def q(self, prefix: str = "") -> Q:
        """The condition as a filter; `prefix` reaches the buddy through a relation (e.g. "buddy__")."""
        if self.equals is None:
            return Q(**{f"{prefix}{self.field}__isnull": False})
        return Q(**{f"{prefix}{self.field}": self.equals})

    def met(self, buddy) -> bool:
        value = getattr(buddy, self.field)
        return value is not None if self.equals is None else value == self.equals


FIT_TO_WORK_CONDITIONS = [
    Condition("active", "Working as a buddy (status active)", "", "status", BuddyStatus.ACTIVE),
    Condition(
        "vetting",
        "Security vetting approved",
        "PSI requirement 4",
        "vetting_outcome",
        VettingOutcome.APPROVED,
    ),
    Condition("compact", "Compact signed", "PSI requirement 5", "compact_signed_on"),
    Condition(
        "benefits", "Benefits of the role explained", "PSI requirement 1", "benefits_explained_on"
    ),
    Condition(
        "safeguarding",
        "Safeguarding policy and how to raise a concern explained",
        "PSI requirements 6 and 13",
        "safeguarding_briefed_on",
    ),
]

TRAINING_UNKNOWN = "Mandatory training: PeerCare does not hold training records yet"


@dataclass
class FitToWork:
    """Whether a buddy may work today. `fit` is None when a condition cannot be checked yet."""

    checks: list[tuple[Condition, bool]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def unmet(self) -> list[Condition]:
        return [condition for condition, met in self.checks if not met]

    @property
    def fit(self) -> bool | None:
        if self.unmet:
            return False
        return None if self.unknown else True


def fit_to_work(buddy) -> FitToWork:
    """A buddy is fit to work when active, vetted, contracted, briefed and trained (PSI 1, 4, 5, 6, 13).

    Training is not recorded in PeerCare yet, so it is listed as unknown and a buddy is never
    shown as fit to work without records behind it.
    """
    result = FitToWork(unknown=[TRAINING_UNKNOWN])
    result.checks = [(condition, condition.met(buddy)) for condition in FIT_TO_WORK_CONDITIONS]
    return result


def fit_to_work_q(prefix: str = "") -> Q:
    """The database form of every checkable condition (training aside, as above)."""
    combined = Q()
    for condition in FIT_TO_WORK_CONDITIONS:
        combined &= condition.q(prefix)
    return combined


class TransitionRefused(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def check_transition(buddy, new_status: str, *, on: dt.date | None) -> None:
    """Raise TransitionRefused unless `buddy` may move to `new_status` (with a date `on`)."""
    current = BuddyStatus(buddy.status)
    if new_status not in TRANSITIONS[current]:
        allowed = " or ".join(BuddyStatus(s).label.lower() for s in TRANSITIONS[current])
        raise TransitionRefused(
            "status",
            f"A buddy who is {current.label.lower()} cannot become "
            f"{BuddyStatus(new_status).label.lower()}"
            + (f". They can become: {allowed}" if allowed else ": this status is final"),
        )
    if new_status == BuddyStatus.ACTIVE and buddy.vetting_outcome != VettingOutcome.APPROVED:
        outcome = (
            buddy.get_vetting_outcome_display().lower() if buddy.vetting_outcome else "not recorded"
        )
        raise TransitionRefused(
            "status",
            f"A buddy cannot be made active while security vetting is {outcome}: record an approved "
            "vetting decision first (PSI requirement 4)",
        )
    needs_date = {BuddyStatus.LEFT, BuddyStatus.REJECTED}
    if current == BuddyStatus.OFFERED:
        needs_date.add(BuddyStatus.ACTIVE)  # starting work; coming back from suspension keeps it
    if new_status in needs_date and on is None:
        raise TransitionRefused("on", "Enter the date")


def fit_at_session_q() -> Q:
    """Sessions whose buddy met every dated condition on the session's day: vetting approved and
    decided by then, compact signed and role and safeguarding explained by then. Training aside,
    as above; status is left out because it is not dated (a buddy suspended today worked fit before)."""
    return (
        Q(buddy__vetting_outcome=VettingOutcome.APPROVED)
        & Q(buddy__vetted_on__lte=F("date"))
        & Q(buddy__compact_signed_on__lte=F("date"))
        & Q(buddy__benefits_explained_on__lte=F("date"))
        & Q(buddy__safeguarding_briefed_on__lte=F("date"))
    )
