"""Whether a prison's records show each PSI 17/2015 mandatory requirement is met on a date.

`psi_compliance(prison, on)` reads the numbers once, in a fixed number of aggregate queries
whatever the size of the scheme (`gather_facts`), and each of the 13 rules below turns those
numbers into a result: a status, the numerator and denominator behind it, a sentence in plain
English and a link to the records. `psi_compliance_for(prisons, on)` does the same for many
prisons in the same number of queries, each grouped by prison: national reports call it once
rather than once per prison.

Rules common to every requirement:
- A requirement is never "met" without records behind it: with nothing to count (denominator 0)
  it is "not evidenced". When every record counted meets it, it is "met"; some, "partly met"
  (with the percentage); none, "not evidenced".
- Where a requirement has a second check (PSI 2, 6 and 13), a failed check turns "met" into
  "partly met"; the sentence says why.
- "Active buddies" are buddies whose status is active: status is not dated, so it is the status
  recorded now. A dated step (benefits explained, compact signed, safeguarding explained, vetting
  decided) counts when its date is on or before `on`.
- "People supported" are those whose support started on or before `on` and had not ended before.
- A care plan is "in force" for a person on `on` when it is their latest version approved by the
  local authority that starts on or before `on` (as on the person's page).
- "The last 12 months" are the days after the same date a year before `on`, up to `on`.

Results carry no name or prison number: inspectors see them.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.urls import reverse

from buddies.constants import BuddyStatus, VettingOutcome
from buddies.models import Buddy, PayRate, Session
from common.formatting import govuk_date
from governance.constants import Organisation, TaskKind
from governance.models import Incident, Scheme, StaffMember, Supervision, Task
from governance.training import TrainingContext
from monitoring import daily
from monitoring.disclosure import hiding, shown
from monitoring.models import DailySessions
from recipients.constants import MentalCapacity
from recipients.models import Assignment, CarePlan, Recipient

MET, PARTLY_MET, NOT_EVIDENCED = "met", "partly_met", "not_evidenced"
STATUS_LABELS = {MET: "Met", PARTLY_MET: "Partly met", NOT_EVIDENCED: "Not evidenced"}
STATUS_TAG_CLASSES = {
    MET: "govuk-tag--green",
    PARTLY_MET: "govuk-tag--yellow",
    NOT_EVIDENCED: "govuk-tag--red",
}

SAFEGUARDING_CONCERN = "safeguarding_concern"
BOUNDARY_CROSSED = "boundary_crossed"
DEFAULT_SUPERVISION_LIMIT_DAYS = (
    31  # Scheme.supervision_limit_days' default, for a prison without one
)


@dataclass(frozen=True)
class RequirementResult:
    """One PSI 17/2015 requirement on a date, with the numbers behind its status."""

    number: int
    title: str
    status: str  # MET, PARTLY_MET or NOT_EVIDENCED
    numerator: int
    denominator: int
    explanation: str
    evidence: tuple[str, dict, str]  # (URL name, URL kwargs, query string) of the records behind it
    url: str  # `evidence` reversed, for templates
    small_numbers_hidden: bool = False  # built for someone who may not see counts of 1 to 4

    @property
    def percent(self) -> int | None:
        """The share met, for a partly met requirement with some records short: rounded half up
        and kept between 1 and 99, so "partly" never reads as 0% or 100%. Not given when small
        numbers are hidden and the records met or short number 1 to 4 (it would tell them)."""
        if self.status != PARTLY_MET or not 0 < self.numerator < self.denominator:
            return None
        short = self.denominator - self.numerator
        if self.small_numbers_hidden and (self.numerator < 5 or short < 5):
            return None
        share = (Decimal(100) * self.numerator / self.denominator).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
        return min(max(int(share), 1), 99)

    @property
    def status_label(self) -> str:
        """ "Met", "Partly met (78%)" or "Not evidenced"."""
        label = STATUS_LABELS[self.status]
        return f"{label} ({self.percent}%)" if self.percent is not None else label

    @property
    def tag_class(self) -> str:
        return STATUS_TAG_CLASSES[self.status]


@dataclass(frozen=True)
class Facts:
    """The counts the 13 rules need, for one prison on one date."""

    on: dt.date
    code: str
    year_before: dt.date  # the last 12 months are the days after this, up to `on`
    # The scheme
    has_scheme: bool
    leadership: str  # its label; "" without a scheme
    supervision_limit_days: int
    mandatory_modules: int
    staff: int
    prison_staff: int
    # Active buddies
    active: int
    benefits: int
    vetted: int
    trained: int
    supervised: int
    vetted_trained_supervised: int
    compact: int
    pay_rate: int
    compact_and_pay_rate: int
    safeguarding: int
    safeguarding_and_trained: int
    # People supported and their plans in force
    supported: int
    formal_care_recorded: int
    plans_in_force: int
    plans_with_boundaries: int
    plans_agreed: int
    escalation_due: int
    escalation_due_supported: int
    open_assignments: int
    open_assignments_confirmed: int
    # Sessions and incidents
    sessions: int
    sessions_with_forbidden_task: int
    boundary_incidents: int
    open_concerns: int
    open_concerns_referred: int


def twelve_months_before(on: dt.date) -> dt.date:
    """The same date a year earlier (28 February for 29 February)."""
    try:
        return on.replace(year=on.year - 1)
    except ValueError:
        return on.replace(year=on.year - 1, day=28)


def schemes_by_prison(prison_ids) -> dict:
    """Each prison's scheme by prison id; a prison without a scheme is left out. One query,
    whatever the number of prisons."""
    return {
        scheme.prison_id: scheme
        for scheme in Scheme.objects.filter(prison_id__in=list(prison_ids)).order_by()
    }


def supervision_limits(prison_ids, schemes: dict) -> dict[int, int]:
    """Each prison's supervision limit in days: its scheme's, or the default without a scheme."""
    return {
        pk: schemes[pk].supervision_limit_days if pk in schemes else DEFAULT_SUPERVISION_LIMIT_DAYS
        for pk in prison_ids
    }


def trained_buddy_ids(buddies, prison_ids, on: dt.date) -> tuple[set[int], dict[int, int]]:
    """Ids of the buddies (of the prisons `prison_ids`) whose every mandatory module counts on
    `on` (governance.training), and how many modules each prison has made mandatory
    ({prison id: n}, a prison without a scheme left out; with none, nobody's training can be
    shown). A fixed number of queries whatever the number of buddies or prisons: the buddies,
    their training records, the schemes and their modules."""
    rows = list(buddies.order_by().only("pk", "prison_id"))
    training = TrainingContext.load([b.pk for b in rows], prison_ids)
    trained = {b.pk for b in rows if training.trained(b, on) is True}
    return trained, {pk: len(modules) for pk, modules in training.mandatory.items()}


def pk_in(ids) -> Q:
    """A filter for rows whose id is in `ids`, safe inside an aggregate: an empty IN would make
    Django skip the query and report every count in it as 0."""
    return Q(pk__in=ids) if ids else Q(pk__isnull=True)


def with_supervision_window(buddies, limits: dict[int, int], on: dt.date):
    """Buddies annotated with `supervised_from`, the first day of their prison's supervision limit
    up to `on`, and `was_supervised`: a supervision including them dated from that day to `on`.
    `limits` (prison id -> days, from `supervision_limits`) covers every prison of the buddies.
    Each prison has its own limit, so for prisons with different limits the first day is a CASE
    on the prison, with one branch per distinct limit."""
    starts = {pk: on - dt.timedelta(days=days) for pk, days in limits.items()}
    first_days = sorted(set(starts.values()))
    first_day = Value(first_days[0], output_field=DateField())
    if len(first_days) > 1:
        first_day = Case(
            *[
                When(
                    prison_id__in=[pk for pk, s in starts.items() if s == start],
                    then=Value(start, output_field=DateField()),
                )
                for start in first_days[1:]
            ],
            default=first_day,
            output_field=DateField(),
        )
    return buddies.annotate(supervised_from=first_day).annotate(
        was_supervised=Exists(
            Supervision.buddies.through.objects.filter(
                buddy_id=OuterRef("pk"),
                supervision__date__gte=OuterRef("supervised_from"),
                supervision__date__lte=on,
            )
        )
    )


def counts_by(queryset, by: str, **counts) -> defaultdict:
    """The counts for each value of `by` (a prison id) in one grouped query, as
    {prison id: {name: n}}; a prison with no rows reads as zeros, as a plain aggregate gives."""
    zeros = dict.fromkeys(counts, 0)
    result = defaultdict(lambda: dict(zeros))
    for row in queryset.order_by().values(by).annotate(**counts):
        result[row.pop(by)] = row
    return result


def supported_people(prison_ids, on: dt.date):
    return Recipient.objects.filter(prison_id__in=list(prison_ids)).supported(on)


def plans_in_force(people, on: dt.date):
    """The care plan in force on `on` for each of `people` who has one (one plan per person)."""
    latest_approved = CarePlan.objects.filter(
        recipient=OuterRef("pk"), la_approved_on__isnull=False, starts_on__lte=on
    ).order_by("-version")
    return CarePlan.objects.filter(
        pk__in=people.annotate(plan_id=Subquery(latest_approved.values("pk")[:1])).values("plan_id")
    )


def gather_facts_for(prisons, on: dt.date) -> dict[int, Facts]:
    """Every count behind `psi_compliance` for each of `prisons` (Prison objects), by prison id:
    each aggregate query is grouped by prison, so the number of queries is fixed whatever the
    number of prisons or the size of their schemes. Each prison's own settings (supervision
    limit, mandatory modules, leadership) apply to it."""
    prisons = list(prisons)
    if not prisons:
        return {}
    ids = [prison.pk for prison in prisons]
    schemes = schemes_by_prison(ids)
    limits = supervision_limits(ids, schemes)
    year_before = twelve_months_before(on)

    active = Buddy.objects.filter(prison_id__in=ids, status=BuddyStatus.ACTIVE)
    trained_ids, mandatory_modules = trained_buddy_ids(active, ids, on)
    vetted = Q(vetting_outcome=VettingOutcome.APPROVED, vetted_on__lte=on)
    trained = pk_in(trained_ids)
    supervised = Q(was_supervised=True)
    compact = Q(compact_signed_on__lte=on)
    paid = Q(has_pay_rate=True)
    safeguarding = Q(safeguarding_briefed_on__lte=on)
    buddies = counts_by(
        with_supervision_window(active, limits, on).annotate(
            has_pay_rate=Exists(
                PayRate.objects.filter(buddy=OuterRef("pk"), effective_from__lte=on)
            ),
        ),
        "prison_id",
        active=Count("pk"),
        benefits=Count("pk", filter=Q(benefits_explained_on__lte=on)),
        vetted=Count("pk", filter=vetted),
        trained=Count("pk", filter=trained),
        supervised=Count("pk", filter=supervised),
        vetted_trained_supervised=Count("pk", filter=vetted & trained & supervised),
        compact=Count("pk", filter=compact),
        pay_rate=Count("pk", filter=paid),
        compact_and_pay_rate=Count("pk", filter=compact & paid),
        safeguarding=Count("pk", filter=safeguarding),
        safeguarding_and_trained=Count("pk", filter=safeguarding & trained),
    )

    staff = counts_by(
        StaffMember.objects.filter(prison_id__in=ids),
        "prison_id",
        staff=Count("pk"),
        prison_staff=Count("pk", filter=Q(organisation=Organisation.PRISON)),
    )

    people = supported_people(ids, on)
    supported = counts_by(
        people,
        "prison_id",
        supported=Count("pk"),
        formal_care_recorded=Count("pk", filter=~Q(formal_care="")),
    )
    agreed = Q(agreed_with_buddy_on__isnull=False) & (
        Q(agreed_with_recipient_on__isnull=False)
        | (
            Q(capacity_at_agreement=MentalCapacity.LACKS_CAPACITY)
            & ~Q(best_interests_decision_by="")
        )
    )
    plans = counts_by(
        plans_in_force(people, on),
        "recipient__prison_id",
        plans_in_force=Count("pk"),
        plans_with_boundaries=Count("pk", filter=Q(boundaries_explained_on__isnull=False)),
        plans_agreed=Count("pk", filter=agreed),
    )
    due = counts_by(
        Recipient.objects.filter(prison_id__in=ids).escalation_due(on),
        "prison_id",
        escalation_due=Count("pk"),
        escalation_due_supported=Count("pk", filter=Q(pk__in=people.values("pk"))),
    )
    assignments = counts_by(
        Assignment.objects.filter(recipient__prison_id__in=ids).open_on(on),
        "recipient__prison_id",
        open_assignments=Count("pk"),
        open_assignments_confirmed=Count("pk", filter=Q(no_personal_relationship_confirmed=True)),
    )

    # An uncorrelated IN over the (few) links to forbidden tasks: a correlated EXISTS ran once
    # per session, which costs 100 ms on a busy prison-year (bench/explain). The forbidden codes
    # are read first and given as values: joined to the tasks by kind, PostgreSQL cannot tell
    # that those codes have few links, and reads every link (900 ms with 12 million links).
    forbidden_codes = list(
        Task.objects.filter(kind=TaskKind.FORBIDDEN).order_by().values_list("code", flat=True)
    )
    forbidden = Session.tasks.through.objects.filter(task_id__in=forbidden_codes).values(
        "session_id"
    )
    # All sessions are counted from the daily summary (brought up to date first): counting them
    # from the sessions took 200 ms for 120 prisons. The few with a forbidden task are found from
    # their task links.
    daily.refresh(ids)
    sessions = counts_by(
        DailySessions.objects.filter(prison_id__in=ids, date__gt=year_before, date__lte=on),
        "prison_id",
        sessions=Sum("sessions"),
    )
    with_forbidden = counts_by(
        Session.objects.filter(
            prison_id__in=ids, date__gt=year_before, date__lte=on, pk__in=forbidden
        ),
        "prison_id",
        sessions_with_forbidden_task=Count("pk"),
    )

    open_concern = Q(category_id=SAFEGUARDING_CONCERN, occurred_on__lte=on) & (
        Q(closed_on__isnull=True) | Q(closed_on__gt=on)
    )
    incidents = counts_by(
        Incident.objects.filter(prison_id__in=ids),
        "prison_id",
        boundary_incidents=Count(
            "pk",
            filter=Q(
                category_id=BOUNDARY_CROSSED, occurred_on__gt=year_before, occurred_on__lte=on
            ),
        ),
        open_concerns=Count("pk", filter=open_concern),
        open_concerns_referred=Count(
            "pk", filter=open_concern & Q(safeguarding_referral_on__lte=on)
        ),
    )

    facts = {}
    for prison in prisons:
        pk = prison.pk
        scheme = schemes.get(pk)
        facts[pk] = Facts(
            on=on,
            code=prison.code,
            year_before=year_before,
            has_scheme=scheme is not None,
            leadership=scheme.get_leadership_display() if scheme and scheme.leadership else "",
            supervision_limit_days=limits[pk],
            mandatory_modules=mandatory_modules.get(pk, 0),
            **staff[pk],
            **buddies[pk],
            **supported[pk],
            **plans[pk],
            **due[pk],
            **assignments[pk],
            **sessions[pk],
            **with_forbidden[pk],
            **incidents[pk],
        )
    return facts


def gather_facts(prison, on: dt.date) -> Facts:
    """Every count behind `psi_compliance` for one prison (`gather_facts_for`)."""
    return gather_facts_for([prison], on)[prison.pk]


# Wording


def status_of(numerator: int, denominator: int) -> str:
    """Met when every record counted meets it; partly met when some do; otherwise not evidenced
    (including when there is nothing to count)."""
    if denominator == 0 or numerator == 0:
        return NOT_EVIDENCED
    return MET if numerator >= denominator else PARTLY_MET


def short_of(status: str, check_passed: bool) -> str:
    """A second check that fails turns "met" into "partly met"."""
    return PARTLY_MET if status == MET and not check_passed else status


def count(n: int, singular: str, plural: str | None = None) -> str:
    """A count with its noun: "1 session", "2 sessions", "0 people" ("<5 sessions" while small
    numbers are hidden)."""
    shown_n = shown(n)
    return f"{shown_n} {singular if shown_n == 1 else plural or singular + 's'}"


def of(n: int, total: int, singular: str, plural: str | None = None) -> str:
    """A share with its noun: "7 of 9 active buddies", "1 of 1 active buddy"."""
    return f"{shown(n)} of {count(total, singular, plural)}"


def has(n: int) -> str:
    return "has" if shown(n) == 1 else "have"


def result(
    facts: Facts,
    number: int,
    title: str,
    status: str,
    numerator: int,
    denominator: int,
    explanation: str,
    url_name: str,
    query: str = "",
) -> RequirementResult:
    kwargs = {"code": facts.code}
    return RequirementResult(
        number=number,
        title=title,
        status=status,
        numerator=numerator,
        denominator=denominator,
        explanation=explanation,
        evidence=(url_name, kwargs, query),
        url=reverse(url_name, kwargs=kwargs) + query,
        small_numbers_hidden=hiding(),
    )


ACTIVE_NOT_FIT = "?status=active&fit_to_work=no"
SUPPORTED_NOW = "?supported=current"
PLANS_NOW = "?supported=current&plan_state=approved"
NO_ACTIVE_BUDDIES = "No active buddies are recorded"
NOBODY_SUPPORTED = "Nobody is recorded as supported on this date"
NO_PLAN_IN_FORCE = "No person supported has an approved care plan in force"


# The 13 requirements


def requirement_1(facts: Facts) -> RequirementResult:
    """PSI 1: the benefits of peer support are explained to buddies. Counts active buddies whose
    record has the date the benefits were explained, against all active buddies."""
    n, d = facts.benefits, facts.active
    text = (
        f"{of(n, d, 'active buddy', 'active buddies')} {has(n)} had the benefits of peer support "
        "explained"
        if d
        else NO_ACTIVE_BUDDIES
    )
    return result(
        facts,
        1,
        "Benefits of peer support explained to buddies",
        status_of(n, d),
        n,
        d,
        text,
        "buddy-list",
        ACTIVE_NOT_FIT,
    )


def requirement_2(facts: Facts) -> RequirementResult:
    """PSI 2: buddies are not relied on for care that health or social care providers must give.
    Counts people supported whose formal care is recorded (any value, "none" included), against
    everyone supported; and no session in the last 12 months may record a task that is never
    allowed, or "met" becomes "partly met".

    Why: PeerCare cannot see care that was not given, but it can show that for each person the
    formal care they receive was considered and written down, so buddy support sits next to it
    rather than in its place; a recorded "none" is a decision on record, a blank is not."""
    n, d = facts.formal_care_recorded, facts.supported
    forbidden = facts.sessions_with_forbidden_task
    if d:
        text = (
            f"{of(n, d, 'person supported', 'people supported')} {has(n)} their formal care "
            "recorded (including none)"
        )
    else:
        text = NOBODY_SUPPORTED
    text += (
        f"; {count(forbidden, 'session')} in the last 12 months "
        f"{'records' if shown(forbidden) == 1 else 'record'} a task that is never allowed"
        if forbidden
        else "; no session in the last 12 months records a task that is never allowed"
    )
    return result(
        facts,
        2,
        "Buddies not relied on for formal care",
        short_of(status_of(n, d), forbidden == 0),
        n,
        d,
        text,
        "recipient-list",
        SUPPORTED_NOW,
    )


def requirement_3(facts: Facts) -> RequirementResult:
    """PSI 3: the limits of the role are written in a care plan. Counts people supported whose
    approved care plan in force records the date the boundaries were explained, against everyone
    supported (someone supported without an approved plan in force does not count)."""
    n, d = facts.plans_with_boundaries, facts.supported
    text = (
        f"{of(n, d, 'person supported', 'people supported')} {has(n)} an approved care plan in "
        "force that records the boundaries of the role were explained"
        if d
        else NOBODY_SUPPORTED
    )
    return result(
        facts,
        3,
        "Boundaries of the role written in a care plan",
        status_of(n, d),
        n,
        d,
        text,
        "recipient-list",
        SUPPORTED_NOW,
    )


def requirement_4(facts: Facts) -> RequirementResult:
    """PSI 4: buddies are selected, risk assessed, trained, supported and supervised. Counts active
    buddies with security vetting approved, every mandatory module counting (governance.training)
    and a supervision including them in the prison's supervision limit (days) up to `on`, against
    all active buddies. Without mandatory modules chosen, nobody's training can be shown."""
    n, d = facts.vetted_trained_supervised, facts.active
    if d:
        text = (
            f"{of(n, d, 'active buddy', 'active buddies')} {has(n)} security vetting approved, "
            f"mandatory training that counts and supervision in the {facts.supervision_limit_days} "
            f"days up to {govuk_date(facts.on)} ({shown(facts.vetted)} vetted, "
            f"{shown(facts.trained)} trained, {shown(facts.supervised)} supervised)"
        )
        if not facts.mandatory_modules:
            text += "; the prison has not chosen which training modules are mandatory"
    else:
        text = NO_ACTIVE_BUDDIES
    return result(
        facts,
        4,
        "Buddies selected, vetted, trained and supervised",
        status_of(n, d),
        n,
        d,
        text,
        "buddy-list",
        ACTIVE_NOT_FIT,
    )


