"""A national-scale dataset for load testing and benchmarks (`manage.py seed_scale`).

The national picture is about 120 prisons, 2,000 buddies and 4,000 people supported at any one
time, and a million sessions a year. `generate` builds a dataset in that proportion for the
number of prisons asked, with exactly the number of sessions asked spread over the years up to an
end date, and writes it in bulk: COPY on PostgreSQL, multi-row inserts on SQLite. Nothing goes
through the ORM row by row, and no change history is written (the records are not real changes).

What each prison gets, drawn from `random.Random(seed)` so a seed always gives the same data:
- a scheme with its settings, varied by category, region, leadership, formality and council;
- buddies over their life cycle: applications still open, people offered the role, people not
  appointed, active and suspended buddies, and buddies who left; most have vetting, the compact,
  the benefits and safeguarding on record, some do not; pay rates, and a few other peer roles;
- training records for the mandatory modules (some missing, some expired without a refresher);
- staff involved in the scheme, their training and (in most prisons) their weekly time;
- supervision sessions: group, one-to-one and ad hoc;
- people supported with their needs, referrals, care plan versions (most approved by the local
  authority, some overdue for review or still open) and buddy assignments;
- sessions for the assignments, delivered mostly, some missed (a whole day in a lockdown, or
  for the data standard's other reasons) and a few of informal help, each delivered session with
  at least one task from the person's plan;
- incidents by category and severity, tied to a session's buddy and person;
- a cost template for the financial year holding the end date.

Prisons differ in how formally they keep their records (each aims at one of the governance
models 1 to 6 of governance.classification) and in a hidden "quality" that drives how complete
their records are, so that comparisons by region, category, leadership and governance model have
something to show. All names are invented.

Ids are given here, from the first free id of each table, so that the link tables can name the
sessions, and the sequences are reset afterwards. On PostgreSQL the big tables' foreign keys and
indexes are dropped for the load and rebuilt after it, in the same transaction (DeferredChecks),
and the triggers marking the days of new sessions are off for the load. The daily summary of
sessions (monitoring.daily) is worked out once, at the end.
"""

import bisect
import datetime as dt
import json
import math
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from buddies.constants import (
    BuddyStatus,
    EndReason,
    Outcome,
    PayScheme,
    Period,
    VettingOutcome,
)
from buddies.models import Buddy, MissedReason, PayRate, Session
from costs.models import CostYear, UnitCost
from costs.template import read_template
from governance.constants import (
    DEFAULT_MANDATORY_MODULES,
    INCIDENT_CATEGORIES,
    NEEDS,
    IncidentStatus,
    Leadership,
    Organisation,
    PrisonCategory,
    SchemeFormality,
    Severity,
    StaffActivity,
    SupervisionKind,
    TrainingProvider,
)
from governance.models import (
    Incident,
    LocalAuthority,
    Prison,
    Scheme,
    StaffMember,
    StaffTime,
    Supervision,
    TrainingRecord,
)
from governance.reference import sync_reference_codes
from monitoring import daily
from recipients.constants import (
    FormalCare,
    LaOutcome,
    MentalCapacity,
    PlanState,
    SupportEndReason,
)
from recipients.models import Assignment, CarePlan, Recipient

# The national picture: people at any one time across 120 prisons.
NATIONAL_PRISONS = 120
NATIONAL_BUDDIES = 2000
NATIONAL_RECIPIENTS = 4000
# Of the slots an assignment is planned for (its days of the week and periods), the share that
# has a session recorded: the rest are days the buddy did not go.
SLOT_DENSITY = 0.85
DAY = dt.timedelta(days=1)

# Regions with roughly how many prisons each holds.
REGIONS = [
    ("North East", 6),
    ("Yorkshire and the Humber", 12),
    ("North West", 14),
    ("East Midlands", 9),
    ("West Midlands", 11),
    ("East of England", 12),
    ("London", 8),
    ("Kent, Surrey and Sussex", 11),
    ("South Central", 9),
    ("South West", 9),
    ("Wales", 5),
]
PLACE_STARTS = [
    "Ash",
    "Birch",
    "Bram",
    "Cald",
    "Dun",
    "Elm",
    "Fern",
    "Glen",
    "Hollin",
    "Kes",
    "Lark",
    "Marl",
    "Nether",
    "Oak",
    "Pen",
    "Quarn",
    "Rush",
    "Stave",
    "Thorn",
    "Umber",
    "Wex",
    "Yarn",
]
PLACE_ENDS = ["moor", "dale", "fell", "ford", "worth", "leigh", "bury", "mere", "shire", "vale"]
COUNCIL_KINDS = ["County Council", "City Council", "Borough Council", "Council"]

# (category, share of the estate, relative size of its scheme)
CATEGORY_MIX = [
    (PrisonCategory.REMAND, 0.28, 1.35),
    (PrisonCategory.C, 0.38, 1.0),
    (PrisonCategory.B, 0.07, 1.1),
    (PrisonCategory.A, 0.04, 0.9),
    (PrisonCategory.D, 0.10, 0.55),
    (PrisonCategory.FEMALE_CLOSED, 0.08, 0.7),
    (PrisonCategory.FEMALE_OPEN, 0.02, 0.45),
    (PrisonCategory.YOI, 0.03, 0.4),
]
# (leadership, share, effect on the quality of governance)
LEADERSHIP_MIX = [
    (Leadership.PRISON, 0.40, -0.08),
    (Leadership.LOCAL_AUTHORITY_AND_PRISON, 0.30, 0.06),
    (Leadership.PRISON_AND_EXTERNAL, 0.20, 0.04),
    (Leadership.LOCAL_AUTHORITY, 0.10, 0.08),
]
# (formality, share, share of sessions that are informal help)
FORMALITY_MIX = [
    (SchemeFormality.FORMAL, 0.55, 0.003),
    (SchemeFormality.BOTH, 0.38, 0.04),
    (SchemeFormality.INFORMAL, 0.07, 0.5),
]
# How formally a scheme keeps its records, as the governance taxonomy reads them (models 1 to 6,
# governance.classification): (model aimed at, weight) for formal schemes and for informal ones.
TIER_MIX = [(1, 9), (2, 13), (3, 10), (4, 52), (5, 11), (6, 5)]
INFORMAL_TIER_MIX = [(4, 30), (5, 35), (6, 35)]
SCHEME_NAMES = [
    "Buddies",
    "Buddies",
    "Carers",
    "Care and support orderlies",
    "Peer supporters",
    "Social care orderlies",
    "Care champions",
]

MEN = [
    "Aaron",
    "Ben",
    "Callum",
    "Dean",
    "Errol",
    "Frank",
    "Gary",
    "Harvey",
    "Imran",
    "Jamal",
    "Kieran",
    "Liam",
    "Marcus",
    "Nathan",
    "Owen",
    "Paul",
    "Rhys",
    "Sean",
    "Tariq",
    "Wesley",
    "Albert",
    "Bernard",
    "Clive",
    "Derek",
    "Eric",
    "Fred",
    "George",
    "Harold",
    "Ivan",
    "Kenneth",
]
WOMEN = [
    "Amy",
    "Bethany",
    "Chloe",
    "Donna",
    "Emma",
    "Faye",
    "Gemma",
    "Hannah",
    "Jade",
    "Kelly",
    "Agnes",
    "Brenda",
    "Carol",
    "Doreen",
    "Edna",
    "Flora",
    "Gloria",
    "Hilda",
    "Irene",
    "Joan",
]
FAMILY = [
    "Abbott",
    "Barker",
    "Cole",
    "Doyle",
    "Ellis",
    "Fletcher",
    "Grant",
    "Hughes",
    "Irwin",
    "Jarvis",
    "Kemp",
    "Lowe",
    "Marsh",
    "Nolan",
    "Osei",
    "Pearce",
    "Quinn",
    "Rowe",
    "Shah",
    "Tate",
    "Ashworth",
    "Bramley",
    "Crossley",
    "Dunmore",
    "Eastwood",
    "Fairbairn",
    "Greenhalgh",
    "Holroyd",
    "Ingham",
    "Kershaw",
]
NUMBER_LETTERS = "ABCDEFGHJKLMNPRSTVWXY"

# What buddies do for each need (allowed tasks; the optional two only where switched on).
NEED_TASKS = {
    "mobility": ["escort_movement", "meals_collect", "objects_moving", "outer_clothing"],
    "wheelchair_user": ["wheelchair_push", "escort_movement", "meals_collect", "outer_clothing"],
    "frailty_older_age": ["meals_collect", "cell_cleaning", "laundry", "medication_collect"],
    "dementia_memory": ["welfare_check_company", "hygiene_reminder", "activities_access"],
    "sensory_sight": ["reading_writing", "escort_movement", "canteen_shopping_help"],
    "sensory_hearing": ["raising_concerns_applications", "welfare_check_company"],
    "learning_disability": [
        "reading_writing",
        "raising_concerns_applications",
        "canteen_shopping_help",
    ],
    "mental_health": ["welfare_check_company", "activities_access"],
    "breathing_respiratory": ["meals_collect", "cell_cleaning", "laundry"],
    "long_term_condition": ["meals_collect", "cell_cleaning", "food_cutting", "medication_collect"],
    "post_operative_temporary": ["meals_collect", "cell_cleaning", "cell_reorganising"],
    "other": ["welfare_check_company", "cell_reorganising"],
}
NEED_WEIGHTS = {
    "mobility": 30,
    "wheelchair_user": 12,
    "frailty_older_age": 25,
    "dementia_memory": 8,
    "sensory_sight": 8,
    "sensory_hearing": 6,
    "learning_disability": 7,
    "mental_health": 12,
    "breathing_respiratory": 7,
    "long_term_condition": 15,
    "post_operative_temporary": 5,
    "other": 3,
}
OFF_PLAN = [
    ("objects_moving", "Helped move furniture after a cell move"),
    ("canteen_shopping_help", "Asked for help with the canteen sheet on the day"),
    ("reading_writing", "Asked for help reading a letter"),
]
INCIDENT_WEIGHTS = {
    "safeguarding_concern": 10,
    "bullying": 8,
    "theft_or_accusation": 7,
    "boundary_crossed": 9,
    "dishonesty": 3,
    "buddy_burden": 8,
    "aggression_to_buddy": 6,
    "demand_for_pay": 3,
    "contraband_trafficking": 2,
    "out_of_role_request_by_staff": 4,
    "exaggerated_need": 3,
    "missed_care": 10,
    "fall": 9,
    "role_conflict_confidentiality": 2,
    "delay_in_formal_care": 5,
    "continuity_transfer_release": 4,
    "other": 3,
}
SERIOUS = {"safeguarding_concern", "aggression_to_buddy", "contraband_trafficking", "fall"}
MISSED_REASON_CHOICES = [
    ("Rest day", Outcome.MISSED_BUDDY_UNAVAILABLE),
    ("Buddy at healthcare", Outcome.MISSED_BUDDY_UNAVAILABLE),
    ("Buddy at a legal visit", Outcome.MISSED_BUDDY_UNAVAILABLE),
    ("Person at court", Outcome.MISSED_OTHER),
    ("Person in hospital", Outcome.MISSED_OTHER),
    ("Staff shortage on the wing", Outcome.MISSED_REGIME_LOCKDOWN),
]
REJECTION_REASONS = [
    "Security vetting refused",
    "Withdrew the application",
    "Not suitable at interview",
    "Transferred before a decision",
    "Adjudication during the application",
]
PERIODS = [Period.AM.value, Period.PM.value, Period.EVE.value]
PERIOD_PLANS = [(1, 0.5), (2, 0.42), (3, 0.08)]  # periods a day an assignment is planned for


