"""The evaluation guide's monitoring indicators (shared/DOMAIN.md, "The evaluation guide").

Each indicator is a function of `(prisons, start, end)`: the prisons (a Prison queryset or list)
and a period from `start` to `end`, both days included. It returns an `Indicator` whose `value` is
a number (int or Decimal, or None when it cannot be worked out, e.g. a share of nothing) or a
dict of code -> number for a breakdown, and whose `base` is the count the value rests on.

Words used in every docstring below:
- "Sessions in the period": sessions of the prisons dated from `start` to `end`, delivered or
  missed, formal or informal.
- "Delivered sessions": those with outcome "yes" (Outcome.DELIVERED).
- "Active buddies": buddies of the prisons whose status is active. Status is not dated, so it is
  the status recorded now, as in governance.compliance.
- "Supported recipients": distinct people with at least one delivered session in the period.
- For a plain count of records, the base is the count itself.
- Breakdowns over a short fixed list (supervision kinds, missed outcomes) show every code, zeros
  included; breakdowns over reference lists (tasks, needs, incident categories) show only the
  codes that occur.

Every indicator reads the database in a fixed number of aggregate queries, whatever the size of
the scheme: per prison for the PSI requirements and the governance model, which are defined for
one prison at a time. Results carry no name or prison number: inspectors see them.
"""

import datetime as dt
import statistics
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum

from buddies.constants import MISSED_OUTCOMES, BuddyStatus, Outcome
from buddies.models import Buddy, Session
from buddies.rules import fit_to_work_q, untrained_buddy_ids
from governance.classification import governance_models_for
from governance.compliance import MET, psi_compliance_for
from governance.constants import SupervisionKind
from governance.models import Incident, StaffMember, StaffTime, Supervision
from monitoring import daily
from recipients.models import CarePlan, Recipient

PSI_REQUIREMENT_COUNT = 13
STAFF_SOCIAL_CARE_MODULES = ["staff_social_care_awareness", "staff_peer_scheme"]
HUNDREDTH = Decimal("0.01")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Indicator:
    """One indicator for some prisons over a period: its value and the count it rests on."""

    key: str
    value: int | Decimal | dict | None
    base: int