def requirement_5(facts: Facts) -> RequirementResult:
    """PSI 5: the scheme is formal: buddies are paid, or know they are unpaid volunteers. Counts
    active buddies with a signed compact and a pay rate in force on `on` (any pay scheme, unpaid
    volunteer included), against all active buddies."""
    n, d = facts.compact_and_pay_rate, facts.active
    text = (
        f"{of(n, d, 'active buddy', 'active buddies')} {has(n)} a signed compact and a pay rate "
        f"in force, paid or unpaid volunteer ({shown(facts.compact)} with a compact, "
        f"{shown(facts.pay_rate)} with "
        "a pay rate)"
        if d
        else NO_ACTIVE_BUDDIES
    )
    return result(
        facts,
        5,
        "Buddies paid, or know they are volunteers",
        status_of(n, d),
        n,
        d,
        text,
        "buddy-list",
        "?status=active",
    )


def requirement_6(facts: Facts) -> RequirementResult:
    """PSI 6: buddies and recipients know the safeguarding policy and how to raise a concern.
    Counts active buddies whose record has the date safeguarding was explained, against all
    active buddies; people supported are checked by their care plan in force recording that the
    boundaries were explained: when some are not, "met" becomes "partly met"."""
    n, d = facts.safeguarding, facts.active
    people_short = facts.plans_with_boundaries < facts.supported
    if d:
        text = (
            f"{of(n, d, 'active buddy', 'active buddies')} {has(n)} had the safeguarding policy "
            "and how to raise a concern explained"
        )
    else:
        text = NO_ACTIVE_BUDDIES
    if facts.supported:
        people = facts.plans_with_boundaries
        text += (
            f"; {of(people, facts.supported, 'person supported', 'people supported')} "
            f"{has(people)} had the boundaries explained in a care plan in force"
        )
    return result(
        facts,
        6,
        "Safeguarding policy known, and how to raise a concern",
        short_of(status_of(n, d), not people_short),
        n,
        d,
        text,
        "buddy-list",
        ACTIVE_NOT_FIT,
    )