class DatabaseNotEmpty(Exception):
    """seed_scale only fills a database that holds no prison."""


@dataclass(frozen=True)
class ScaleOptions:
    prisons: int
    sessions: int
    years: int = 5
    seed: int = 1
    end: dt.date | None = None


def window(end: dt.date, years: int) -> tuple[dt.date, dt.date]:
    """The `years` years up to `end`: from the day after the same date `years` years before."""
    try:
        before = end.replace(year=end.year - years)
    except ValueError:  # 29 February
        before = end.replace(year=end.year - years, day=28)
    return before + DAY, end


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` into whole shares in proportion to `weights`, adding up to `total` exactly
    (largest remainder; ties go to the earlier weight)."""
    if total < 0:
        raise ValueError("total must be 0 or more")
    whole = sum(weights)
    if not weights or whole <= 0:
        raise ValueError("weights must have a positive sum")
    exact = [total * w / whole for w in weights]
    shares = [math.floor(x) for x in exact]
    left = total - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:left]:
        shares[i] += 1
    return shares


def financial_year_of(day: dt.date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def weekday_days(start: int, end: int, weekdays: tuple[int, ...]) -> int:
    """How many days from ordinal `start` to `end` (both included) fall on `weekdays` (sorted,
    Monday 0)."""
    if end < start:
        return 0
    return _pattern_index(end + 1, start, weekdays)


def _pattern_index(upto: int, start: int, weekdays: tuple[int, ...]) -> int:
    """How many days from `start` up to but not including `upto` fall on `weekdays`."""
    monday = start - dt.date.fromordinal(start).weekday()
    skip = bisect.bisect_left(weekdays, start - monday)
    weeks, rest = divmod(upto - monday, 7)
    return weeks * len(weekdays) + bisect.bisect_left(weekdays, rest) - skip


def nth_weekday_day(start: int, weekdays: tuple[int, ...], n: int) -> int:
    """The ordinal of the n-th (from 0) day on or after `start` that falls on `weekdays`."""
    monday = start - dt.date.fromordinal(start).weekday()
    g = n + bisect.bisect_left(weekdays, start - monday)
    weeks, j = divmod(g, len(weekdays))
    return monday + 7 * weeks + weekdays[j]


def pick(rng: random.Random, mix):
    """A value from [(value, weight, ...)] rows, by weight."""
    roll = rng.random() * sum(row[1] for row in mix)
    for row in mix:
        roll -= row[1]
        if roll < 0:
            return row
    return mix[-1]


def clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


# The dataset, built in memory with its ids ----------------------------------------------------


@dataclass(slots=True)
class PrisonPlan:
    index: int
    id: int
    code: str
    name: str
    category: str
    region: str
    local_authority_id: int
    leadership: str
    formality: str
    quality: float  # 0.45 (records often missing) to 1 (complete)
    tier: int  # the governance model its record keeping aims at (1 most formal, 6 least)
    size: float
    scheme_start: int  # ordinal
    scheme_name: str
    outer_clothing: bool
    medication: bool
    min_pay: Decimal
    max_pay: Decimal
    recipients_per_buddy: int
    usual_minutes: int
    pays_regime: bool
    max_hours: int
    renewal_days: int
    supervision_days: int
    max_clients: int
    mandatory: list[str]
    expiry_years: int | None  # mandatory modules expire after this many years, or never
    review_days: int  # days between care plan reviews
    informal_share: float
    lockdown_rate: float
    miss_buddy: float
    miss_declined: float
    miss_other: float
    incident_rate: float  # per 1,000 sessions
    keeps_staff_time: bool
    sessions: int = 0
    lead_name: str = ""
    missed_reasons: list[tuple[int, str, str]] = field(default_factory=list)  # (id, label, maps)


@dataclass(slots=True)
class BuddyPlan:
    id: int
    prison: int  # PrisonPlan.index
    prison_number: str
    given_name: str
    family_name: str
    status: str
    applied: int | None = None
    vetted: int | None = None
    vetting: str = ""
    interviewed: int | None = None
    offered: int | None = None
    rejected: int | None = None
    rejection_reason: str = ""
    compact: int | None = None
    benefits: int | None = None
    safeguarding: int | None = None
    started: int | None = None
    ended: int | None = None
    end_reason: str = ""
    pay_scheme: str = PayScheme.STANDARD
    loads: list = field(default_factory=list)  # end ordinals of their assignments


@dataclass(slots=True)
class RecipientPlan:
    id: int
    prison: int
    prison_number: str
    given_name: str
    family_name: str
    born: dt.date
    needs: list[str]
    capacity: str
    formal_care: str
    referred: int | None
    assessed: int | None
    la_outcome: str
    started: int
    ended: int | None
    end_reason: str
    transferred_to: int | None
    version_starts: list[int] = field(default_factory=list)
    version_combos: list[list[tuple[str, ...]]] = field(default_factory=list)


@dataclass(slots=True)
class AssignmentPlan:
    id: int
    buddy: BuddyPlan
    recipient: RecipientPlan
    started: int
    ended: int | None
    minutes: int
    periods: int
    weekdays: tuple[int, ...] = ()
    helper: str = ""  # prison number of the person who helps informally on this round
    intensity: float = 1.0


@dataclass
class Dataset:
    """Every row to write, by table, as tuples in the order of `COLUMNS`."""

    start: dt.date
    end: dt.date
    prisons: list[PrisonPlan]
    rows: dict[str, list[tuple]]
    assignments: list[AssignmentPlan]
    recipients: list[RecipientPlan]
    session_keys: list[int]
    unit_costs: list[tuple[str, int, Decimal]]


# Model fields written for each table; ids are given for every table whose rows are referred to.
COLUMNS = {
    "local_authority": (LocalAuthority, ["id", "name"]),
    "prison": (Prison, ["id", "code", "name", "category", "local_authority", "region"]),
    "scheme": (
        Scheme,
        [
            "id",
            "prison",
            "name",
            "formality",
            "leadership",
            "started_on",
            "allows_outer_clothing",
            "allows_medication_collect",
            "min_pay_rate",
            "max_pay_rate",
            "recipients_per_buddy",
            "usual_session_minutes",
            "pays_regime_cancelled_sessions",
            "max_hours_per_week",
            "training_renewal_window_days",
            "supervision_limit_days",
            "max_clients_per_buddy",
        ],
    ),
    "scheme_modules": (Scheme.mandatory_modules.through, ["scheme", "trainingmodule"]),
    "missed_reason": (MissedReason, ["id", "prison", "label", "maps_to"]),
    "staff": (
        StaffMember,
        ["id", "prison", "staff_ref", "name", "role", "organisation", "band"],
    ),
    "buddy": (
        Buddy,
        [
            "id",
            "prison",
            "prison_number",
            "given_name",
            "family_name",
            "status",
            "applied_on",
            "vetted_on",
            "vetting_outcome",
            "interviewed_on",
            "offered_on",
            "rejected_on",
            "rejection_reason",
            "compact_signed_on",
            "benefits_explained_on",
            "safeguarding_briefed_on",
            "started_on",
            "ended_on",
            "end_reason",
            "created_at",
        ],
    ),
    "buddy_roles": (Buddy.other_peer_roles.through, ["buddy", "peerrole"]),
    "pay_rate": (PayRate, ["id", "buddy", "effective_from", "pay_scheme", "rate_per_session"]),
    "training": (
        TrainingRecord,
        [
            "id",
            "prison",
            "buddy",
            "staff",
            "module",
            "provider",
            "completed_on",
            "hours",
            "expires_on",
        ],
    ),
    "recipient": (
        Recipient,
        [
            "id",
            "prison",
            "prison_number",
            "given_name",
            "family_name",
            "date_of_birth",
            "mental_capacity",
            "formal_care",
            "referred_to_la_on",
            "la_assessed_on",
            "la_outcome",
            "support_started_on",
            "support_ended_on",
            "end_reason",
            "transferred_to",
        ],
    ),
    "recipient_needs": (Recipient.needs.through, ["recipient", "need"]),
    "care_plan": (
        CarePlan,
        [
            "id",
            "recipient",
            "version",
            "state",
            "starts_on",
            "review_due_on",
            "capacity_at_agreement",
            "agreed_with_recipient_on",
            "agreed_with_buddy_on",
            "best_interests_decision_by",
            "boundaries_explained_on",
            "la_approved_on",
            "reviewed_on",
            "notes",
        ],
    ),
    "care_plan_tasks": (CarePlan.tasks.through, ["careplan", "task"]),
    "assignment": (
        Assignment,
        [
            "id",
            "buddy",
            "recipient",
            "started_on",
            "ended_on",
            "no_personal_relationship_confirmed",
        ],
    ),
    "supervision": (
        Supervision,
        [
            "id",
            "prison",
            "reference",
            "date",
            "kind",
            "supervisor",
            "supervisor_name",
            "minutes",
            "notes",
        ],
    ),
    "supervision_buddies": (Supervision.buddies.through, ["supervision", "buddy"]),
    "staff_time": (StaffTime, ["id", "staff", "week_starting", "activity", "hours"]),
    "session": (
        Session,
        [
            "id",
            "prison",
            "date",
            "period",
            "buddy",
            "helper_prison_number",
            "recipient",
            "minutes",
            "outcome",
            "missed_reason",
            "informal",
            "paid",
            "off_plan_reason",
            "logged_at",
        ],
    ),
    "session_tasks": (Session.tasks.through, ["session", "task"]),
    "incident": (
        Incident,
        [
            "id",
            "prison",
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
        ],
    ),
    "cost_year": (CostYear, ["id", "prison", "financial_year", "template", "updated_at"]),
}
# Tables written in this order (each after those it refers to).
ORDER = list(COLUMNS)
WITH_IDS = [name for name, (_model, names) in COLUMNS.items() if names[0] == "id"]


class Ids:
    """The next free id of each table, read once from the database."""

    def __init__(self, first: dict[str, int]):
        self.next = dict(first)

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def first_free_ids() -> dict[str, int]:
    with connection.cursor() as cursor:
        first = {}
        for table in WITH_IDS:
            model = COLUMNS[table][0]
            cursor.execute(
                f"SELECT MAX({connection.ops.quote_name(model._meta.pk.column)}) "  # noqa: S608
                f"FROM {connection.ops.quote_name(model._meta.db_table)}"
            )
            first[table] = (cursor.fetchone()[0] or 0) + 1
    return first


class Builder:
    """Builds the dataset in memory. Deterministic: one Random, consumed in a fixed order."""

    def __init__(
        self,
        options: ScaleOptions,
        ids: Ids,
        existing_councils: dict[str, int],
        progress: Callable[[str], None] = lambda message: None,
    ):
        self.options = options
        self.rng = random.Random(options.seed)  # noqa: S311  (test data, not security)
        self.ids = ids
        self.existing_councils = existing_councils
        self.progress = progress
        start, end = window(options.end, options.years)
        self.start, self.end = start.toordinal(), end.toordinal()
        self.rows: dict[str, list[tuple]] = {name: [] for name in ORDER}
        self.prisons: list[PrisonPlan] = []
        self.buddies: list[list[BuddyPlan]] = []
        self.recipients: list[list[RecipientPlan]] = []
        self.assignments: list[AssignmentPlan] = []
        self.staff: list[list[tuple[int, str, str, int | None]]] = []  # (id, name, role, band)
        self.session_keys: list[int] = []
        self.concurrency: dict[int, tuple[int, int]] = {}  # prison index: (buddies, people)
        self._dates: dict[int, dt.date] = {}

    def date(self, ordinal: int | None) -> dt.date | None:
        if ordinal is None:
            return None
        day = self._dates.get(ordinal)
        if day is None:
            day = self._dates[ordinal] = dt.date.fromordinal(ordinal)
        return day

    def build(self) -> Dataset:
        self.build_prisons()
        for prison in self.prisons:
            self.build_staff(prison)
            self.build_buddies(prison)
            self.build_recipients(prison)
            self.build_assignments(prison)
        self.progress(
            f"planned {len(self.prisons)} prisons, {len(self.rows['buddy'])} buddies, "
            f"{len(self.rows['recipient'])} people supported, "
            f"{len(self.assignments)} assignments"
        )
        self.build_training_and_supervision()
        self.build_session_keys()
        self.build_incidents()
        unit_costs = self.build_costs()
        return Dataset(
            start=self.date(self.start),
            end=self.date(self.end),
            prisons=self.prisons,
            rows=self.rows,
            assignments=self.assignments,
            recipients=[r for rs in self.recipients for r in rs],
            session_keys=self.session_keys,
            unit_costs=unit_costs,
        )

    # Prisons and schemes ---------------------------------------------------------------------

    def build_prisons(self):
        rng, n = self.rng, self.options.prisons
        names = [f"{a}{b}" for a in PLACE_STARTS for b in PLACE_ENDS]
        rng.shuffle(names)
        council_count = max(1, round(n / 1.7))
        councils = []  # (id, region)
        for index in range(council_count):
            stem = names[index % len(names)]
            kind = COUNCIL_KINDS[index % len(COUNCIL_KINDS)]
            name = f"{stem} {kind}" + (f" {index // len(names) + 1}" if index >= len(names) else "")
            region = pick(rng, REGIONS)[0]
            council_id = self.existing_councils.get(name)
            if council_id is None:
                council_id = self.ids.take("local_authority")
                self.rows["local_authority"].append((council_id, name))
            councils.append((council_id, region))
        prison_names = names[council_count:] + names[:council_count]
        codes: set[str] = set()
        weights = []
        for index in range(n):
            category, _share, size = pick(rng, CATEGORY_MIX)
            leadership, _share, lift = pick(rng, LEADERSHIP_MIX)
            formality, _share, informal_share = pick(rng, FORMALITY_MIX)
            council_id, region = councils[rng.randrange(len(councils))]
            code = ""
            while not code or code in codes:
                code = "".join(rng.choice(NUMBER_LETTERS) for _ in range(3))
            codes.add(code)
            base = prison_names[index % len(prison_names)]
            name = f"HMP {base}" + (
                f" {index // len(prison_names) + 1}" if index >= len(prison_names) else ""
            )
            quality = clamp(round((rng.betavariate(5, 2) + lift) * 100), 45, 100) / 100
            tier = pick(
                rng, INFORMAL_TIER_MIX if formality == SchemeFormality.INFORMAL else TIER_MIX
            )[0]
            if tier <= 2:
                quality = max(quality, 0.9)
            elif tier >= 5:
                quality = min(quality, 0.7)
            # Most schemes began before the window; some during it.
            if rng.random() < 0.8:
                scheme_start = self.start - rng.randint(60, 8 * 365)
            else:
                scheme_start = self.start + rng.randint(0, max(0, (self.end - self.start) * 3 // 4))
            mandatory = list(DEFAULT_MANDATORY_MODULES)
            roll = rng.random()
            if roll < 0.02 and tier >= 4:
                mandatory = []  # the prison has not chosen any
            elif roll < 0.12:
                mandatory.remove("confidentiality")
            elif roll < 0.37:
                mandatory.append("wheelchair")
            elif roll < 0.5:
                mandatory.append("mental_capacity")
            min_pay = Decimal(rng.choice(["0.50", "0.60", "0.75", "0.80", "1.00"]))
            max_pay = min_pay + Decimal(rng.choice(["1.00", "1.50", "2.00", "2.50"]))
            high_risk = category in {PrisonCategory.A, PrisonCategory.B, PrisonCategory.REMAND}
            prison = PrisonPlan(
                index=index,
                id=self.ids.take("prison"),
                code=code,
                name=name,
                category=category,
                region=region,
                local_authority_id=council_id,
                leadership=leadership,
                formality=formality,
                quality=quality,
                tier=tier,
                size=size * rng.lognormvariate(0, 0.35),
                scheme_start=scheme_start,
                scheme_name=rng.choice(SCHEME_NAMES),
                outer_clothing=rng.random() < 0.3,
                medication=rng.random() < 0.2,
                min_pay=min_pay,
                max_pay=max_pay,
                recipients_per_buddy=rng.choice([2, 3, 3, 4]),
                usual_minutes=rng.choice([20, 30, 30, 45, 60]),
                pays_regime=rng.random() < 0.7,
                max_hours=rng.choice([20, 24, 28, 28]),
                renewal_days=rng.choice([14, 30, 30, 60]),
                supervision_days=rng.choice([31, 31, 42, 62]),
                max_clients=rng.choice([4, 5, 6, 6, 8]),
                mandatory=mandatory,
                expiry_years=rng.choice([None, None, None, 1, 2, 3]),
                review_days=rng.choice([91, 182, 182, 365]),
                informal_share=informal_share * rng.uniform(0.5, 1.5),
                lockdown_rate=(0.02 if high_risk else 0.008) * rng.uniform(0.3, 2.0),
                miss_buddy=0.03 * rng.uniform(0.5, 1.8),
                miss_declined=0.025 * rng.uniform(0.5, 1.8),
                miss_other=0.01 * rng.uniform(0.3, 2.0),
                incident_rate=rng.uniform(0.5, 4.0) * (1.6 - quality),
                keeps_staff_time=rng.random() < 0.65 or index == 0,  # so a small set has some
            )
            self.prisons.append(prison)
            first_day = max(self.start, prison.scheme_start)
            weights.append(prison.size * (self.end - first_day + 1))
            self.rows["prison"].append((prison.id, code, name, category, council_id, region))
            scheme_id = self.ids.take("scheme")
            self.rows["scheme"].append(
                (
                    scheme_id,
                    prison.id,
                    prison.scheme_name,
                    formality,
                    leadership,
                    self.date(scheme_start),
                    prison.outer_clothing,
                    prison.medication,
                    min_pay,
                    max_pay,
                    prison.recipients_per_buddy,
                    prison.usual_minutes,
                    prison.pays_regime,
                    prison.max_hours,
                    prison.renewal_days,
                    prison.supervision_days,
                    prison.max_clients,
                )
            )
            self.rows["scheme_modules"].extend((scheme_id, code) for code in mandatory)
            if rng.random() < 0.4:
                for label, maps_to in rng.sample(MISSED_REASON_CHOICES, rng.randint(1, 3)):
                    reason_id = self.ids.take("missed_reason")
                    prison.missed_reasons.append((reason_id, label, maps_to.value))
                    self.rows["missed_reason"].append((reason_id, prison.id, label, maps_to.value))
        for prison, sessions in zip(
            self.prisons, allocate(self.options.sessions, weights), strict=True
        ):
            prison.sessions = sessions
        # People at any one time, in proportion to the national picture, then shared by size.
        total_size = sum(p.size for p in self.prisons)
        scale = n / NATIONAL_PRISONS
        for prison in self.prisons:
            share = prison.size / total_size
            prison_buddies = max(3, round(NATIONAL_BUDDIES * scale * share))
            prison_people = max(4, round(NATIONAL_RECIPIENTS * scale * share))
            # Enough people for the sessions asked: at most about one session a person a day.
            days = self.end - max(self.start, prison.scheme_start) + 1
            needed = math.ceil(prison.sessions / days / 1.2)
            prison_people = max(prison_people, needed)
            prison_buddies = max(prison_buddies, math.ceil(prison_people / 2.5))
            self.concurrency[prison.index] = (prison_buddies, prison_people)

    # Staff -------------------------------------------------------------------------------------

    def build_staff(self, prison: PrisonPlan):
        rng = self.rng
        names = WOMEN if prison.category.startswith("female") else MEN + WOMEN

        def person():
            return f"{rng.choice(names)} {rng.choice(FAMILY)}"

        lead_org = (
            Organisation.LOCAL_AUTHORITY
            if prison.leadership == Leadership.LOCAL_AUTHORITY
            else Organisation.PRISON
        )
        members = [("SCL", "Social care lead", lead_org, rng.choice([5, 6, 6, 7]))]
        for number in range(rng.randint(1, 4)):
            members.append(
                (f"W{number + 1:02d}", "Wing officer", Organisation.PRISON, rng.choice([3, 3, 4]))
            )
        if prison.leadership in {Leadership.LOCAL_AUTHORITY, Leadership.LOCAL_AUTHORITY_AND_PRISON}:
            members.append(
                ("LA1", "Social worker", Organisation.LOCAL_AUTHORITY, rng.choice([None, 6]))
            )
        if prison.leadership == Leadership.PRISON_AND_EXTERNAL:
            members.append(
                ("EXT", "Trainer, partner charity", Organisation.EXTERNAL_ORGANISATION, None)
            )
        if rng.random() < 0.5:
            members.append(
                ("HC1", "Healthcare assistant", Organisation.HEALTHCARE, rng.choice([None, 4]))
            )
        if rng.random() < 0.6:
            members.append(
                ("EQ1", "Equalities officer", Organisation.PRISON, rng.choice([None, 4, 5]))
            )
        staff = []
        for ref, role, organisation, band in members:
            staff_id = self.ids.take("staff")
            name = person()
            staff.append((staff_id, name, role, band))
            self.rows["staff"].append(
                (staff_id, prison.id, f"{prison.code}-{ref}", name, role, organisation, band)
            )
            # Model 1 schemes train staff on the scheme; 2 in social care awareness at most;
            # 3, 5 and 6 not at all.
            modules = []
            if prison.tier in {1, 2, 4} and rng.random() < 0.35 + 0.6 * prison.quality:
                modules.append("staff_social_care_awareness")
                if prison.tier != 2 and rng.random() < 0.5:
                    modules.append("staff_peer_scheme")
            if prison.tier == 1 and ref == "SCL":
                modules = ["staff_social_care_awareness", "staff_peer_scheme"]
            for module in modules:
                done = self.end - rng.randint(10, 900)
                self.rows["training"].append(
                    (
                        self.ids.take("training"),
                        prison.id,
                        None,
                        staff_id,
                        module,
                        self._provider(prison),
                        self.date(done),
                        Decimal(rng.choice(["1.50", "3.00", "6.00"])),
                        None,
                    )
                )
        prison.lead_name = staff[0][1]
        self.staff.append(staff)
        if prison.keeps_staff_time:
            self._staff_time(prison, staff)

    def _staff_time(self, prison: PrisonPlan, staff):
        rng = self.rng
        first = max(self.start, prison.scheme_start)
        monday = first - dt.date.fromordinal(first).weekday()
        if monday < first:
            monday += 7
        set_up_until = prison.scheme_start + 60
        for staff_id, _name, role, _band in staff:
            if role == "Social care lead":
                usual, weekly = (2.0, 6.0), 0.92
            elif role == "Wing officer":
                usual, weekly = (0.5, 2.5), 0.5
            else:
                usual, weekly = (0.5, 3.0), 0.25
            week = monday
            while week <= self.end - 6:
                if rng.random() < weekly:
                    activity = (
                        StaffActivity.SET_UP
                        if week <= set_up_until and role == "Social care lead"
                        else StaffActivity.RUNNING
                    )
                    hours = Decimal(round(rng.uniform(*usual) * 4) / 4).quantize(Decimal("0.01"))
                    self.rows["staff_time"].append(
                        (self.ids.take("staff_time"), staff_id, self.date(week), activity, hours)
                    )
                    if role == "Social care lead" and rng.random() < 0.25:
                        extra = rng.choice(
                            [
                                StaffActivity.SUPERVISION,
                                StaffActivity.LIAISON,
                                StaffActivity.TRAINING_BUDDIES,
                            ]
                        )
                        self.rows["staff_time"].append(
                            (
                                self.ids.take("staff_time"),
                                staff_id,
                                self.date(week),
                                extra,
                                Decimal(rng.choice(["0.50", "1.00", "1.50", "2.00"])),
                            )
                        )
                week += 7

    def _provider(self, prison: PrisonPlan) -> str:
        roll = self.rng.random()
        if roll < 0.15:
            return TrainingProvider.HEALTHCARE
        return {
            Leadership.PRISON: TrainingProvider.PRISON,
            Leadership.LOCAL_AUTHORITY: TrainingProvider.LOCAL_AUTHORITY,
            Leadership.LOCAL_AUTHORITY_AND_PRISON: TrainingProvider.LOCAL_AUTHORITY,
            Leadership.PRISON_AND_EXTERNAL: TrainingProvider.EXTERNAL_ORGANISATION,
        }[prison.leadership]

    # Buddies -----------------------------------------------------------------------------------

    def _prison_number(self, used: set[str]) -> str:
        rng = self.rng
        number = ""
        while not number or number in used:
            number = (
                f"{rng.choice(NUMBER_LETTERS)}{rng.randint(1000, 9999)}"
                f"{rng.choice(NUMBER_LETTERS)}{rng.choice(NUMBER_LETTERS)}"
            )
        used.add(number)
        return number

    def build_buddies(self, prison: PrisonPlan):
        rng, end = self.rng, self.end
        concurrent, _people = self.concurrency[prison.index]
        names = WOMEN if prison.category.startswith("female") else MEN
        used: set[str] = set()
        buddies: list[BuddyPlan] = []
        q = prison.quality

        def new(status: str) -> BuddyPlan:
            return BuddyPlan(
                id=0,
                prison=prison.index,
                prison_number=self._prison_number(used),
                given_name=rng.choice(names),
                family_name=rng.choice(FAMILY),
                status=status,
            )

        # Buddies who worked: for each place in the scheme, one buddy after another.
        for _place in range(concurrent):
            if prison.scheme_start < self.start:
                day = self.start - rng.randint(0, 500)
            else:
                day = prison.scheme_start + rng.randint(0, 90)
            day = max(day, prison.scheme_start)
            while day <= end - 3:
                tenure = clamp(int(rng.lognormvariate(math.log(380), 0.7)), 30, 2500)
                started, ended = day, day + tenure
                day = ended + rng.randint(7, 60)
                if ended < self.start:
                    continue
                buddy = new(BuddyStatus.ACTIVE)
                buddy.started = started
                # Models 1 and 2 record every step before work starts; model 6 records none.
                every = prison.tier <= 2
                if prison.tier == 6:
                    if rng.random() < 0.3:
                        buddy.benefits = buddy.safeguarding = started
                else:
                    buddy.applied = started - rng.randint(20, 75)
                    buddy.vetting = VettingOutcome.APPROVED
                    buddy.vetted = buddy.applied + rng.randint(5, 15)
                    buddy.offered = started - rng.randint(0, 4)
                    if every or rng.random() < 0.75:
                        buddy.interviewed = rng.randint(buddy.vetted, buddy.offered)
                    if every or rng.random() < 0.7 + 0.29 * q:
                        buddy.compact = started - rng.randint(0, 2)
                    if every or rng.random() < 0.7 + 0.29 * q:
                        buddy.benefits = rng.randint(buddy.offered, started)
                    if every or rng.random() < 0.7 + 0.29 * q:
                        buddy.safeguarding = min(started + rng.randint(0, 14), end)
                if ended < end:
                    buddy.ended = ended
                    buddy.status = BuddyStatus.LEFT
                    buddy.end_reason = pick(
                        rng,
                        [
                            (EndReason.RELEASED, 40),
                            (EndReason.TRANSFERRED, 20),
                            (EndReason.RESIGNED, 22),
                            (EndReason.DISMISSED, 7),
                            (EndReason.SUSPENDED_MISCONDUCT, 3),
                            (EndReason.OTHER, 8),
                        ],
                    )[0]
                elif rng.random() < 0.03:
                    buddy.status = BuddyStatus.SUSPENDED
                buddy.pay_scheme = pick(
                    rng,
                    [
                        (PayScheme.STANDARD, 70),
                        (PayScheme.ENHANCED, 14),
                        (PayScheme.CREDIT, 6),
                        (PayScheme.UNPAID_VOLUNTEER, 10),
                    ],
                )[0]
                buddies.append(buddy)
        # Applications that did not lead to work, over the years, and those still open.
        worked = len(buddies)
        first_day = max(self.start, prison.scheme_start)
        recorded = prison.tier != 6  # a scheme with no employment process keeps no applications
        for _ in range(round(worked * rng.uniform(0.25, 0.5)) if recorded else 0):
            buddy = new(BuddyStatus.REJECTED)
            buddy.applied = rng.randint(first_day, max(first_day, end - 10))
            if rng.random() < 0.4:
                buddy.vetting = VettingOutcome.REFUSED
                buddy.vetted = buddy.applied + rng.randint(5, 20)
                buddy.rejected = buddy.vetted + rng.randint(0, 5)
                buddy.rejection_reason = REJECTION_REASONS[0]
            else:
                buddy.vetting = rng.choice([VettingOutcome.APPROVED, ""])
                if buddy.vetting:
                    buddy.vetted = buddy.applied + rng.randint(5, 20)
                buddy.rejected = buddy.applied + rng.randint(10, 40)
                buddy.rejection_reason = rng.choice(REJECTION_REASONS[1:])
            if buddy.rejected > end or (buddy.vetted or 0) > end:
                buddy.vetted = min(buddy.vetted, end) if buddy.vetted else None
                buddy.rejected = end
            buddies.append(buddy)
        for status in [
            BuddyStatus.APPLICANT,
            BuddyStatus.VETTING,
            BuddyStatus.INTERVIEW,
            BuddyStatus.OFFERED,
        ]:
            for _ in range(rng.randint(0, 2 + concurrent // 8) if recorded else 0):
                buddy = new(status)
                buddy.applied = end - rng.randint(0, 60)
                if status != BuddyStatus.APPLICANT:
                    buddy.vetting = VettingOutcome.PENDING
                if status in {BuddyStatus.INTERVIEW, BuddyStatus.OFFERED}:
                    buddy.vetting = VettingOutcome.APPROVED
                    buddy.vetted = min(buddy.applied + rng.randint(3, 15), end)
                if status == BuddyStatus.OFFERED:
                    buddy.interviewed = buddy.vetted
                    buddy.offered = min(buddy.vetted + rng.randint(0, 5), end)
                buddies.append(buddy)
        buddies.sort(key=lambda b: (b.applied or b.started, b.prison_number))
        for buddy in buddies:
            buddy.id = self.ids.take("buddy")
            created = dt.datetime.combine(
                self.date(buddy.applied or buddy.started), dt.time(10, 0), tzinfo=dt.UTC
            )
            self.rows["buddy"].append(
                (
                    buddy.id,
                    prison.id,
                    buddy.prison_number,
                    buddy.given_name,
                    buddy.family_name,
                    buddy.status,
                    self.date(buddy.applied),
                    self.date(buddy.vetted),
                    buddy.vetting,
                    self.date(buddy.interviewed),
                    self.date(buddy.offered),
                    self.date(buddy.rejected),
                    buddy.rejection_reason,
                    self.date(buddy.compact),
                    self.date(buddy.benefits),
                    self.date(buddy.safeguarding),
                    self.date(buddy.started),
                    self.date(buddy.ended),
                    buddy.end_reason,
                    created,
                )
            )
            if buddy.started is None:
                continue
            rate = self._rate(prison, buddy.pay_scheme)
            self.rows["pay_rate"].append(
                (
                    self.ids.take("pay_rate"),
                    buddy.id,
                    self.date(buddy.started),
                    buddy.pay_scheme,
                    rate,
                )
            )
            rise = buddy.started + rng.randint(180, 420)
            if (
                buddy.pay_scheme == PayScheme.STANDARD
                and rise <= min(end, buddy.ended or end)
                and rng.random() < 0.3
            ):
                self.rows["pay_rate"].append(
                    (
                        self.ids.take("pay_rate"),
                        buddy.id,
                        self.date(rise),
                        PayScheme.ENHANCED,
                        self._rate(prison, PayScheme.ENHANCED),
                    )
                )
            if rng.random() < 0.1:
                role = rng.choice(
                    ["listener", "insider", "equalities_rep", "health_champion", "mentor"]
                )
                self.rows["buddy_roles"].append((buddy.id, role))
        self.buddies.append(buddies)

    def _rate(self, prison: PrisonPlan, scheme: str) -> Decimal:
        if scheme == PayScheme.UNPAID_VOLUNTEER:
            return Decimal("0.00")
        low, high = prison.min_pay, prison.max_pay
        if scheme == PayScheme.ENHANCED:
            low = (low + high) / 2
        steps = int((high - low) / Decimal("0.05"))
        return (low + Decimal("0.05") * self.rng.randint(0, steps)).quantize(Decimal("0.01"))

    # People supported and their care plans ------------------------------------------------------

    def build_recipients(self, prison: PrisonPlan):
        rng, end = self.rng, self.end
        _buddies, concurrent = self.concurrency[prison.index]
        names = WOMEN if prison.category.startswith("female") else MEN
        used: set[str] = set()
        q = prison.quality
        la_led = prison.leadership != Leadership.PRISON
        people: list[RecipientPlan] = []
        need_codes = [code for code, _label in NEEDS]
        need_weights = [NEED_WEIGHTS[code] for code in need_codes]
        for _place in range(concurrent):
            if prison.scheme_start < self.start:
                day = self.start - rng.randint(0, 400)
            else:
                day = prison.scheme_start + rng.randint(0, 120)
            day = max(day, prison.scheme_start)
            while day <= end - 1:
                stay = clamp(int(rng.lognormvariate(math.log(250), 0.8)), 14, 2000)
                started, ended = day, day + stay
                day = ended + rng.randint(0, 45)
                if ended < self.start:
                    continue
                needs: list[str] = []
                for _ in range(rng.choice([1, 1, 2, 2, 3])):
                    need = rng.choices(need_codes, need_weights)[0]
                    if need not in needs:
                        needs.append(need)
                capacity = pick(
                    rng,
                    [
                        (MentalCapacity.HAS_CAPACITY, 80),
                        (
                            MentalCapacity.LACKS_CAPACITY,
                            7 if "dementia_memory" not in needs else 40,
                        ),
                        (MentalCapacity.NOT_ASSESSED, 13),
                    ],
                )[0]
                referred = assessed = None
                la_outcome = ""
                if rng.random() < (0.8 + 0.18 * q if la_led else 0.65 + 0.3 * q):
                    referred = started - rng.randint(0, 30)
                    assessed_on = referred + rng.randint(7, 60)
                    if assessed_on <= end and rng.random() < 0.9:
                        assessed = assessed_on
                        la_outcome = pick(
                            rng,
                            [
                                (LaOutcome.ELIGIBLE_CARE_PLAN, 45),
                                (LaOutcome.ELIGIBLE_EQUIPMENT_ONLY, 20),
                                (LaOutcome.NOT_ELIGIBLE, 35),
                            ],
                        )[0]
                    else:
                        la_outcome = LaOutcome.PENDING
                person = RecipientPlan(
                    id=0,
                    prison=prison.index,
                    prison_number=self._prison_number(used),
                    given_name=rng.choice(names),
                    family_name=rng.choice(FAMILY),
                    born=self.date(end - 365 * rng.randint(25, 90) - rng.randint(0, 364)),
                    needs=needs,
                    capacity=capacity,
                    formal_care=pick(
                        rng,
                        [
                            (FormalCare.NONE, 45),
                            (FormalCare.LA_PERSONAL_CARE, 15),
                            (FormalCare.HEALTHCARE, 20),
                            (FormalCare.OCCUPATIONAL_THERAPY, 8),
                            (FormalCare.PRIVATE_PROVIDER, 5),
                            ("", 7 + 20 * (1 - q)),
                        ],
                    )[0],
                    referred=referred,
                    assessed=assessed,
                    la_outcome=la_outcome,
                    started=started,
                    ended=ended if ended < end else None,
                    end_reason="",
                    transferred_to=None,
                )
                if person.ended is not None:
                    person.end_reason = pick(
                        rng,
                        [
                            (SupportEndReason.RELEASED, 40),
                            (SupportEndReason.TRANSFERRED, 20),
                            (SupportEndReason.NO_LONGER_NEEDED, 25),
                            (SupportEndReason.DECLINED, 5),
                            (SupportEndReason.DIED, 5),
                            (SupportEndReason.OTHER, 5),
                        ],
                    )[0]
                    if (
                        person.end_reason == SupportEndReason.TRANSFERRED
                        and len(self.prisons) > 1
                        and rng.random() < 0.4
                    ):
                        other = rng.randrange(len(self.prisons) - 1)
                        other += other >= prison.index
                        person.transferred_to = self.prisons[other].id
                people.append(person)
        people.sort(key=lambda r: (r.started, r.prison_number))
        for person in people:
            person.id = self.ids.take("recipient")
            self.rows["recipient"].append(
                (
                    person.id,
                    prison.id,
                    person.prison_number,
                    person.given_name,
                    person.family_name,
                    person.born,
                    person.capacity,
                    person.formal_care,
                    self.date(person.referred),
                    self.date(person.assessed),
                    person.la_outcome,
                    self.date(person.started),
                    self.date(person.ended),
                    person.end_reason,
                    person.transferred_to,
                )
            )
            self.rows["recipient_needs"].extend((person.id, need) for need in person.needs)
            self._care_plans(prison, person)
        self.recipients.append(people)

    def _plan_tasks(self, prison: PrisonPlan, needs: list[str]) -> list[str]:
        rng = self.rng
        pool: list[str] = []
        for need in needs:
            for task in NEED_TASKS[need]:
                if task == "outer_clothing" and not prison.outer_clothing:
                    continue
                if task == "medication_collect" and not prison.medication:
                    continue
                if task not in pool:
                    pool.append(task)
        size = clamp(rng.choice([2, 2, 3, 3, 4, 5]), 1, len(pool))
        tasks = rng.sample(pool, size)
        if rng.random() < 0.3 and "welfare_check_company" not in tasks:
            tasks.append("welfare_check_company")
        return sorted(tasks)

    def _combos(self, tasks: list[str]) -> list[tuple[str, ...]]:
        """Four ways a session may go for a plan: the whole plan, or part of it."""
        rng = self.rng
        combos = [tuple(tasks)]
        for _ in range(3):
            size = rng.randint(1, len(tasks))
            combos.append(tuple(sorted(rng.sample(tasks, size))))
        return combos

    def _care_plans(self, prison: PrisonPlan, person: RecipientPlan):
        rng, q = self.rng, prison.quality
        limit = min(self.end, person.ended or self.end)
        tasks = self._plan_tasks(prison, person.needs)
        no_plan = rng.random() < 0.02 + 0.05 * (1 - q) or (
            person.started > self.end - 21 and rng.random() < 0.5
        )
        if no_plan:  # support without a written plan yet: buddies go by the person's needs
            person.version_starts = [person.started]
            person.version_combos = [self._combos(tasks)]
            return
        versions = []  # [starts, review_due, tasks, reviewed]
        starts = person.started
        while True:
            due = starts + prison.review_days
            versions.append([starts, due, tasks, None])
            if due > limit:
                break
            # At each review: usually a new version, on time or a little late; now and then
            # nobody reviews the plan, and it stays overdue (some are reviewed and kept as they are).
            if rng.random() < 0.02 + 0.1 * (1 - q):
                if rng.random() < 0.3:
                    versions[-1][3] = min(due + rng.randint(0, 10), self.end)
                break
            nxt = max(starts + 1, due + rng.randint(-14, 14 + round(60 * (1 - q))))
            if nxt > limit:
                break
            starts = nxt
            tasks = list(tasks)
            if rng.random() < 0.4:
                extra = self._plan_tasks(prison, person.needs)
                tasks = sorted(set(tasks) | {rng.choice(extra)})
        approve = 0.85 + 0.14 * q if prison.leadership != Leadership.PRISON else 0.75 + 0.2 * q
        last_open = rng.random() > approve or (
            versions[-1][0] > self.end - 14 and rng.random() < 0.6
        )
        capacity = "" if person.capacity == MentalCapacity.NOT_ASSESSED else person.capacity
        lacks = person.capacity == MentalCapacity.LACKS_CAPACITY
        # The newest approved version is in force; the ones before it are superseded.
        in_force = len(versions) - 1 if last_open else len(versions)
        for number, (starts, due, version_tasks, reviewed) in enumerate(versions, start=1):
            if number > in_force:
                state = rng.choice(
                    [PlanState.SUBMITTED, PlanState.SUBMITTED, PlanState.DRAFT, PlanState.RETURNED]
                )
                approved = None
            else:
                state = PlanState.APPROVED if number == in_force else PlanState.SUPERSEDED
                approved = min(starts + rng.randint(1, 14), self.end)
            draft = state == PlanState.DRAFT
            plan_id = self.ids.take("care_plan")
            self.rows["care_plan"].append(
                (
                    plan_id,
                    person.id,
                    number,
                    state,
                    self.date(starts),
                    self.date(due),
                    capacity,
                    None if lacks else self.date(starts),
                    None if draft or rng.random() > 0.6 + 0.39 * q else self.date(starts),
                    f"{prison.lead_name}, social care lead" if lacks else "",
                    None if draft or rng.random() > 0.55 + 0.44 * q else self.date(starts),
                    self.date(approved),
                    self.date(reviewed),
                    "",
                )
            )
            self.rows["care_plan_tasks"].extend((plan_id, task) for task in version_tasks)
            person.version_starts.append(starts)
            person.version_combos.append(self._combos(version_tasks))

    # Assignments --------------------------------------------------------------------------------

    def build_assignments(self, prison: PrisonPlan):
        rng = self.rng
        workers = [b for b in self.buddies[prison.index] if b.started is not None]
        workers.sort(key=lambda b: b.started)
        starts = [b.started for b in workers]
        infinity = self.end + 1
        assignments: list[AssignmentPlan] = []
        helpers: set[str] = {b.prison_number for b in self.buddies[prison.index]}
        helpers |= {r.prison_number for r in self.recipients[prison.index]}

        def chain(person: RecipientPlan, exclude: set[int]):
            day = person.started
            last = person.ended if person.ended is not None else infinity
            while day <= min(last, self.end):
                upto = bisect.bisect_right(starts, day)
                candidates = [
                    b
                    for b in workers[:upto]
                    if (b.ended is None or b.ended >= day) and b.id not in exclude
                ]
                if not candidates:
                    later = [b.started for b in workers[upto:] if b.id not in exclude]
                    if not later:
                        return
                    day = later[0]
                    continue
                buddy = min(
                    candidates, key=lambda b: (sum(1 for e in b.loads if e >= day), rng.random())
                )
                stop = min(last, buddy.ended if buddy.ended is not None else infinity)
                exclude.add(buddy.id)
                assignment = AssignmentPlan(
                    id=self.ids.take("assignment"),
                    buddy=buddy,
                    recipient=person,
                    started=day,
                    ended=None if stop >= infinity else stop,
                    minutes=rng.choice([prison.usual_minutes] * 3 + [20, 30, 45, 60]),
                    periods=pick(rng, PERIOD_PLANS)[0],
                    helper=self._prison_number(helpers),
                    intensity=rng.lognormvariate(0, 0.5),
                )
                buddy.loads.append(stop)
                assignments.append(assignment)
                if stop >= infinity:
                    return
                day = stop + 1

        for person in self.recipients[prison.index]:
            exclude: set[int] = set()
            chain(person, exclude)
            if rng.random() < 0.25:
                chain(person, exclude)
        assignments.sort(key=lambda a: a.id)
        for a in assignments:
            self.rows["assignment"].append(
                (a.id, a.buddy.id, a.recipient.id, self.date(a.started), self.date(a.ended), True)
            )
        self.assignments.extend(assignments)

    # Training and supervision ------------------------------------------------------------------

    def build_training_and_supervision(self):
        rng = self.rng
        for prison in self.prisons:
            q = prison.quality
            # Models 1 to 3 train every buddy before they start and always book the refresher;
            # model 5 keeps no training record for buddies, model 6 a few.
            formal = prison.tier <= 3
            for buddy in self.buddies[prison.index]:
                if buddy.started is None or prison.tier == 5:
                    continue
                if prison.tier == 6 and rng.random() < 0.75:
                    continue
                last_day = min(self.end, buddy.ended or self.end)
                modules = list(prison.mandatory)
                for optional in [
                    "wheelchair",
                    "manual_handling_objects",
                    "dementia_awareness",
                    "shadowing",
                ]:
                    if optional not in modules and rng.random() < 0.2:
                        modules.append(optional)
                for module in modules:
                    if not formal and rng.random() < 0.1 * (1 - q) + 0.005:
                        continue  # never trained in it
                    if formal:
                        done = buddy.started - rng.randint(0, 14)
                    else:
                        done = min(buddy.started + rng.randint(-14, 21), self.end)
                    while True:
                        expires = None
                        if prison.expiry_years and module in prison.mandatory:
                            expires = done + 365 * prison.expiry_years
                        self.rows["training"].append(
                            (
                                self.ids.take("training"),
                                prison.id,
                                buddy.id,
                                None,
                                module,
                                self._provider(prison),
                                self.date(done),
                                Decimal(rng.choice(["1.00", "1.50", "2.00", "3.00"])),
                                self.date(expires),
                            )
                        )
                        if expires is None or expires - 30 > last_day:
                            break
                        if not formal and rng.random() > 0.75 + 0.24 * q:
                            break  # no refresher: the module lapses
                        done = expires - rng.randint(0, 30)
                        if done > last_day:
                            break
            self._supervision(prison)

    def _supervision(self, prison: PrisonPlan):
        rng, q = self.rng, prison.quality
        workers = [b for b in self.buddies[prison.index] if b.started is not None]
        staff = self.staff[prison.index]
        first = max(self.start, prison.scheme_start)
        number = 0

        def active(day):
            return [b for b in workers if b.started <= day and (b.ended is None or b.ended >= day)]

        def add(day: int, kind: str, buddies: list[BuddyPlan]):
            nonlocal number
            if not buddies:
                return
            number += 1
            supervision_id = self.ids.take("supervision")
            known = rng.random() < 0.85
            minutes = {
                SupervisionKind.GROUP: rng.choice([45, 60, 90]),
                SupervisionKind.ONE_TO_ONE: rng.choice([20, 30, 45]),
                SupervisionKind.AD_HOC: rng.choice([10, 15]),
            }[kind]
            self.rows["supervision"].append(
                (
                    supervision_id,
                    prison.id,
                    f"SUP-{number:05d}",
                    self.date(day),
                    kind,
                    staff[0][0] if known else None,
                    "" if known else "Chaplaincy volunteer",
                    minutes,
                    "",
                )
            )
            self.rows["supervision_buddies"].extend(
                (supervision_id, b.id) for b in sorted(buddies, key=lambda b: b.id)
            )

        if prison.tier <= 3:
            # Formal support: everyone at a group every two or three weeks, and a one-to-one
            # when they start.
            day = first + rng.randint(0, 14)
            while day <= self.end:
                add(day, SupervisionKind.GROUP, active(day))
                day += rng.randint(14, 21)
            for buddy in workers:
                if first <= buddy.started <= self.end:
                    day = min(buddy.started + rng.randint(0, 3), self.end)
                    add(day, SupervisionKind.ONE_TO_ONE, [buddy])
        month = dt.date.fromordinal(first).replace(day=1)
        while month.toordinal() <= self.end:
            days = [
                d
                for d in range(month.toordinal(), month.toordinal() + 31)
                if first <= d <= self.end and self.date(d).month == month.month
            ]
            month = (month + dt.timedelta(days=32)).replace(day=1)
            if not days:
                continue
            if prison.tier == 4 and rng.random() < 0.4 + 0.58 * q:
                day = rng.choice(days)
                present = [b for b in active(day) if rng.random() < 0.7 + 0.25 * q]
                add(day, SupervisionKind.GROUP, present)
            one_to_ones = round(len(workers) / 40 * q * 4) if prison.tier <= 4 else 0
            for _ in range(rng.randint(0, max(1, one_to_ones)) if one_to_ones else 0):
                day = rng.choice(days)
                people = active(day)
                if people:
                    add(day, SupervisionKind.ONE_TO_ONE, [rng.choice(people)])
            if rng.random() < (0.15 if prison.tier == 6 else 0.35):
                day = rng.choice(days)
                people = active(day)
                if people:
                    add(
                        day,
                        SupervisionKind.AD_HOC,
                        rng.sample(people, min(len(people), rng.randint(1, 2))),
                    )

    # Sessions -------------------------------------------------------------------------------------

    def build_session_keys(self):
        """Choose which planned slots have a session: exactly the number asked in each prison.

        A slot is (assignment, day, period); each assignment is planned for some days of the week
        and one to three periods a day, set so that about SLOT_DENSITY of the slots are used.
        Sessions are then sorted by day (the order in which they are logged) and held as packed
        keys: day << 36 | period << 34 | assignment index."""
        rng = self.rng
        by_prison: dict[int, list[int]] = {}
        for index, assignment in enumerate(self.assignments):
            by_prison.setdefault(assignment.recipient.prison, []).append(index)
        keys: list[int] = []
        for prison in self.prisons:
            wanted = prison.sessions
            indexes = by_prison.get(prison.index, [])
            spans = []
            first_day = max(self.start, prison.scheme_start)
            for i in indexes:
                a = self.assignments[i]
                lo = max(a.started, first_day)
                hi = min(a.ended if a.ended is not None else self.end, self.end)
                spans.append((i, lo, hi))
            full = sum(max(0, hi - lo + 1) * self.assignments[i].periods for i, lo, hi in spans)
            if wanted and full < wanted:
                # Not enough planned slots: plan every assignment for three periods a day.
                for i, _lo, _hi in spans:
                    self.assignments[i].periods = 3
                full = sum(max(0, hi - lo + 1) * 3 for _i, lo, hi in spans)
                if full < wanted:
                    raise ValueError(
                        f"{prison.code}: {wanted} sessions do not fit in {full} possible slots"
                    )
            ratio = (wanted / SLOT_DENSITY) / full if full else 0
            capacity = []
            for i, lo, hi in spans:
                a = self.assignments[i]
                days = clamp(round(7 * ratio * a.intensity), 1, 7)
                a.weekdays = tuple(sorted(rng.sample(range(7), days)))
                capacity.append(weekday_days(lo, hi, a.weekdays) * a.periods)
            total = sum(capacity)
            order = list(range(len(spans)))
            rng.shuffle(order)
            while total < wanted:  # top up: another day of the week, in a random order
                grown = False
                for k in order:
                    i, lo, hi = spans[k]
                    a = self.assignments[i]
                    if len(a.weekdays) == 7 or hi < lo:
                        continue
                    missing = [d for d in range(7) if d not in a.weekdays]
                    a.weekdays = tuple(sorted([*a.weekdays, rng.choice(missing)]))
                    total -= capacity[k]
                    capacity[k] = weekday_days(lo, hi, a.weekdays) * a.periods
                    total += capacity[k]
                    grown = True
                    if total >= wanted:
                        break
                if not grown:
                    raise ValueError(f"{prison.code}: not enough slots for {wanted} sessions")
            offsets = []
            running = 0
            for c in capacity:
                offsets.append(running)
                running += c
            for slot in rng.sample(range(total), wanted) if wanted else []:
                k = bisect.bisect_right(offsets, slot) - 1
                i, lo, _hi = spans[k]
                a = self.assignments[i]
                n, period = divmod(slot - offsets[k], a.periods)
                day = nth_weekday_day(lo, a.weekdays, n)
                if a.periods == 1 and a.intensity < 0.6:
                    period = 1  # some people are seen in the afternoon only
                keys.append(day << 36 | period << 34 | i)
        keys.sort()
        self.session_keys = keys
        self.progress(f"planned {len(keys)} sessions")

    def session_rows(self, first_id: int, tasks_out: list):
        """Yield the session rows in key order, with ids from `first_id`; append each session's
        task codes (a tuple, empty for a missed session) to `tasks_out`. Deterministic: its own
        Random, seeded from the options."""
        rng = random.Random(f"{self.options.seed}-sessions")  # noqa: S311
        prisons = self.prisons
        lockdown: set[int] = set()
        for prison in prisons:
            first = max(self.start, prison.scheme_start)
            days = self.end - first + 1
            for _ in range(round(days * prison.lockdown_rate)):
                lockdown.add(rng.randint(first, self.end) << 10 | prison.index)
        logged: dict[int, dt.datetime] = {}
        mask = (1 << 34) - 1
        delivered = Outcome.DELIVERED.value
        lockdown_code = Outcome.MISSED_REGIME_LOCKDOWN.value
        buddy_code = Outcome.MISSED_BUDDY_UNAVAILABLE.value
        declined_code = Outcome.MISSED_RECIPIENT_DECLINED.value
        other_code = Outcome.MISSED_OTHER.value
        unpaid = PayScheme.UNPAID_VOLUNTEER.value
        reasons_by_prison = [
            {
                maps: [r[0] for r in p.missed_reasons if r[2] == maps]
                for maps in {r[2] for r in p.missed_reasons}
            }
            for p in prisons
        ]
        session_id = first_id
        for key in self.session_keys:
            ordinal = key >> 36
            period = (key >> 34) & 3
            a = self.assignments[key & mask]
            person = a.recipient
            prison = prisons[person.prison]
            day = self.date(ordinal)
            at = logged.get(ordinal)
            if at is None:
                at = logged[ordinal] = dt.datetime.combine(day, dt.time(17, 30), tzinfo=dt.UTC)
            roll = rng.random()
            if (ordinal << 10 | prison.index) in lockdown:
                outcome = lockdown_code
            elif roll < prison.miss_buddy:
                outcome = buddy_code
            elif roll < prison.miss_buddy + prison.miss_declined:
                outcome = declined_code
            elif roll < prison.miss_buddy + prison.miss_declined + prison.miss_other:
                outcome = other_code
            else:
                outcome = delivered
            reason = None
            if outcome != delivered and outcome != declined_code:
                choices = reasons_by_prison[prison.index].get(outcome)
                if choices and rng.random() < 0.3:
                    reason = choices[0] if len(choices) == 1 else rng.choice(choices)
            informal = rng.random() < prison.informal_share and outcome == delivered
            buddy = a.buddy
            off_plan = ""
            if outcome == delivered:
                v = bisect.bisect_right(person.version_starts, ordinal) - 1
                combos = person.version_combos[max(v, 0)]
                tasks = combos[0] if rng.random() < 0.4 else combos[rng.randrange(1, 4)]
                if rng.random() < 0.003:
                    extra, off_plan = OFF_PLAN[rng.randrange(len(OFF_PLAN))]
                    if extra in tasks:
                        off_plan = ""
                    else:
                        tasks = (*tasks, extra)
            else:
                tasks = ()
            if informal:
                paid = False
                buddy_id = None
                helper = a.helper
            else:
                buddy_id = buddy.id
                helper = ""
                if buddy.pay_scheme == unpaid:
                    paid = False
                elif outcome == delivered:
                    paid = day.weekday() != 6  # Sunday's work is unpaid
                else:
                    paid = outcome == lockdown_code and prison.pays_regime
            tasks_out.append(tasks)
            yield (
                session_id,
                prison.id,
                day,
                PERIODS[period],
                buddy_id,
                helper,
                person.id,
                a.minutes,
                outcome,
                reason,
                informal,
                paid,
                off_plan,
                at,
            )
            session_id += 1

    # Incidents -------------------------------------------------------------------------------------

    def build_incidents(self):
        rng = self.rng
        mask = (1 << 34) - 1
        by_prison: dict[int, list[int]] = {}
        for key in self.session_keys:
            prison = self.assignments[key & mask].recipient.prison
            by_prison.setdefault(prison, []).append(key)
        categories = [code for code, _label, _risk in INCIDENT_CATEGORIES]
        risk = {code: risk_to for code, _label, risk_to in INCIDENT_CATEGORIES}
        weights = [INCIDENT_WEIGHTS[code] for code in categories]
        for prison in self.prisons:
            keys = by_prison.get(prison.index, [])
            count = min(len(keys), round(len(keys) * prison.incident_rate / 1000))
            chosen = sorted(rng.sample(keys, count)) if count else []
            for number, key in enumerate(chosen, start=1):
                a = self.assignments[key & mask]
                occurred = key >> 36
                category = rng.choices(categories, weights)[0]
                severity = pick(
                    rng,
                    [(Severity.LOW, 25), (Severity.MEDIUM, 45), (Severity.HIGH, 30)]
                    if category in SERIOUS
                    else [(Severity.LOW, 60), (Severity.MEDIUM, 30), (Severity.HIGH, 10)],
                )[0]
                age = self.end - occurred
                if age > 90 or rng.random() < age / 120:
                    status = IncidentStatus.CLOSED
                else:
                    status = rng.choice([IncidentStatus.OPEN, IncidentStatus.INVESTIGATING])
                closed = (
                    min(occurred + rng.randint(1, 60), self.end)
                    if status == IncidentStatus.CLOSED
                    else None
                )
                referral = None
                if (
                    category == "safeguarding_concern"
                    and rng.random() < 0.6 + 0.38 * prison.quality
                ):
                    referral = min(occurred + rng.randint(0, 3), self.end)
                who = risk[category]
                buddy_id = a.buddy.id if who in {"recipient", "buddy", "exploitation"} else None
                recipient_id = (
                    a.recipient.id if who in {"recipient", "quality", "exploitation"} else None
                )
                self.rows["incident"].append(
                    (
                        self.ids.take("incident"),
                        prison.id,
                        f"INC-{number:05d}",
                        self.date(occurred),
                        category,
                        severity,
                        buddy_id,
                        recipient_id,
                        status,
                        self.date(referral),
                        self.date(closed),
                        "Recorded by the social care lead.",
                        "Discussed with the buddy and the person; wing staff told."
                        if status != IncidentStatus.OPEN
                        else "",
                        "Closed after review." if status == IncidentStatus.CLOSED else "",
                    )
                )

    # Costs -----------------------------------------------------------------------------------

    def build_costs(self) -> list[tuple[str, int, Decimal]]:
        rng = self.rng
        end = self.date(self.end)
        year = financial_year_of(end)
        fy_start = dt.date(int(year[:4]), 4, 1).toordinal()
        fy_end = min(self.end, dt.date(int(year[:4]) + 1, 3, 31).toordinal())
        weeks = max(1, round((fy_end - fy_start + 1) / 7))
        fy_sessions: dict[int, int] = {}
        mask = (1 << 34) - 1
        for key in self.session_keys:
            if fy_start <= key >> 36 <= fy_end:
                prison = self.assignments[key & mask].recipient.prison
                fy_sessions[prison] = fy_sessions.get(prison, 0) + 1
        updated = dt.datetime.combine(end, dt.time(12, 0), tzinfo=dt.UTC)
        for prison in self.prisons:
            workers = [
                b
                for b in self.buddies[prison.index]
                if b.started is not None
                and b.started <= fy_end
                and (b.ended is None or b.ended >= fy_start)
            ]
            people = [
                r
                for r in self.recipients[prison.index]
                if r.started <= fy_end and (r.ended is None or r.ended >= fy_start)
            ]
            by_scheme: dict[str, list[BuddyPlan]] = {}
            for buddy in workers:
                by_scheme.setdefault(buddy.pay_scheme, []).append(buddy)
            per_buddy_week = fy_sessions.get(prison.index, 0) / max(1, len(workers)) / weeks
            pay_lines = [
                {
                    "scheme": scheme,
                    "rate_per_session": str(self._rate(prison, scheme)),
                    "sessions_per_week": max(1, round(per_buddy_week)),
                    "weeks": 52,
                    "buddies": len(group),
                }
                for scheme, group in sorted(by_scheme.items())
            ]
            staff_lines = [
                {"role": role, "band": band, "hours": rng.choice([26, 52, 104, 156, 208])}
                for _id, _name, role, band in self.staff[prison.index]
            ]
            if rng.random() < 0.15:
                staff_lines[-1]["hours"] = None  # not known
            external = []
            if prison.leadership == Leadership.PRISON_AND_EXTERNAL:
                external.append(
                    {
                        "organisation": "Partner charity",
                        "role": "training and wellbeing sessions",
                        "hours": rng.choice([10, 20, 40]),
                        "cost": rng.choice([None, "600.00", "900.00", "1500.00"]),
                    }
                )
            non_labour = [
                {
                    "item": "polo shirts",
                    "unit_cost": "6.00",
                    "quantity": len(workers),
                    "paid_by": "prison",
                },
                {
                    "item": "gloves",
                    "unit_cost": rng.choice([None, "0.10", "0.12"]),
                    "quantity": 100 * len(workers),
                    "paid_by": "prison",
                },
            ]
            payer = (
                "local_authority"
                if prison.leadership
                in {Leadership.LOCAL_AUTHORITY, Leadership.LOCAL_AUTHORITY_AND_PRISON}
                else "external_organisation"
                if prison.leadership == Leadership.PRISON_AND_EXTERNAL
                else "prison"
            )
            training = [
                {
                    "description": "Mandatory module training",
                    "cost": str(Decimal(rng.randint(4, 30) * 100).quantize(Decimal("0.01"))),
                    "paid_by": payer,
                }
            ]
            incentives = []
            if rng.random() < 0.3:
                incentives.append(
                    {"description": "Canteen vouchers", "cost": "120.00", "paid_by": "prison"}
                )
            recipients_by_scheme = None
            if rng.random() < 0.5 and pay_lines:
                split = allocate(len(people), [len(g) for _s, g in sorted(by_scheme.items())])
                recipients_by_scheme = {
                    scheme: n
                    for (scheme, _g), n in zip(sorted(by_scheme.items()), split, strict=True)
                }
            template = {
                "prison_code": prison.code,
                "financial_year": year,
                "buddies_in_year": len(workers),
                "recipients_in_year": len(people),
                "buddy_pay": pay_lines,
                "staff": staff_lines,
                "external_organisations": external,
                "non_labour": non_labour,
                "training": training,
                "incentives": incentives,
                "recipients_by_scheme": recipients_by_scheme,
                "prison_estimate_total": rng.choice([None, None, "15000.00", "25000.00"]),
            }
            read_template(template)  # raises if the template breaks the data standard
            self.rows["cost_year"].append(
                (self.ids.take("cost_year"), prison.id, year, json.dumps(template), updated)
            )
        # Unit costs for the year (administrators keep them; these are illustrative figures).
        base = {
            3: Decimal("18.40"),
            4: Decimal("24.60"),
            5: Decimal("31.20"),
            6: Decimal("58.70"),
            7: Decimal("66.10"),
        }
        uplift = Decimal("1.03") ** max(0, int(year[:4]) - 2022)
        return [
            (year, band, (cost * uplift).quantize(Decimal("0.01"))) for band, cost in base.items()
        ]


# Writing ----------------------------------------------------------------------------------------


class Writer:
    """Writes rows to a table: COPY on PostgreSQL, multi-row INSERTs elsewhere."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def columns(self, table: str) -> tuple[str, list[str]]:
        model, names = COLUMNS[table]
        meta = model._meta
        return meta.db_table, [meta.get_field(name).column for name in names]

    def write(self, table: str, rows: Iterable[tuple]) -> int:
        db_table, columns = self.columns(table)
        quote = connection.ops.quote_name
        cols = ", ".join(quote(c) for c in columns)
        count = 0
        with connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor  # the psycopg cursor
                with raw.copy(f"COPY {quote(db_table)} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                return count
            adapters = self._adapters(table)
            sql = f"INSERT INTO {quote(db_table)} ({cols}) VALUES "  # noqa: S608
            one = "(" + ", ".join(["%s"] * len(columns)) + ")"
            per_statement = max(1, 900 // len(columns))  # SQLite's limit on parameters
            chunk: list = []
            for row in rows:
                chunk.append(row)
                if len(chunk) == per_statement:
                    self._insert(cursor, sql, one, chunk, adapters)
                    count += len(chunk)
                    chunk = []
            if chunk:
                self._insert(cursor, sql, one, chunk, adapters)
                count += len(chunk)
        return count

    def _adapters(self, table: str):
        model, names = COLUMNS[table]
        ops = connection.ops
        adapters = []
        for name in names:
            internal = model._meta.get_field(name).get_internal_type()
            if internal == "DateField":
                adapters.append(ops.adapt_datefield_value)
            elif internal == "DateTimeField":
                adapters.append(ops.adapt_datetimefield_value)
            elif internal == "DecimalField":
                adapters.append(lambda v: None if v is None else str(v))
            else:
                adapters.append(None)
        return adapters

    @staticmethod
    def _insert(cursor, sql, one, chunk, adapters):
        params = []
        for row in chunk:
            for value, adapt in zip(row, adapters, strict=True):
                params.append(adapt(value) if adapt is not None and value is not None else value)
        cursor.execute(sql + ", ".join([one] * len(chunk)), params)


class DeferredChecks:
    """PostgreSQL's advice for loading a lot of data: drop the foreign keys and the indexes of the
    big tables, load, then put them back. Inside the load's transaction, so a failure undoes the
    drops too. Rebuilding an index (or checking a foreign key) over all rows at once is much
    faster than keeping it up to date row by row, and a deferred foreign key would otherwise queue
    a check for every row until the commit. Primary keys and unique constraints stay. Putting the
    indexes and keys back checks every row, as the original ones would have."""

    def __init__(self, tables: list[str]):
        self.tables = tables
        self.foreign_keys: list[tuple[str, str, str]] = []
        self.indexes: list[tuple[str, str]] = []

    def drop(self):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' "
                "AND (conrelid = ANY(%s::regclass[]) OR confrelid = ANY(%s::regclass[])) "
                "ORDER BY 1, 2",
                [self.tables, self.tables],
            )
            self.foreign_keys = cursor.fetchall()
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
                [self.tables],
            )
            self.indexes = cursor.fetchall()
            quote = connection.ops.quote_name
            for table, name, _definition in self.foreign_keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
            for name, _definition in self.indexes:
                cursor.execute(f"DROP INDEX {name}")

    def restore(self):
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for _name, definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.foreign_keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")


def tables_of(names: Iterable[str]) -> list[str]:
    return [COLUMNS[name][0]._meta.db_table for name in names]


DAILY_SUMMARY_TABLES = ["monitoring_dailysessions", "monitoring_dailytasks"]
DAY_MARKING_TRIGGERS = {
    "buddies_session": ["monitoring_session_insert"],
    "buddies_session_tasks": ["monitoring_session_task_insert"],
}


def set_day_marking(*, enabled: bool) -> None:
    """Turn the PostgreSQL triggers marking the days of new sessions (and their tasks) off or on
    (migration monitoring 0002), in the caller's transaction."""
    action = "ENABLE" if enabled else "DISABLE"
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, triggers in DAY_MARKING_TRIGGERS.items():
            for trigger in triggers:
                cursor.execute(f"ALTER TABLE {quote(table)} {action} TRIGGER {quote(trigger)}")


def generate(
    options: ScaleOptions, progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Build and write the dataset; returns how many rows went into each table.
    Raises DatabaseNotEmpty when the database already holds a prison."""
    started = time.perf_counter()

    def say(message: str):
        if progress is not None:
            progress(f"[{time.perf_counter() - started:6.1f}s] {message}")

    today = timezone.localdate()
    if options.end is None:
        options = replace(options, end=today)
    if options.prisons < 1 or options.years < 1 or options.sessions < 0:
        raise ValueError("Give at least one prison and one year, and 0 or more sessions")
    if options.end > today:
        raise ValueError("The end date must be today or in the past, as every record's dates are")
    existing = Prison.objects.count()
    if existing:
        raise DatabaseNotEmpty(
            f"The database already holds {existing} prison{'s' if existing != 1 else ''}: "
            "seed_scale only fills a database with no prison in it"
        )
    sync_reference_codes()
    councils = dict(LocalAuthority.objects.values_list("name", "pk"))
    builder = Builder(options, Ids(first_free_ids()), councils, say)
    data = builder.build()
    writer = Writer()
    counts: dict[str, int] = {}
    big = DeferredChecks(tables_of(["session", "session_tasks"]))
    with transaction.atomic():
        if writer.postgres:
            big.drop()
            # The daily summary is worked out once at the end, not marked day by day as the
            # triggers would mark it (monitoring.daily).
            set_day_marking(enabled=False)
        for table in ORDER:
            if table == "session":
                first = builder.ids.next["session"]
                tasks: list = []
                counts["session"] = writer.write("session", builder.session_rows(first, tasks))
                say(f"wrote {counts['session']} sessions")
                counts["session_tasks"] = writer.write(
                    "session_tasks",
                    ((first + i, code) for i, codes in enumerate(tasks) for code in codes),
                )
                builder.ids.next["session"] = first + counts["session"]
                say(f"wrote {counts['session_tasks']} session tasks")
                continue
            if table == "session_tasks":
                continue
            counts[table] = writer.write(table, data.rows[table])
            if counts[table] > 10000:
                say(f"wrote {counts[table]} rows to {table}")
        if writer.postgres:
            big.restore()
            say(f"rebuilt {len(big.indexes)} indexes and {len(big.foreign_keys)} foreign keys")
            set_day_marking(enabled=True)
        for year, band, cost in data.unit_costs:
            UnitCost.objects.get_or_create(
                financial_year=year, band=band, defaults={"hourly_cost": cost}
            )
        models = [COLUMNS[name][0] for name in WITH_IDS]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    say("all rows written")
    daily.rebuild()
    say("worked out the daily summary")
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner; outside a transaction also VACUUM, which sets the
        # visibility map (as autovacuum would shortly) so that index-only scans work from now.
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table in [*tables_of(ORDER), *DAILY_SUMMARY_TABLES]:
                if connection.in_atomic_block:
                    cursor.execute(f"ANALYZE {quote(table)}")
                else:
                    cursor.execute(f"VACUUM (ANALYZE) {quote(table)}")
        say("analysed the tables")
    say(f"done: {counts.get('session', 0)} sessions for {options.prisons} prisons")
    return counts
