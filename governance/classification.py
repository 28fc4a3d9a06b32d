"""Which of the six governance models a prison's scheme sits at on a date, from its records.

The taxonomy (shared/DOMAIN.md, "Governance taxonomy") reads each scheme on three columns:
employment processes, buddy training and support, and staff training. `governance_model` measures
each column from the records in a fixed number of aggregate queries, places the scheme, and says
why in sentences with the numbers behind them. `governance_models_for` does the same for many
prisons in the same number of queries, each grouped by prison. Reasons carry no name or prison
number.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q

from buddies.constants import BuddyStatus, VettingOutcome
from buddies.models import Buddy
from common.formatting import govuk_date
from governance.compliance import (
    count,
    counts_by,
    has,
    pk_in,
    schemes_by_prison,
    supervision_limits,
    trained_buddy_ids,
    with_supervision_window,
)
from governance.constants import SupervisionKind
from governance.models import Supervision, TrainingRecord
from monitoring.disclosure import shown

# Levels of each column, lowest first.
NONE, SOME, ALL_FOUR, FORMALISED, FORMAL = "none", "some", "all_four", "formalised", "formal"
EMPLOYMENT_LEVELS = [NONE, SOME, ALL_FOUR, FORMALISED]
BUDDY_TRAINING_LEVELS = [NONE, SOME, FORMAL]
STAFF_TRAINING_LEVELS = [NONE, SOME, FORMAL]

# Share of buddies who started work that must have had all four steps dated on or before their
# start for the processes to count as formalised: the steps gated starting work, rather than being
# filled in afterwards. A tenth is allowed for a record that came in late.
FORMALISED_SHARE = 90  # per cent
STAFF_SCHEME_MODULE = "staff_peer_scheme"

# The DOMAIN.md table as it reads: for each model, the levels each column may take
# (employment processes, buddy training and support, staff training).
TABLE = {
    1: ({FORMALISED}, {FORMAL}, {FORMAL}),
    2: ({ALL_FOUR, FORMALISED}, {FORMAL}, {SOME, NONE}),
    3: ({SOME}, {FORMAL}, {NONE}),
    4: ({SOME}, {SOME}, {SOME, NONE}),
    5: ({SOME}, {NONE}, {NONE}),
    6: ({NONE}, {SOME, NONE}, {NONE}),
}
LEVEL_ORDERS = (EMPLOYMENT_LEVELS, BUDDY_TRAINING_LEVELS, STAFF_TRAINING_LEVELS)

MEANINGS = {
    1: "Fully formal: every buddy is employed through application, security vetting, interview "
    "and a signed compact before starting work; buddies have formal module training and "
    "supervision; staff are trained on the scheme.",
    2: "Formal employment and training: every buddy went through all four employment steps and "
    "has formal module training and supervision, but staff have little or no training on the "
    "scheme.",
    3: "Formal training, partial employment process: buddies have formal module training and "
    "supervision, but only some employment steps are recorded; staff have no training on the "
    "scheme.",
    4: "Partly formal: some employment steps are recorded and buddies have some training or "
    "support (targeted sessions, or not every buddy trained or supervised).",
    5: "Mostly informal: some employment steps are recorded, but buddies have no training or "
    "supervision on record and staff have no training on the scheme.",
    6: "Informal: no employment process is recorded, buddies have limited or no training or "
    "support, and staff have no training on the scheme.",
}
EMPLOYMENT_LABELS = {
    NONE: "none",
    SOME: "some steps",
    ALL_FOUR: "all four steps",
    FORMALISED: "all four steps, formalised",
}
TRAINING_LABELS = {NONE: "none", SOME: "some", FORMAL: "formal"}


@dataclass(frozen=True)
class Classification:
    model: int  # 1 to 6
    reasons: list[str] = field(default_factory=list)
    measures: dict = field(default_factory=dict)

    @property
    def meaning(self) -> str:
        return MEANINGS[self.model]


def employment_level(started: int, all_four: int, all_four_before_start: int, any_step: int) -> str:
    """Formalised: every buddy who started work has all four steps, and at least 90% had them
    dated on or before their start. All four: every buddy who started has all four. Some: at least
    one step recorded for at least one buddy who started. None: otherwise, including nobody
    started."""
    if started and all_four == started:
        if all_four_before_start * 100 >= FORMALISED_SHARE * started:
            return FORMALISED
        return ALL_FOUR
    return SOME if any_step else NONE


def buddy_training_level(active: int, trained: int, supervised: int, with_any_record: int) -> str:
    """Formal: at least one active buddy, and every active buddy's mandatory training counts and
    they were supervised within the prison's supervision limit. Some: at least one active buddy
    with a training record or a group or one-to-one supervision. None: otherwise (ad hoc check-ins
    alone are "none or ad hoc" in the taxonomy)."""
    if active and trained == active and supervised == active:
        return FORMAL
    return SOME if with_any_record else NONE


def staff_training_level(on_scheme: int, any_training: int) -> str:
    """Formal: at least one member of staff has completed the peer support scheme module
    (staff_peer_scheme). Some: at least one has any training record. None: otherwise."""
    if on_scheme:
        return FORMAL
    return SOME if any_training else NONE


def place(levels: tuple[str, str, str]) -> tuple[int, bool]:
    """The model for three column levels, and whether the scheme fits that row as the table reads.
    A scheme that fits a row gets that model (rows do not overlap). Otherwise: the lowest-numbered
    model whose every column the scheme meets or exceeds (each column's lowest level in that row
    is its floor), which falls back to 6. For a scheme that fits a row both give the same model."""
    for model, allowed in TABLE.items():
        if all(level in options for level, options in zip(levels, allowed, strict=True)):
            return model, True
    for model, allowed in TABLE.items():
        if all(
            order.index(level) >= min(order.index(option) for option in options)
            for level, options, order in zip(levels, allowed, LEVEL_ORDERS, strict=True)
        ):
            return model, False
    return 6, False  # not reached: row 6's floors are all "none"


def governance_model(prison, on: dt.date) -> Classification:
    """The governance model (1 to 6, shared/DOMAIN.md) of a prison's scheme on a date.

    Measures, all from records dated on or before `on`:
    - Employment processes, over buddies who started work (started_on on or before `on`, whatever
      their status now): how many have each step recorded: applied (applied_on), security vetting
      decided (vetted_on with an outcome of approved or refused), interviewed (interviewed_on),
      compact signed (compact_signed_on); how many have all four; how many have all four dated on
      or before their start; how many have at least one. Level: see `employment_level`.
    - Buddy training and support, over active buddies (status active now): how many hold every
      mandatory module that counts on `on` (governance.training; none can when the prison has
      chosen no mandatory module); how many were supervised within the prison's supervision limit
      up to `on`; how many have any training record or supervision. Level: `buddy_training_level`.
    - Staff training, over the prison's staff: how many completed the peer support scheme module;
      how many have any training record. Level: `staff_training_level`.
    Placement: `place`. Model 1 needs employment formalised and formal staff training; models 1
    and 2 both need all four steps for every buddy who started work. A fixed number of queries
    (`governance_models_for`).
    """
    return governance_models_for([prison], on)[prison.pk]


def governance_models_for(prisons, on: dt.date) -> dict[int, Classification]:
    """`governance_model` for each of `prisons` (Prison objects), by prison id: each aggregate
    query is grouped by prison, so the number of queries is fixed whatever the number of prisons.
    Each prison's own supervision limit and mandatory modules apply to it."""
    prisons = list(prisons)
    if not prisons:
        return {}
    ids = [prison.pk for prison in prisons]
    schemes = schemes_by_prison(ids)
    limits = supervision_limits(ids, schemes)
    buddies = Buddy.objects.filter(prison_id__in=ids)

    applied = Q(applied_on__lte=on)
    vetted = Q(
        vetted_on__lte=on,
        vetting_outcome__in=[VettingOutcome.APPROVED, VettingOutcome.REFUSED],
    )
    interviewed = Q(interviewed_on__lte=on)
    compact = Q(compact_signed_on__lte=on)
    all_four = applied & vetted & interviewed & compact
    before_start = Q(
        applied_on__lte=F("started_on"),
        vetted_on__lte=F("started_on"),
        interviewed_on__lte=F("started_on"),
        compact_signed_on__lte=F("started_on"),
    )
    employment = counts_by(
        buddies.filter(started_on__lte=on),
        "prison_id",
        started=Count("pk"),
        applied=Count("pk", filter=applied),
        vetted=Count("pk", filter=vetted),
        interviewed=Count("pk", filter=interviewed),
        compact=Count("pk", filter=compact),
        all_four=Count("pk", filter=all_four),
        all_four_before_start=Count("pk", filter=all_four & before_start),
        any_step=Count("pk", filter=applied | vetted | interviewed | compact),
    )

    active = buddies.filter(status=BuddyStatus.ACTIVE)
    trained_ids, mandatory_modules = trained_buddy_ids(active, ids, on)
    support = counts_by(
        with_supervision_window(active, limits, on).annotate(
            has_training=Exists(
                TrainingRecord.objects.filter(buddy_id=OuterRef("pk"), completed_on__lte=on)
            ),
            # Ad hoc check-ins alone are the taxonomy's "none or ad hoc" support: only group or
            # one-to-one supervision counts towards "some".
            has_supervision=Exists(
                Supervision.buddies.through.objects.filter(
                    buddy_id=OuterRef("pk"),
                    supervision__date__lte=on,
                    supervision__kind__in=[SupervisionKind.GROUP, SupervisionKind.ONE_TO_ONE],
                )
            ),
        ),
        "prison_id",
        active=Count("pk"),
        trained=Count("pk", filter=pk_in(trained_ids)),
        supervised=Count("pk", filter=Q(was_supervised=True)),
        with_any_record=Count("pk", filter=Q(has_training=True) | Q(has_supervision=True)),
    )

    staff = counts_by(
        TrainingRecord.objects.filter(staff__prison_id__in=ids, completed_on__lte=on),
        "staff__prison_id",
        staff_on_scheme=Count("staff", distinct=True, filter=Q(module_id=STAFF_SCHEME_MODULE)),
        staff_with_training=Count("staff", distinct=True),
    )
    return {
        prison.pk: classification_of(
            employment[prison.pk],
            support[prison.pk],
            staff[prison.pk],
            mandatory_modules=mandatory_modules.get(prison.pk, 0),
            limit_days=limits[prison.pk],
            on=on,
        )
        for prison in prisons
    }