def requirement_7(facts: Facts) -> RequirementResult:
    """PSI 7: partner organisations may support the scheme but the prison remains responsible.
    Met when the scheme records who leads it and at least one member of staff involved works for
    the prison; otherwise not evidenced. The numbers are prison staff out of all staff involved."""
    n, d = facts.prison_staff, facts.staff
    met = bool(facts.leadership) and n > 0
    if not facts.has_scheme:
        text = "No scheme is recorded for this prison"
    else:
        led = (
            f"Led by {facts.leadership.lower()}"
            if facts.leadership
            else "Nobody is recorded as leading the scheme"
        )
        staff = (
            f"{of(n, d, 'member of staff involved', 'members of staff involved')} "
            f"{'works' if shown(n) == 1 else 'work'} for the prison"
            if d
            else "no staff are recorded as involved"
        )
        text = f"{led}; {staff}"
    return result(
        facts,
        7,
        "Prison responsible, with any partner organisations",
        MET if met else NOT_EVIDENCED,
        n,
        d,
        text,
        "prison-detail",
    )


def requirement_8(facts: Facts) -> RequirementResult:
    """PSI 8: no intimate care and no medication handling. Counts sessions in the last 12 months
    (delivered or missed, formal or informal) that record no task that is never allowed, against
    all of them: met when there are sessions and none records one. Forms offer no such task, so a
    shortfall means records were changed some other way. Incidents of a buddy overstepping
    boundaries in the same months are told in the sentence."""
    d = facts.sessions
    n = d - facts.sessions_with_forbidden_task
    if d:
        text = (
            f"{of(n, d, 'session')} in the 12 months up to {govuk_date(facts.on)} "
            f"{'records' if shown(n) == 1 else 'record'} only allowed tasks"
        )
    else:
        text = f"No sessions are recorded in the 12 months up to {govuk_date(facts.on)}"
    text += (
        f"; {count(facts.boundary_incidents, 'incident')} of a buddy overstepping boundaries "
        "in that time"
        if facts.boundary_incidents
        else "; no incident of a buddy overstepping boundaries in that time"
    )
    return result(
        facts,
        8,
        "No intimate care and no medication handling",
        status_of(n, d),
        n,
        d,
        text,
        "week-sheet-current",
    )


