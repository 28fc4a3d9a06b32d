"""The rules of employing a buddy: status transitions and whether a buddy is fit to work."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from buddies.constants import TRANSITIONS, BuddyStatus, VettingOutcome
from common.formatting import govuk_date


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


@dataclass(frozen=True)
class TrainingCondition:
    """Mandatory training as a fit-to-work condition; checked from training records, not a field."""

    key: str = "training"
    label: str = "Mandatory training complete"
    psi: str = "PSI requirement 4"


TRAINING = TrainingCondition()
NO_MANDATORY_TRAINING = "Mandatory training: this prison has not chosen which modules are mandatory"
UNTRAINED_DAYS_LIMIT = 28


@dataclass
class FitToWork:
    """Whether a buddy may work on a date. `fit` is None when a condition cannot be checked."""

    checks: list[tuple[Condition | TrainingCondition, bool]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    modules: list = field(default_factory=list)  # governance.training.ModuleState, for the page
    warnings: list[str] = field(default_factory=list)

    @property
    def unmet(self) -> list:
        return [condition for condition, met in self.checks if not met]

    @property
    def fit(self) -> bool | None:
        if self.unmet:
            return False
        return None if self.unknown else True


def fit_to_work(buddy, *, training=None, on: dt.date | None = None) -> FitToWork:
    """A buddy is fit to work when active, vetted, contracted, briefed and trained in every
    mandatory module (PSI requirements 1, 4, 5, 6 and 13). A module past its expiry still counts
    during the prison's renewal window, with a warning. `training` is a TrainingContext loaded for
    many buddies at once; without it this buddy's records are read."""
    from governance.training import EXPIRED, IN_WINDOW, MISSING, TrainingContext

    on = on or timezone.localdate()
    if training is None:
        training = TrainingContext.load([buddy.pk], [buddy.prison_id])
    result = FitToWork(
        checks=[(condition, condition.met(buddy)) for condition in FIT_TO_WORK_CONDITIONS]
    )
    trained = training.trained(buddy, on)
    if trained is None:
        result.unknown.append(NO_MANDATORY_TRAINING)
    else:
        result.checks.append((TRAINING, trained))
        result.modules = training.states(buddy, on)
        for state in result.modules:
            if state.status == IN_WINDOW:
                result.warnings.append(
                    f"{state.label} expired on {govuk_date(state.expires_on)}: book a refresher; it "
                    "counts until the renewal window closes"
                )
        missing = [s.label for s in result.modules if s.status in {MISSING, EXPIRED}]
        if (
            missing
            and buddy.status == BuddyStatus.ACTIVE
            and buddy.started_on
            and (on - buddy.started_on).days > UNTRAINED_DAYS_LIMIT
        ):
            result.warnings.append(
                f"Working for {(on - buddy.started_on).days} days without mandatory training "
                f"({', '.join(missing)}): buddies should be trained within {UNTRAINED_DAYS_LIMIT} days"
            )
    return result


def fit_to_work_q(prefix: str = "") -> Q:
    """The database form of the recorded conditions; training is checked with a TrainingContext."""
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


def fit_on(buddy, day: dt.date, training) -> bool:
    """Whether a buddy met every dated condition on a past day: vetting approved and decided by
    then, compact signed and role and safeguarding explained by then, and mandatory training that
    counted that day. Status is left out: it is not dated, and a buddy suspended today may have
    worked fit before."""
    dated = [
        buddy.vetted_on,
        buddy.compact_signed_on,
        buddy.benefits_explained_on,
        buddy.safeguarding_briefed_on,
    ]
    return (
        buddy.vetting_outcome == VettingOutcome.APPROVED
        and all(d is not None and d <= day for d in dated)
        and training.trained(buddy, day) is True
    )


def untrained_buddy_ids(buddies, on: dt.date | None = None) -> set[int]:
    """Ids of the buddies whose mandatory training does not count on a date (including those in a
    prison that has chosen no mandatory module, whose training cannot be shown). Three queries."""
    from governance.training import TrainingContext

    on = on or timezone.localdate()
    rows = list(buddies.only("pk", "prison_id"))
    training = TrainingContext.load([b.pk for b in rows], {b.prison_id for b in rows})
    return {b.pk for b in rows if training.trained(b, on) is not True}