def classification_of(
    employment: dict,
    support: dict,
    staff: dict,
    *,
    mandatory_modules: int,
    limit_days: int,
    on: dt.date,
) -> Classification:
    """The model and its reasons from one prison's counts (see `governance_model`)."""
    levels = (
        employment_level(
            employment["started"],
            employment["all_four"],
            employment["all_four_before_start"],
            employment["any_step"],
        ),
        buddy_training_level(
            support["active"], support["trained"], support["supervised"], support["with_any_record"]
        ),
        staff_training_level(staff["staff_on_scheme"], staff["staff_with_training"]),
    )
    model, fits_row = place(levels)
    measures = {
        "employment": levels[0],
        "started_buddies": employment["started"],
        "applied": employment["applied"],
        "vetted": employment["vetted"],
        "interviewed": employment["interviewed"],
        "compact_signed": employment["compact"],
        "all_four_steps": employment["all_four"],
        "all_four_before_start": employment["all_four_before_start"],
        "any_step": employment["any_step"],
        "buddy_training": levels[1],
        "active_buddies": support["active"],
        "mandatory_modules": mandatory_modules,
        "trained": support["trained"],
        "supervised": support["supervised"],
        "supervision_limit_days": limit_days,
        "with_training_or_supervision": support["with_any_record"],
        "staff_training": levels[2],
        "staff_on_scheme": staff["staff_on_scheme"],
        "staff_with_training": staff["staff_with_training"],
    }
    reasons = [
        employment_reason(measures),
        buddy_training_reason(measures, on),
        staff_training_reason(measures),
        (
            f"These match the row for model {model} in the governance taxonomy"
            if fits_row
            else f"These match no single row of the governance taxonomy: model {model} is the "
            "lowest-numbered model whose every column the scheme meets or exceeds"
        ),
    ]
    return Classification(model=model, reasons=reasons, measures=measures)