def rounded(numerator, denominator, places: Decimal = HUNDREDTH) -> Decimal | None:
    """numerator / denominator rounded half up to `places`; None when the denominator is 0."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(places, rounding=ROUND_HALF_UP)


def percentage(part: int, whole: int) -> Decimal | None:
    """part as a percentage of whole, to one decimal place; None when whole is 0."""
    return rounded(100 * part, whole, TENTH)


def sessions(prisons, start: dt.date, end: dt.date):
    """Sessions of the prisons in the period, delivered or missed."""
    return Session.objects.filter(prison__in=prisons, date__gte=start, date__lte=end)


def delivered(prisons, start: dt.date, end: dt.date):
    return sessions(prisons, start, end).filter(outcome=Outcome.DELIVERED)


def active_buddies(prisons):
    return Buddy.objects.filter(prison__in=prisons, status=BuddyStatus.ACTIVE)


def supported_recipient_ids(prisons, start: dt.date, end: dt.date):
    """A subquery of the ids of the supported recipients."""
    return delivered(prisons, start, end).values("recipient_id").distinct()


def by_code(rows, field: str, codes=()) -> dict:
    """{code: n} from rows of {field: code, "n": count}, starting from `codes` at zero."""
    result = dict.fromkeys(codes, 0)
    for row in rows:
        result[row[field]] = row["n"]
    return result


@dataclass(frozen=True)
class Pair:
    """Delivered sessions in a period from one buddy (None: someone who is not a buddy) to one
    person: how many, and their minutes."""

    recipient_id: int
    buddy_id: int | None
    sessions: int
    minutes: int


def delivered_pairs(prisons, start: dt.date, end: dt.date) -> list[Pair]:
    """The delivered sessions of the prisons in the period, summed by person and buddy: one scan
    of the sessions, from which the indicators on people and buddies supported are all worked
    out (compute_all reads it once for them all)."""
    rows = (
        delivered(prisons, start, end)
        .values_list("recipient_id", "buddy_id")
        .annotate(sessions=Count("pk"), minutes=Sum("minutes"))
        .order_by()
    )
    return [Pair(*row) for row in rows]


# Buddies and recipients ---------------------------------------------------------------------


def buddies_active(prisons, start: dt.date, end: dt.date, *, pairs=None) -> Indicator:
    """Distinct buddies with at least one delivered session in the period (formal or informal).
    Base: delivered sessions in the period. `pairs`, here and below, is `delivered_pairs` for
    the same prisons and period, when already read."""
    pairs = delivered_pairs(prisons, start, end) if pairs is None else pairs
    buddies = {pair.buddy_id for pair in pairs if pair.buddy_id is not None}
    return Indicator("buddies_active", len(buddies), sum(pair.sessions for pair in pairs))


def buddies_fit_to_work(prisons, start: dt.date, end: dt.date) -> Indicator:
    """Active buddies fit to work at the end of the period: vetting approved, compact signed,
    benefits and safeguarding explained (buddies.rules.fit_to_work_q, PSI requirements 1, 4, 5, 6
    and 13), and every mandatory module counting on `end` (none can in a prison that has chosen no
    mandatory module). Base: active buddies."""
    recorded = Buddy.objects.filter(prison__in=prisons).filter(fit_to_work_q())
    recorded_ids = set(recorded.values_list("pk", flat=True))
    untrained = untrained_buddy_ids(recorded, on=end) if recorded_ids else set()
    return Indicator(
        "buddies_fit_to_work", len(recorded_ids - untrained), active_buddies(prisons).count()
    )


def recipients_supported(prisons, start: dt.date, end: dt.date, *, pairs=None) -> Indicator:
    """Distinct people with at least one delivered session in the period.
    Base: delivered sessions in the period."""
    pairs = delivered_pairs(prisons, start, end) if pairs is None else pairs
    people = {pair.recipient_id for pair in pairs}
    return Indicator("recipients_supported", len(people), sum(pair.sessions for pair in pairs))


def buddy_hours_per_week(prisons, start: dt.date, end: dt.date, *, pairs=None) -> Indicator:
    """Hours buddies worked a week: the minutes of delivered sessions given by a buddy (informal
    help by someone who is not a buddy is left out) / 60 / weeks in the period (days / 7).
    `scheme_total` is all buddies together; `mean_per_active_buddy` divides that by the buddies
    with a delivered session (None when there are none). Both rounded half up to 2 places.
    Base: delivered sessions given by a buddy."""
    pairs = delivered_pairs(prisons, start, end) if pairs is None else pairs
    by_buddies = [pair for pair in pairs if pair.buddy_id is not None]
    totals = {
        "minutes": sum(pair.minutes for pair in by_buddies),
        "buddies": len({pair.buddy_id for pair in by_buddies}),
        "sessions": sum(pair.sessions for pair in by_buddies),
    }
    minutes = totals["minutes"] or 0
    days = (end - start).days + 1
    # minutes / 60 / (days / 7), kept exact until the final rounding
    value = {
        "scheme_total": rounded(minutes * 7, 60 * days),
        "mean_per_active_buddy": rounded(minutes * 7, 60 * days * totals["buddies"]),
    }
    return Indicator("buddy_hours_per_week", value, totals["sessions"])


def buddies_trained_pct(prisons, start: dt.date, end: dt.date) -> Indicator:
    """Share of active buddies whose every mandatory module counts on `end` (PSI requirement 4),
    as a percentage to one place (None with no active buddies). Base: active buddies."""
    buddies = active_buddies(prisons)
    ids = set(buddies.values_list("pk", flat=True))
    untrained = untrained_buddy_ids(buddies, on=end) if ids else set()
    return Indicator("buddies_trained_pct", percentage(len(ids - untrained), len(ids)), len(ids))


def supervision_sessions(prisons, start: dt.date, end: dt.date) -> Indicator:
    """Supervision sessions dated in the period, by kind (group, one-to-one, ad hoc).
    Base: all supervision sessions in the period."""
    rows = (
        Supervision.objects.filter(prison__in=prisons, date__gte=start, date__lte=end)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    value = by_code(rows, "kind", SupervisionKind.values)
    return Indicator("supervision_sessions", value, sum(value.values()))


def buddies_supervised_pct(prisons, start: dt.date, end: dt.date) -> Indicator:
    """Share of active buddies in at least one supervision dated in the period, as a percentage
    to one place (None with no active buddies; PSI requirements 4 and 13). Base: active buddies."""
    totals = active_buddies(prisons).aggregate(
        total=Count("pk", distinct=True),
        supervised=Count(
            "pk",
            distinct=True,
            filter=Q(supervisions__date__gte=start, supervisions__date__lte=end),
        ),
    )
    return Indicator(
        "buddies_supervised_pct",
        percentage(totals["supervised"], totals["total"]),
        totals["total"],
    )


def support_by_task(prisons, start: dt.date, end: dt.date, *, totals=None) -> Indicator:
    """Delivered sessions in the period that included each task, by task code (a session with two
    tasks counts under both). Base: delivered sessions in the period. Read from the daily
    summary (monitoring.daily), as are the other plain counts of sessions; `totals`, when given,
    is daily.session_totals for the same prisons and period, just read."""
    totals = daily.session_totals(prisons, start, end) if totals is None else totals
    base = sum(row["sessions"] for row in totals if row["outcome"] == Outcome.DELIVERED)
    # Either way the summary has just been brought up to date for these prisons.
    tasks = daily.task_totals(prisons, start, end, fresh=True)
    return Indicator("support_by_task", tasks, base)


def recipients_by_need(prisons, start: dt.date, end: dt.date, *, pairs=None) -> Indicator:
    """Supported recipients with each recorded need, by need code (a person with two needs counts
    under both). Base: supported recipients."""
    pairs = delivered_pairs(prisons, start, end) if pairs is None else pairs
    supported = sorted({pair.recipient_id for pair in pairs})
    rows = (
        Recipient.needs.through.objects.filter(recipient_id__in=supported)
        .values("need_id")
        .annotate(n=Count("recipient_id", distinct=True))
        .order_by("need_id")
    )
    return Indicator("recipients_by_need", by_code(rows, "need_id"), len(supported))


# Sessions -----------------------------------------------------------------------------------


def sessions_delivered(prisons, start: dt.date, end: dt.date, *, totals=None) -> Indicator:
    """Delivered sessions in the period, formal and informal. Base: sessions in the period.
    Read from the daily summary (monitoring.daily), as are the other plain counts of sessions."""
    totals = daily.session_totals(prisons, start, end) if totals is None else totals
    delivered_n = sum(row["sessions"] for row in totals if row["outcome"] == Outcome.DELIVERED)
    return Indicator("sessions_delivered", delivered_n, sum(row["sessions"] for row in totals))


def sessions_missed(prisons, start: dt.date, end: dt.date, *, totals=None) -> Indicator:
    """Missed sessions in the period, by the data standard's reason (the outcome code; a prison's
    own finer reason counts under the code it maps to). Base: sessions in the period."""
    totals = daily.session_totals(prisons, start, end) if totals is None else totals
    value = dict.fromkeys((o.value for o in MISSED_OUTCOMES), 0)
    for row in totals:
        if row["outcome"] != Outcome.DELIVERED:
            value[row["outcome"]] = value.get(row["outcome"], 0) + row["sessions"]
    return Indicator("sessions_missed", value, sum(row["sessions"] for row in totals))


def hours_received_per_recipient(prisons, start: dt.date, end: dt.date, *, pairs=None) -> Indicator:
    """Hours of delivered sessions each supported recipient received over the period: the mean
    and the median over those people, rounded half up to 2 places (None with nobody supported).
    Base: supported recipients."""
    pairs = delivered_pairs(prisons, start, end) if pairs is None else pairs
    by_person: dict[int, int] = {}
    for pair in pairs:
        by_person[pair.recipient_id] = by_person.get(pair.recipient_id, 0) + pair.minutes
    minutes = sorted(by_person.values())
    people = len(minutes)
    median = statistics.median(minutes) if minutes else None
    value = {
        "mean": rounded(sum(minutes), 60 * people),
        # The median of whole minutes is a whole or half minute: exact as a Decimal.
        "median": None if median is None else rounded(Decimal(str(median)), 60),
    }
    return Indicator("hours_received_per_recipient", value, people)


def sessions_informal(prisons, start: dt.date, end: dt.date, *, totals=None) -> Indicator:
    """Delivered sessions in the period recorded as informal help (PSI requirement 12 watches
    these). Base: delivered sessions in the period. Read from the daily summary."""
    delivered_rows = [
        row
        for row in (daily.session_totals(prisons, start, end) if totals is None else totals)
        if row["outcome"] == Outcome.DELIVERED
    ]
    return Indicator(
        "sessions_informal",
        sum(row["sessions"] for row in delivered_rows if row["informal"]),
        sum(row["sessions"] for row in delivered_rows),
    )


# Recruitment --------------------------------------------------------------------------------


def _buddies_dated(key: str, field: str):
    def indicator(prisons, start: dt.date, end: dt.date) -> Indicator:
        n = Buddy.objects.filter(
            prison__in=prisons, **{f"{field}__gte": start, f"{field}__lte": end}
        ).count()
        return Indicator(key, n, n)

    indicator.__name__ = key
    return indicator


applications_received = _buddies_dated("applications_received", "applied_on")
applications_received.__doc__ = """Buddy applications dated (applied_on) in the period."""
applicants_offered = _buddies_dated("applicants_offered", "offered_on")
applicants_offered.__doc__ = """Applicants offered the role (offered_on) in the period."""
applicants_rejected = _buddies_dated("applicants_rejected", "rejected_on")
applicants_rejected.__doc__ = """Applicants not appointed (rejected_on) in the period."""


# Staff --------------------------------------------------------------------------------------


def staff_trained(prisons, start: dt.date, end: dt.date) -> Indicator:
    """Distinct staff of the prisons with a social care awareness or peer support scheme module
    completed on or before the end of the period. Base: staff of the prisons."""
    totals = StaffMember.objects.filter(prison__in=prisons).aggregate(
        staff=Count("pk", distinct=True),
        trained=Count(
            "pk",
            distinct=True,
            filter=Q(
                training__module_id__in=STAFF_SOCIAL_CARE_MODULES,
                training__completed_on__lte=end,
            ),
        ),
    )
    return Indicator("staff_trained", totals["trained"], totals["staff"])


def staff_hours(prisons, start: dt.date, end: dt.date) -> Indicator:
    """Hours staff logged on the scheme in weeks starting in the period (a Decimal).
    Base: weekly staff time entries counted."""
    totals = StaffTime.objects.filter(
        staff__prison__in=prisons, week_starting__gte=start, week_starting__lte=end
    ).aggregate(hours=Sum("hours"), entries=Count("pk"))
    return Indicator("staff_hours", totals["hours"] or Decimal("0.00"), totals["entries"])


# Safety -------------------------------------------------------------------------------------


def _incidents(prisons, start: dt.date, end: dt.date):
    return Incident.objects.filter(prison__in=prisons, occurred_on__gte=start, occurred_on__lte=end)


def incidents(prisons, start: dt.date, end: dt.date) -> Indicator:
    """Incidents that happened in the period, by "category:severity".
    Base: incidents in the period."""
    rows = (
        _incidents(prisons, start, end)
        .values("category_id", "severity")
        .annotate(n=Count("pk"))
        .order_by("category_id", "severity")
    )
    value = {f"{row['category_id']}:{row['severity']}": row["n"] for row in rows}
    return Indicator("incidents", value, sum(value.values()))


def incidents_per_1000_sessions(prisons, start: dt.date, end: dt.date, *, totals=None) -> Indicator:
    """Incidents that happened in the period for every 1,000 sessions in the period (delivered or
    missed), to one place; None with no sessions. Base: sessions in the period."""
    totals = daily.session_totals(prisons, start, end) if totals is None else totals
    n_sessions = sum(row["sessions"] for row in totals)
    n_incidents = _incidents(prisons, start, end).count()
    return Indicator(
        "incidents_per_1000_sessions", rounded(1000 * n_incidents, n_sessions, TENTH), n_sessions
    )


# Care plans and escalation ------------------------------------------------------------------


def care_plans_current_pct(prisons, start: dt.date, end: dt.date, *, pairs=None) -> Indicator:
    """Share of supported recipients whose care plan in force at the end of the period (their
    latest version approved by the local authority that starts on or before `end`) is not yet due
    for review (review_due_on on or after `end`), as a percentage to one place (PSI requirement 3).
    People with no plan in force count as not current. Base: supported recipients."""
    in_force = CarePlan.objects.filter(
        recipient=OuterRef("pk"), la_approved_on__isnull=False, starts_on__lte=end
    ).order_by("-version")
    pairs = delivered_pairs(prisons, start, end) if pairs is None else pairs
    supported = sorted({pair.recipient_id for pair in pairs})
    totals = (
        Recipient.objects.filter(pk__in=supported)
        .annotate(review_due=Subquery(in_force.values("review_due_on")[:1]))
        .aggregate(people=Count("pk"), current=Count("pk", filter=Q(review_due__gte=end)))
    )
    return Indicator(
        "care_plans_current_pct", percentage(totals["current"], totals["people"]), totals["people"]
    )


def reviews_overdue(prisons, start: dt.date, end: dt.date) -> Indicator:
    """People supported on `end` whose latest plan's review date has passed without a review
    (RecipientQuerySet.review_overdue). Base: people supported on `end`."""
    people = Recipient.objects.filter(prison__in=prisons)
    return Indicator(
        "reviews_overdue", people.review_overdue(end).count(), people.supported(end).count()
    )


def escalations_due(prisons, start: dt.date, end: dt.date) -> Indicator:
    """People to refer to the local authority on `end` (RecipientQuerySet.escalation_due, PSI
    requirement 12)."""
    n = Recipient.objects.filter(prison__in=prisons).escalation_due(end).count()
    return Indicator("escalations_due", n, n)


# Governance ---------------------------------------------------------------------------------


def _per_prison(prisons, values: dict) -> int | dict:
    """One prison: its value; several: {prison code: value}. `values` is keyed by prison pk."""
    prisons = list(prisons)
    if len(prisons) == 1:
        return values[prisons[0].pk]
    return {prison.code: values[prison.pk] for prison in sorted(prisons, key=lambda p: p.code)}


def psi_requirements_met(prisons, start: dt.date, end: dt.date) -> Indicator:
    """How many of the 13 PSI 17/2015 requirements are met on `end` (governance.compliance); for
    several prisons, by prison code. Base: 13 for each prison. All prisons in the same fixed
    number of queries."""
    prisons = list(prisons)
    met = {
        pk: sum(1 for result in results if result.status == MET)
        for pk, results in psi_compliance_for(prisons, end).items()
    }
    return Indicator(
        "psi_requirements_met", _per_prison(prisons, met), PSI_REQUIREMENT_COUNT * len(prisons)
    )


def governance_model(prisons, start: dt.date, end: dt.date) -> Indicator:
    """The governance model (1 to 6) of the scheme on `end` (governance.classification); for
    several prisons, by prison code. Base: the number of prisons."""
    prisons = list(prisons)
    models = {pk: found.model for pk, found in governance_models_for(prisons, end).items()}
    return Indicator("governance_model", _per_prison(prisons, models), len(prisons))


# --- costs (from each prison's cost template for the financial year holding the period's end) ---

LABOUR = ["buddy_pay", "staff_labour", "external_organisations", "incentives"]
NON_LABOUR = ["non_labour", "training"]


def financial_year_of(day: dt.date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _cost_results(prisons, end: dt.date) -> list:
    from costs.models import CostYear
    from costs.services import cost_reports_for

    years = CostYear.objects.filter(prison__in=prisons, financial_year=financial_year_of(end))
    return list(cost_reports_for(years.order_by("pk")).values())


def _summed(results, names) -> Decimal | None:
    if not results:
        return None
    return sum((r.components[n] for r in results for n in names), Decimal("0")).quantize(
        HUNDREDTH, ROUND_HALF_UP
    )


def labour_cost(prisons, start: dt.date, end: dt.date, *, costs=None) -> Indicator:
    """Labour costs in the financial year holding `end` (DOMAIN.md: staff time, external
    organisation staff, buddy pay and incentives), summed over the prisons with a cost template for
    that year; None when none has one. Base: prisons with a cost template. Missing figures are left
    out, as in the cost report."""
    results = _cost_results(prisons, end) if costs is None else costs
    return Indicator("labour_cost", _summed(results, LABOUR), len(results))


def non_labour_cost(prisons, start: dt.date, end: dt.date, *, costs=None) -> Indicator:
    """Non-labour costs in the financial year holding `end`: materials and other items, and the
    training of buddies. Base: prisons with a cost template for that year."""
    results = _cost_results(prisons, end) if costs is None else costs
    return Indicator("non_labour_cost", _summed(results, NON_LABOUR), len(results))


def funding_sources(prisons, start: dt.date, end: dt.date, *, costs=None) -> Indicator:
    """Who paid, in the financial year holding `end`: the cost total by payer, summed over the
    prisons with a cost template for that year. Base: those prisons."""
    results = _cost_results(prisons, end) if costs is None else costs
    totals: dict[str, Decimal] = {}
    for result in results:
        for payer, amount in result.by_payer.items():
            totals[payer] = totals.get(payer, Decimal("0")) + amount
    return Indicator(
        "funding_sources",
        {
            payer: amount.quantize(HUNDREDTH, ROUND_HALF_UP)
            for payer, amount in sorted(totals.items())
        },
        len(results),
    )


INDICATORS: "OrderedDict[str, Callable[..., Indicator]]" = OrderedDict(
    (function.__name__, function)
    for function in [
        buddies_active,
        buddies_fit_to_work,
        recipients_supported,
        buddy_hours_per_week,
        buddies_trained_pct,
        supervision_sessions,
        buddies_supervised_pct,
        support_by_task,
        recipients_by_need,
        sessions_delivered,
        sessions_missed,
        hours_received_per_recipient,
        sessions_informal,
        applications_received,
        applicants_offered,
        applicants_rejected,
        staff_trained,
        staff_hours,
        incidents,
        incidents_per_1000_sessions,
        care_plans_current_pct,
        reviews_overdue,
        escalations_due,
        psi_requirements_met,
        governance_model,
        labour_cost,
        non_labour_cost,
        funding_sources,
    ]
)


COST_INDICATORS = {"labour_cost", "non_labour_cost", "funding_sources"}
# Indicators worked out from delivered_pairs, which compute_all reads once.
PAIR_INDICATORS = {
    "buddies_active",
    "recipients_supported",
    "buddy_hours_per_week",
    "recipients_by_need",
    "hours_received_per_recipient",
    "care_plans_current_pct",
}
# Indicators read from the daily summary's session totals, which compute_all reads once.
DAILY_INDICATORS = {
    "support_by_task",
    "sessions_delivered",
    "sessions_missed",
    "sessions_informal",
    "incidents_per_1000_sessions",
}

# Indicators whose value depends on the end of the period only (a state on that day, or the
# financial year holding it): periods ending on the same day share them.
END_ONLY = COST_INDICATORS | {
    "buddies_fit_to_work",
    "buddies_trained_pct",
    "staff_trained",
    "reviews_overdue",
    "escalations_due",
    "psi_requirements_met",
    "governance_model",
}


def compute_all(
    prisons, start: dt.date, end: dt.date, *, memo: dict | None = None, keys=None
) -> dict[str, Indicator]:
    """Every indicator for the prisons over the period, in the order of INDICATORS, or only
    those named in `keys`. The cost
    templates are read once for the three cost indicators. Pass the same `memo` dict to several
    calls (a dashboard's periods) and the indicators of END_ONLY are worked out once per end date.
    The daily summary's session totals are read once for the indicators of DAILY_INDICATORS, and
    the delivered sessions by person and buddy once for those of PAIR_INDICATORS."""
    if start > end:
        raise ValueError("The start of the period must be on or before its end")
    prisons = list(prisons)
    memo = {} if memo is None else memo
    whose = tuple(sorted(prison.pk for prison in prisons))
    results = {}
    wanted = set(INDICATORS if keys is None else keys)
    for key, function in INDICATORS.items():
        if key not in wanted:
            continue
        remembered = (key, whose, end)
        if key in END_ONLY and remembered in memo:
            results[key] = memo[remembered]
            continue
        if key in COST_INDICATORS:
            costs_key = ("costs", whose, end)
            if costs_key not in memo:
                memo[costs_key] = _cost_results(prisons, end)
            results[key] = function(prisons, start, end, costs=memo[costs_key])
        elif key in PAIR_INDICATORS:
            pairs_key = ("pairs", whose, start, end)
            if pairs_key not in memo:
                memo[pairs_key] = delivered_pairs(prisons, start, end)
            results[key] = function(prisons, start, end, pairs=memo[pairs_key])
        elif key in DAILY_INDICATORS:
            totals_key = ("daily", whose, start, end)
            if totals_key not in memo:
                memo[totals_key] = daily.session_totals(prisons, start, end)
            results[key] = function(prisons, start, end, totals=memo[totals_key])
        else:
            results[key] = function(prisons, start, end)
        if key in END_ONLY:
            memo[remembered] = results[key]
    return results


LABELS = {
    "buddies_active": "Buddies who gave support",
    "buddies_fit_to_work": "Buddies fit to work at the end",
    "recipients_supported": "People supported",
    "buddy_hours_per_week": "Hours buddies worked a week",
    "buddies_trained_pct": "Active buddies trained (%)",
    "supervision_sessions": "Supervision sessions, by kind",
    "buddies_supervised_pct": "Active buddies supervised (%)",
    "support_by_task": "Sessions by task",
    "recipients_by_need": "People supported, by need",
    "sessions_delivered": "Sessions delivered",
    "sessions_missed": "Sessions missed, by reason",
    "hours_received_per_recipient": "Hours of support per person",
    "sessions_informal": "Sessions of informal help",
    "applications_received": "Applications received",
    "applicants_offered": "Applicants offered the role",
    "applicants_rejected": "Applicants not appointed",
    "staff_trained": "Staff trained on social care or the scheme",
    "staff_hours": "Staff hours on the scheme",
    "incidents": "Incidents, by kind and severity",
    "incidents_per_1000_sessions": "Incidents per 1,000 sessions",
    "care_plans_current_pct": "People with a current approved plan (%)",
    "reviews_overdue": "Care plan reviews overdue",
    "escalations_due": "People to refer to the local authority",
    "psi_requirements_met": "PSI requirements met (of 13)",
    "governance_model": "Governance model (1 to 6)",
    "labour_cost": "Labour costs in the financial year (£)",
    "non_labour_cost": "Non-labour costs in the financial year (£)",
    "funding_sources": "Costs by who paid (£)",
}