def requirement_9(facts: Facts) -> RequirementResult:
    """PSI 9: tasks are discussed and agreed with everyone involved; when the person lacks mental
    capacity the social care lead decides in their best interests. Counts approved care plans in
    force for people supported that record the buddy's agreement and either the person's agreement
    or, when they lacked capacity, who made the best-interests decision; against all of them."""
    n, d = facts.plans_agreed, facts.plans_in_force
    text = (
        f"{of(n, d, 'approved care plan in force', 'approved care plans in force')} "
        f"{'was' if shown(n) == 1 else 'were'} agreed with the buddy and with the person, or by a "
        "best-interests decision when the person lacked capacity"
        if d
        else NO_PLAN_IN_FORCE
    )
    return result(
        facts,
        9,
        "Tasks agreed, with best-interests decisions where needed",
        status_of(n, d),
        n,
        d,
        text,
        "recipient-list",
        PLANS_NOW,
    )


def requirement_10(facts: Facts) -> RequirementResult:
    """PSI 10: everyone knows which activities are and are not appropriate. Counts approved care
    plans in force for people supported that record the date the boundaries were explained,
    against all of them."""
    n, d = facts.plans_with_boundaries, facts.plans_in_force
    text = (
        f"{of(n, d, 'approved care plan in force', 'approved care plans in force')} "
        f"{'records' if shown(n) == 1 else 'record'} that the limits of the role were explained"
        if d
        else NO_PLAN_IN_FORCE
    )
    return result(
        facts,
        10,
        "Everyone knows what buddies may and may not do",
        status_of(n, d),
        n,
        d,
        text,
        "recipient-list",
        PLANS_NOW,
    )


