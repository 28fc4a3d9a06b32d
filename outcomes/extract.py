"""The pseudonymised research extract: sessions, care plans, incidents, survey scores, costs and
people for a period, with every person replaced by a keyed pseudonym.

What leaves: codes, the dates of sessions, plans and incidents, minutes, outcomes, tasks, needs,
severity, category, prison codes (prisons are not people), scores and cost figures. What never
leaves: names, prison numbers, dates of birth (an age band at the end of the period instead) and
anything typed as free text (notes, summaries, reasons, who made a best-interests decision,
incident references, the prison's own labels for missed sessions). Where free text matters to
research only as "was there any", it becomes a yes/no column.

Pseudonym: HMAC-SHA256 with the key from PEERCARE_PSEUDONYM_KEY over the prison number (trimmed,
upper case, UTF-8), as hex, first 16 characters. The same person (the same prison number) has the
same pseudonym in every prison and every extract made with the same key.

Each file is read in a fixed number of queries whatever the number of rows (costs: a fixed number
per prison and financial year, through costs.services.cost_report).
"""

import csv
import datetime as dt
import hashlib
import hmac
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Q

from buddies.models import Buddy, Session
from costs.calculation import PENNY
from costs.models import CostYear
from costs.services import cost_report
from governance.models import Incident
from outcomes.models import Answer, Item, Response, Subscale
from outcomes.scoring import InstrumentRule, item_rule, score
from recipients.models import CarePlan, Recipient

KEY_VARIABLE = "PEERCARE_PSEUDONYM_KEY"
MIN_KEY_LENGTH = 32
PSEUDONYM_LENGTH = 16
PSEUDONYM_METHOD = (
    f"HMAC-SHA256 keyed with the secret in the environment variable {KEY_VARIABLE} (not recorded "
    "here), over the prison number trimmed and in upper case, encoded as UTF-8; the hex digest's "
    f"first {PSEUDONYM_LENGTH} characters. Stable across extracts and prisons for the same key."
)
AGE_BAND_METHOD = (
    "Age in whole years on the last day of the period, from the date of birth, as a band: "
    "under 18, 18-24, 25-34, 35-44, 45-54, 55-64, 65-74, 75+; unknown when no date of birth is "
    "recorded (buddies have none)."
)
UNKNOWN = "unknown"
BATCH = 5000


class KeyMissing(Exception):
    """PEERCARE_PSEUDONYM_KEY is not set, or too short to be a secret."""


def pseudonym_key(environ=None) -> bytes:
    """The key from the environment; KeyMissing when it is absent or shorter than 32 characters."""
    value = (os.environ if environ is None else environ).get(KEY_VARIABLE, "")
    if not value:
        raise KeyMissing(f"{KEY_VARIABLE} is not set: the extract needs a pseudonymisation key")
    if len(value) < MIN_KEY_LENGTH:
        raise KeyMissing(
            f"{KEY_VARIABLE} is too short: it must be at least {MIN_KEY_LENGTH} characters"
        )
    return value.encode("utf-8")


def pseudonym(key: bytes, prison_number: str) -> str:
    """The person's pseudonym, or "" when there is no prison number."""
    number = (prison_number or "").strip().upper()
    if not number:
        return ""
    digest = hmac.new(key, number.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_LENGTH]


AGE_BANDS = [(75, "75+"), (65, "65-74"), (55, "55-64"), (45, "45-54"), (35, "35-44")]
AGE_BANDS += [(25, "25-34"), (18, "18-24"), (0, "under 18")]


def age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_band(born: dt.date | None, on: dt.date) -> str:
    if born is None or born > on:
        return UNKNOWN
    age = age_on(born, on)
    return next(label for lowest, label in AGE_BANDS if age >= lowest)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _codes(values: Iterable[str]) -> str:
    return ";".join(sorted(values))