def employment_reason(m: dict) -> str:
    label = EMPLOYMENT_LABELS[m["employment"]]
    started = m["started_buddies"]
    if not started:
        return f"Employment processes ({label}): no buddy has started work"
    text = (
        f"Employment processes ({label}): {shown(m['all_four_steps'])} of "
        f"{count(started, 'buddy', 'buddies')} who started work {has(m['all_four_steps'])} "
        f"all four employment steps recorded (application {shown(m['applied'])}, security vetting "
        f"{shown(m['vetted'])}, interview {shown(m['interviewed'])}, compact {shown(m['compact_signed'])})"
    )
    if m["employment"] in {ALL_FOUR, FORMALISED}:
        text += (
            f"; {shown(m['all_four_before_start'])} of {shown(started)} had all four before starting work "
            f"(formalised needs at least {FORMALISED_SHARE}%)"
        )
    return text


def buddy_training_reason(m: dict, on: dt.date) -> str:
    label = TRAINING_LABELS[m["buddy_training"]]
    active = m["active_buddies"]
    if not active:
        return f"Buddy training and support ({label}): no buddy is active"
    text = (
        f"Buddy training and support ({label}): {shown(m['trained'])} of "
        f"{count(active, 'active buddy', 'active buddies')} "
        f"{'holds' if shown(m['trained']) == 1 else 'hold'} "
        f"every mandatory module, {shown(m['supervised'])} of {shown(active)} supervised in the "
        f"{m['supervision_limit_days']} days up to {govuk_date(on)}, "
        f"{shown(m['with_training_or_supervision'])} of {shown(active)} with any training, or group or "
        "one-to-one supervision, on record"
    )
    if not m["mandatory_modules"]:
        text += "; the prison has not chosen which training modules are mandatory"
    return text


def staff_training_reason(m: dict) -> str:
    label = TRAINING_LABELS[m["staff_training"]]
    return (
        f"Staff training ({label}): "
        f"{count(m['staff_on_scheme'], 'member', 'members')} of staff trained on the peer support "
        f"scheme, {shown(m['staff_with_training'])} with any training on record"
    )