def requirement_11(facts: Facts) -> RequirementResult:
    """PSI 11: a buddy does not support someone they have a personal relationship with. Counts
    buddy assignments open on `on` confirmed free of a personal relationship, against all of them
    (the database refuses an unconfirmed one, so it is met whenever there are assignments)."""
    n, d = facts.open_assignments_confirmed, facts.open_assignments
    text = (
        f"{of(n, d, 'current buddy assignment')} {'confirms' if shown(n) == 1 else 'confirm'} no "
        "personal relationship"
        if d
        else "No buddy is assigned to anyone on this date"
    )
    return result(
        facts,
        11,
        "No personal relationship between buddy and person",
        status_of(n, d),
        n,
        d,
        text,
        "recipient-list",
        SUPPORTED_NOW,
    )


def requirement_12(facts: Facts) -> RequirementResult:
    """PSI 12: informal help that becomes regular support is escalated, and the person referred to
    the local authority. Counts people supported who are not due a referral
    (Recipient.objects.escalation_due) against everyone supported or due: met when people are
    supported and nobody is due; partly met when some are due; not evidenced when nobody is
    supported."""
    due, supported = facts.escalation_due, facts.supported
    n = supported - facts.escalation_due_supported
    d = supported + due - facts.escalation_due_supported
    if d:
        text = (
            f"{count(due, 'person', 'people')} to refer to the local authority; "
            f"{of(n, d, 'person', 'people')} supported or helped regularly "
            f"{'needs' if shown(n) == 1 else 'need'} no referral"
        )
    else:
        text = NOBODY_SUPPORTED
    return result(
        facts,
        12,
        "Regular informal help referred to the local authority",
        status_of(n, d),
        n,
        d,
        text,
        "recipient-list",
        "?attention=escalation_due",
    )