@dataclass
class Extract:
    """What one extract covers; `key` is never written anywhere."""

    key: bytes = field(repr=False)
    date_from: dt.date
    date_to: dt.date
    prisons: list  # Prison objects

    def pseudonym(self, prison_number: str) -> str:
        return pseudonym(self.key, prison_number)

    # --- sessions ---------------------------------------------------------------------------

    def sessions(self) -> Iterator[dict]:
        """Sessions dated in the period, in batches: 1 query for the sessions (streamed) and 1 per
        5,000 sessions for their tasks."""
        through = Session.tasks.through
        rows = (
            Session.objects.filter(prison__in=self.prisons, date__range=self.period)
            .select_related("prison", "buddy", "recipient", "missed_reason")
            .order_by("prison__code", "date", "period", "pk")
        )
        batch: list[Session] = []

        def flush():
            tasks: dict[int, list[str]] = {}
            for session_id, task_id in through.objects.filter(
                session_id__in=[session.pk for session in batch]
            ).values_list("session_id", "task_id"):
                tasks.setdefault(session_id, []).append(task_id)
            for session in batch:
                formal = session.buddy_id is not None
                yield {
                    "prison_code": session.prison.code,
                    "date": session.date,
                    "period": session.period,
                    "helper_pseudonym": self.pseudonym(
                        session.buddy.prison_number if formal else session.helper_prison_number
                    ),
                    "helper_kind": "buddy" if formal else "informal_helper",
                    "recipient_pseudonym": self.pseudonym(session.recipient.prison_number),
                    "minutes": session.minutes,
                    "tasks": _codes(tasks.get(session.pk, [])),
                    "outcome": session.outcome,
                    "missed_reason": (
                        session.missed_reason.maps_to if session.missed_reason_id else ""
                    ),
                    "informal": session.informal,
                    "paid": session.paid,
                    "tasks_off_plan_explained": bool(session.off_plan_reason.strip()),
                }

        for session in rows.iterator(chunk_size=BATCH):
            batch.append(session)
            if len(batch) == BATCH:
                yield from flush()
                batch = []
        if batch:
            yield from flush()

    # --- care plans ---------------------------------------------------------------------------

    def care_plans(self) -> Iterator[dict]:
        """Plans in force during the period: starting by its end and due for review at or after
        its start. 2 queries."""
        plans = (
            CarePlan.objects.filter(
                recipient__prison__in=self.prisons,
                starts_on__lte=self.date_to,
                review_due_on__gte=self.date_from,
            )
            .select_related("recipient__prison")
            .prefetch_related("tasks")
            .order_by("recipient__prison__code", "starts_on", "version", "pk")
        )
        for plan in plans:
            yield {
                "prison_code": plan.recipient.prison.code,
                "recipient_pseudonym": self.pseudonym(plan.recipient.prison_number),
                "version": plan.version,
                "state": plan.state,
                "starts_on": plan.starts_on,
                "review_due_on": plan.review_due_on,
                "tasks": _codes(task.pk for task in plan.tasks.all()),
                "capacity_at_agreement": plan.capacity_at_agreement,
                "agreed_with_recipient_on": plan.agreed_with_recipient_on,
                "agreed_with_buddy_on": plan.agreed_with_buddy_on,
                "best_interests_decision_recorded": bool(plan.best_interests_decision_by.strip()),
                "boundaries_explained_on": plan.boundaries_explained_on,
                "la_approved_on": plan.la_approved_on,
                "reviewed_on": plan.reviewed_on,
            }

    # --- incidents ---------------------------------------------------------------------------

    def incidents(self) -> Iterator[dict]:
        """Incidents that happened in the period, without their reference or any text. 1 query."""
        incidents = (
            Incident.objects.filter(prison__in=self.prisons, occurred_on__range=self.period)
            .select_related("prison", "buddy", "recipient")
            .order_by("prison__code", "occurred_on", "pk")
        )
        for incident in incidents:
            yield {
                "prison_code": incident.prison.code,
                "occurred_on": incident.occurred_on,
                "category": incident.category_id,
                "severity": incident.severity,
                "buddy_pseudonym": (
                    self.pseudonym(incident.buddy.prison_number) if incident.buddy_id else ""
                ),
                "recipient_pseudonym": (
                    self.pseudonym(incident.recipient.prison_number)
                    if incident.recipient_id
                    else ""
                ),
                "status": incident.status,
                "safeguarding_referral_on": incident.safeguarding_referral_on,
                "closed_on": incident.closed_on,
            }

    # --- survey scores -----------------------------------------------------------------------

    def _instrument_rules(self, instruments) -> dict[int, InstrumentRule]:
        """The scoring rules of these instruments in 2 queries, built as
        outcomes.scoring.instrument_rule builds them one instrument at a time."""
        subscales: dict[int, list[tuple[str, str]]] = {}
        for row in (
            Subscale.objects.filter(instrument__in=instruments)
            .order_by("instrument", "order", "code")
            .values_list("instrument_id", "code", "name")
        ):
            subscales.setdefault(row[0], []).append((row[1], row[2]))
        items: dict[int, list] = {}
        for row in (
            Item.objects.filter(instrument__in=instruments)
            .order_by("instrument", "number")
            .values("instrument_id", "number", "subscale__code", "scale", "reverse_scored")
        ):
            items.setdefault(row["instrument_id"], []).append(
                item_rule(
                    number=row["number"],
                    subscale=row["subscale__code"],
                    scale=row["scale"],
                    reverse_scored=row["reverse_scored"],
                )
            )
        return {
            instrument.pk: InstrumentRule(
                scoring_rule=instrument.scoring_rule,
                min_share_answered=instrument.min_share_answered,
                subscales=tuple(subscales.get(instrument.pk, [])),
                items=tuple(items.get(instrument.pk, [])),
            )
            for instrument in instruments
        }

    def survey_scores(self) -> Iterator[dict]:
        """A row per subscale and overall for each response answered in the period (scored by
        outcomes.scoring.score, the rules score_response applies), one row without scores for a
        declined response, with its survey wave (0 for the baseline, then 1, 2, ...). Responses
        are numbered within the extract. 4 queries."""
        responses = list(
            Response.objects.filter(prison__in=self.prisons, answered_on__range=self.period)
            .select_related("prison", "wave", "instrument", "buddy", "recipient")
            .order_by("prison__code", "answered_on", "pk")
        )
        instruments = {response.instrument_id: response.instrument for response in responses}
        rules = self._instrument_rules(list(instruments.values())) if responses else {}
        answers: dict[int, dict[int, int | None]] = {}
        if responses:
            for response_id, number, value in Answer.objects.filter(
                response__prison__in=self.prisons, response__answered_on__range=self.period
            ).values_list("response_id", "item__number", "value"):
                answers.setdefault(response_id, {})[number] = value
        for counter, response in enumerate(responses, start=1):
            person = response.buddy or response.recipient
            common = {
                "response": counter,
                "pseudonym": self.pseudonym(person.prison_number) if person else "",
                "audience": response.audience,
                "prison_code": response.prison.code,
                "wave": response.wave.number,
                "instrument": response.instrument.code,
                "instrument_version": response.instrument.version,
                "answered_on": response.answered_on,
                "declined": response.declined,
            }
            if response.declined:
                yield {**common, "subscale": "", "score": None, "items_answered": 0}
                continue
            result = score(
                rules[response.instrument_id], answers.get(response.pk, {}), declined=False
            )
            for item in [*result.subscales.values(), result.overall]:
                yield {
                    **common,
                    "subscale": item.code,
                    "score": item.score,
                    "items_answered": item.items_answered,
                    "items_in_subscale": item.items_in_subscale,
                }

    # --- costs --------------------------------------------------------------------------------

    def financial_years(self) -> list[str]:
        """The financial years (April to March) that overlap the period."""
        first = self.date_from.year - (1 if self.date_from.month < 4 else 0)
        last = self.date_to.year - (1 if self.date_to.month < 4 else 0)
        return [f"{year}-{(year + 1) % 100:02d}" for year in range(first, last + 1)]

    def costs(self) -> Iterator[dict]:
        """A row per cost component, then the total and the total without training, for each
        prison's cost year that overlaps the period (costs.services.cost_report)."""
        years = CostYear.objects.filter(
            prison__in=self.prisons, financial_year__in=self.financial_years()
        ).select_related("prison")
        for cost_year in sorted(years, key=lambda c: (c.prison.code, c.financial_year)):
            report = cost_report(cost_year)
            common = {
                "prison_code": cost_year.prison.code,
                "financial_year": cost_year.financial_year,
                "source_of_buddy_pay": report.source_of_buddy_pay,
                "source_of_staff_time": report.source_of_staff_time,
            }
            figures = [*report.components.items(), ("total", report.total)]
            figures.append(("total_excluding_training", report.total_excluding_training))
            for figure, amount in figures:
                yield {**common, "figure": figure, "amount": amount.quantize(PENNY)}

    # --- people -------------------------------------------------------------------------------

    def people(self) -> Iterator[dict]:
        """Every buddy and person supported in the prisons who is active in the period or
        appears in another file, and every informal helper named by a session in the period:
        pseudonym, prison, role and what is not identifying. 4 queries."""
        period = self.period
        sessions = Session.objects.filter(prison__in=self.prisons, date__range=period)
        incidents = Incident.objects.filter(prison__in=self.prisons, occurred_on__range=period)
        responses = Response.objects.filter(prison__in=self.prisons, answered_on__range=period)
        plans = CarePlan.objects.filter(
            recipient__prison__in=self.prisons,
            starts_on__lte=self.date_to,
            review_due_on__gte=self.date_from,
        )
        recipients = (
            Recipient.objects.filter(prison__in=self.prisons)
            .filter(
                Q(
                    Q(support_started_on__isnull=True) | Q(support_started_on__lte=self.date_to),
                    Q(support_ended_on__isnull=True) | Q(support_ended_on__gte=self.date_from),
                )
                | Q(pk__in=sessions.values("recipient_id"))
                | Q(pk__in=incidents.values("recipient_id"))
                | Q(pk__in=responses.values("recipient_id"))
                | Q(pk__in=plans.values("recipient_id"))
            )
            .select_related("prison")
            .prefetch_related("needs")
        )
        buddies = (
            Buddy.objects.filter(prison__in=self.prisons)
            .filter(
                Q(
                    Q(applied_on__isnull=True) | Q(applied_on__lte=self.date_to),
                    Q(ended_on__isnull=True) | Q(ended_on__gte=self.date_from),
                )
                | Q(pk__in=sessions.values("buddy_id"))
                | Q(pk__in=incidents.values("buddy_id"))
                | Q(pk__in=responses.values("buddy_id"))
            )
            .select_related("prison")
        )
        rows = []
        for person in recipients:
            rows.append(
                {
                    "pseudonym": self.pseudonym(person.prison_number),
                    "prison_code": person.prison.code,
                    "role": "recipient",
                    "age_band": age_band(person.date_of_birth, self.date_to),
                    "needs": _codes(need.pk for need in person.needs.all()),
                    "mental_capacity": person.mental_capacity,
                    "formal_care": person.formal_care,
                    "la_outcome": person.la_outcome,
                    "started_on": person.support_started_on,
                    "ended_on": person.support_ended_on,
                    "end_reason": person.end_reason,
                }
            )
        for buddy in buddies:
            rows.append(
                {
                    "pseudonym": self.pseudonym(buddy.prison_number),
                    "prison_code": buddy.prison.code,
                    "role": "buddy",
                    "age_band": UNKNOWN,
                    "status": buddy.status,
                    "started_on": buddy.started_on,
                    "ended_on": buddy.ended_on,
                    "end_reason": buddy.end_reason,
                }
            )
        helpers = (
            sessions.filter(buddy__isnull=True)
            .exclude(helper_prison_number="")
            .values_list("prison__code", "helper_prison_number")
            .distinct()
        )
        for prison_code, number in set(helpers):
            rows.append(
                {
                    "pseudonym": self.pseudonym(number),
                    "prison_code": prison_code,
                    "role": "informal_helper",
                    "age_band": UNKNOWN,
                }
            )
        rows.sort(key=lambda row: (row["prison_code"], row["role"], row["pseudonym"]))
        yield from rows

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return (self.date_from, self.date_to)