def requirement_13(facts: Facts) -> RequirementResult:
    """PSI 13: buddies and recipients are protected from abuse and neglect. Counts active buddies
    who had safeguarding explained and whose mandatory training counts, against all active
    buddies; every safeguarding concern open on `on` must have a safeguarding referral dated on or
    before it, or "met" becomes "partly met"."""
    n, d = facts.safeguarding_and_trained, facts.active
    concerns, referred = facts.open_concerns, facts.open_concerns_referred
    text = (
        f"{of(n, d, 'active buddy', 'active buddies')} {has(n)} had safeguarding explained and "
        "mandatory training that counts"
        if d
        else NO_ACTIVE_BUDDIES
    )
    text += (
        f"; {of(referred, concerns, 'open safeguarding concern')} "
        f"{'has' if shown(referred) == 1 else 'have'} a safeguarding referral"
        if concerns
        else "; no safeguarding concern is open"
    )
    return result(
        facts,
        13,
        "Buddies and recipients protected from abuse and neglect",
        short_of(status_of(n, d), referred == concerns),
        n,
        d,
        text,
        "buddy-list",
        ACTIVE_NOT_FIT,
    )


REQUIREMENTS = [
    requirement_1,
    requirement_2,
    requirement_3,
    requirement_4,
    requirement_5,
    requirement_6,
    requirement_7,
    requirement_8,
    requirement_9,
    requirement_10,
    requirement_11,
    requirement_12,
    requirement_13,
]


def psi_compliance(prison, on: dt.date) -> list[RequirementResult]:
    """The 13 mandatory requirements of PSI 17/2015 for a prison on a date, in order, each with
    its status, the numbers behind it and a link to the records (rules in each `requirement_<n>`).
    A fixed number of queries, whatever the size of the scheme."""
    return psi_compliance_for([prison], on)[prison.pk]


def psi_compliance_for(prisons, on: dt.date) -> dict[int, list[RequirementResult]]:
    """`psi_compliance` for each of `prisons` (Prison objects), by prison id, in a fixed number
    of queries whatever the number of prisons (`gather_facts_for`)."""
    return {
        pk: [rule(facts) for rule in REQUIREMENTS]
        for pk, facts in gather_facts_for(prisons, on).items()
    }