@dataclass(frozen=True)
class FileSpec:
    filename: str
    columns: tuple[str, ...]
    rows: Callable[[Extract], Iterable[dict]]


FILES = [
    FileSpec(
        "sessions.csv",
        (
            "prison_code",
            "date",
            "period",
            "helper_pseudonym",
            "helper_kind",
            "recipient_pseudonym",
            "minutes",
            "tasks",
            "outcome",
            "missed_reason",
            "informal",
            "paid",
            "tasks_off_plan_explained",
        ),
        Extract.sessions,
    ),
    FileSpec(
        "care_plans.csv",
        (
            "prison_code",
            "recipient_pseudonym",
            "version",
            "state",
            "starts_on",
            "review_due_on",
            "tasks",
            "capacity_at_agreement",
            "agreed_with_recipient_on",
            "agreed_with_buddy_on",
            "best_interests_decision_recorded",
            "boundaries_explained_on",
            "la_approved_on",
            "reviewed_on",
        ),
        Extract.care_plans,
    ),
    FileSpec(
        "incidents.csv",
        (
            "prison_code",
            "occurred_on",
            "category",
            "severity",
            "buddy_pseudonym",
            "recipient_pseudonym",
            "status",
            "safeguarding_referral_on",
            "closed_on",
        ),
        Extract.incidents,
    ),
    FileSpec(
        "survey_scores.csv",
        (
            "response",
            "pseudonym",
            "audience",
            "prison_code",
            "wave",
            "instrument",
            "instrument_version",
            "answered_on",
            "declined",
            "subscale",
            "score",
            "items_answered",
            "items_in_subscale",
        ),
        Extract.survey_scores,
    ),
    FileSpec(
        "costs.csv",
        (
            "prison_code",
            "financial_year",
            "source_of_buddy_pay",
            "source_of_staff_time",
            "figure",
            "amount",
        ),
        Extract.costs,
    ),
    FileSpec(
        "people.csv",
        (
            "pseudonym",
            "prison_code",
            "role",
            "age_band",
            "needs",
            "mental_capacity",
            "formal_care",
            "la_outcome",
            "status",
            "started_on",
            "ended_on",
            "end_reason",
        ),
        Extract.people,
    ),
]


def write_csv(path, spec: FileSpec, extract: Extract) -> int:
    """Write one file (UTF-8, `\\n` line endings, header first); the number of data rows.

    Cells are not quoted against formula injection (common.spreadsheet), unlike the CSV files
    made for people: these are read by statistical software (R, Stata, SPSS, pandas), which would
    keep the quote as part of the value and turn a figure into text. Nor is there free text to
    quote: the extract holds only codes, dates, figures and pseudonyms."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(spec.columns)
        for row in spec.rows(extract):
            writer.writerow([_text(row.get(column)) for column in spec.columns])
            count += 1
    return count
