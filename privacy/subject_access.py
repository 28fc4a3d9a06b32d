"""Subject access: everything PeerCare holds about one person, found by prison number, written
as JSON and as a PDF by `manage.py subject_access_export`.

What it holds about them, in any prison: their buddy records and records as a person supported;
pay rates, training and supervision (as a buddy); care plans, every version with its reviews (as a
person supported); assignments, sessions they gave, received or helped with informally, incidents
naming them, and survey responses with every answer and the scores. Each record comes with its
whole history (every version django-simple-history kept), and records since deleted whose history
is still kept are listed too, from that history. Then who has viewed or downloaded these records,
from the audit log (kept 2 years): when, what, by whom (by role) and which record.

Other people are never disclosed:
- another prisoner in one of these records (the other side of a session or assignment, others in
  a group supervision, the other person in an incident) is given as "another person": never a
  name, a prison number or a record of theirs;
- staff are given by their role ("Social care lead"), not by name;
- a field whose whole content is someone else's name (who made a best-interests decision, a
  supervisor not on record) is given as "another person";
- free text (notes, reasons, review comments, what happened in an incident) is the person's data
  but may mention others: every prison number but theirs, and every name PeerCare holds for anyone
  else (other prisoners, staff, users) that is not also part of their own name, is replaced by
  "[another person]", and each record lists the fields where that was done. Free text can also
  point at someone in words no check can find ("his cellmate"): the export says so, and whoever
  sends it reads the free text first.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import get_m2m_reverse_field_name

from accounts.constants import Role
from accounts.models import User
from audit.constants import AuditKind, ObjectType
from audit.selectors import about_buddies, about_recipients, reads_of
from buddies.models import Buddy, PayRate, Session
from common.formatting import govuk_date, govuk_datetime
from common.history import ACTIONS
from governance.models import (
    Incident,
    LocalAuthority,
    Prison,
    ReferenceCode,
    StaffMember,
    Supervision,
    TrainingModule,
    TrainingRecord,
)
from outcomes.models import Answer, Instrument, Item, Response, SurveyWave
from outcomes.scoring import Score, score_response
from recipients.models import Assignment, CarePlan, PlanReview, Recipient

FORMAT_VERSION = 1
ANOTHER_PERSON = "another person"
REMOVED = "[another person]"
SINCE_DELETED = "a record since deleted"
NO_USER = "PeerCare (no one signed in: an import or a maintenance task)"
CURRENT, DELETED = "current", "deleted"
AS_SHOWN = "The values shown above"

# Internal keys and the edit counter (common/versioning.py) mean nothing to the person.
LEFT_OUT = {"id", "row_version"}
# Free text that is not a TextField.
FREE_TEXT = {(Buddy, "rejection_reason"), (Session, "off_plan_reason")}
# Fields whose whole content is somebody else's name.
SOMEONE_ELSES_NAME = {(CarePlan, "best_interests_decision_by"), (Supervision, "supervisor_name")}
PRISON_NUMBERS = {"prison_number", "helper_prison_number"}

PRISON_NUMBER_IN_TEXT = re.compile(r"\b[A-Za-z]\d{4}[A-Za-z]{2}\b")
WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")

NOTES = {
    "other_people": (
        "Other people in these records (the other side of a session or assignment, others in a "
        "group supervision or an incident) are shown only as 'another person'. Staff are shown "
        "by their role, not by name."
    ),
    "free_text": (
        "Notes, reasons, comments and incident descriptions were written by staff. Prison "
        "numbers other than this person's, and names PeerCare holds for anyone else, have been "
        "replaced by '[another person]'; each record lists where under "
        "other_people_removed_from. Free text can still point at someone in other words: read "
        "it before sending this export."
    ),
    "history": (
        "Each record's history lists every version kept, oldest first: when, what happened "
        "(created, changed or deleted), who (by role) and the values then. Records since "
        "deleted whose history is still kept are included from that history."
    ),
    "record_views": (
        "record_views lists, newest first, each time someone viewed or downloaded one of these "
        "records (on a page, as a file or through the API), as the audit log kept it for 2 "
        "years: when, what, who by role, and which record."
    ),
}

# The audit log's kinds of record, as the models this export describes them with.
AUDITED_MODELS = {
    ObjectType.RECIPIENT: Recipient,
    ObjectType.BUDDY: Buddy,
    ObjectType.CARE_PLAN: CarePlan,
    ObjectType.INCIDENT: Incident,
    ObjectType.ASSIGNMENT: Assignment,
    ObjectType.SESSION: Session,
    ObjectType.SURVEY_RESPONSE: Response,
}


class NothingHeld(Exception):
    """No record, current or in history, has this prison number."""


def _words(text: str) -> set[str]:
    return {word for word in WORD.findall(text or "") if len(word) > 1}


class Redactor:
    """Takes other people out of free text (see the module's docstring)."""

    def __init__(self, *, prison_number: str, own_names: set[str], other_names: set[str]):
        self.prison_number = prison_number
        self.names = other_names - own_names

    @classmethod
    def for_subject(cls, prison_number: str) -> "Redactor":
        own, others = set(), set()
        for model in [Buddy, Recipient, Buddy.history.model, Recipient.history.model]:
            rows = model._default_manager.values_list("prison_number", "given_name", "family_name")
            for number, given, family in rows.distinct():
                (own if number == prison_number else others).update(_words(f"{given} {family}"))
        for name in StaffMember.objects.values_list("name", flat=True).distinct():
            others |= _words(name)
        for first, last in User.objects.values_list("first_name", "last_name").distinct():
            others |= _words(f"{first} {last}")
        return cls(prison_number=prison_number, own_names=own, other_names=others)

    def __call__(self, text: str) -> tuple[str, bool]:
        removed = False

        def number(match):
            nonlocal removed
            if match[0].upper() == self.prison_number:
                return match[0]
            removed = True
            return REMOVED

        def word(match):
            nonlocal removed
            if match[0] in self.names:
                removed = True
                return REMOVED
            return match[0]

        text = PRISON_NUMBER_IN_TEXT.sub(number, text)
        return WORD.sub(word, text), removed


@dataclass
class Version:
    """One row of a record's history."""

    at: dt.datetime
    action: str
    by: str
    reason: str
    values: dict[str, Any]

    def as_json(self) -> dict:
        return {"at": self.at, "action": self.action, "by": self.by, "reason": self.reason} | {
            "values": self.values
        }


@dataclass
class Entry:
    """One record: its values now (or, deleted, in its last version) and its history."""

    title: str
    status: str
    model: type[models.Model]
    pk: int
    values: dict[str, Any]
    removed: list[str]
    history: list[Version]
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "status": self.status,
            "values": self.values,
            "other_people_removed_from": self.removed,
            "history": [version.as_json() for version in self.history],
            **self.extra,
        }


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    entries: list[Entry]


class SubjectAccess:
    """Finds and describes everything held about the person with one prison number."""

    def __init__(self, prison_number: str):
        self.prison_number = prison_number
        self.buddy_ids = self._own_ids(Buddy)
        self.recipient_ids = self._own_ids(Recipient)
        helped = Session.objects.filter(helper_prison_number=prison_number).exists() or (
            Session.history.model.objects.filter(helper_prison_number=prison_number).exists()
        )
        if not (self.buddy_ids or self.recipient_ids or helped):
            raise NothingHeld(prison_number)
        self.redact = Redactor.for_subject(prison_number)
        self._cache: dict[tuple[type, int], models.Model | None] = {}
        self._own = {}
        for model, ids, role in [
            (Buddy, self.buddy_ids, "a buddy"),
            (Recipient, self.recipient_ids, "a person supported"),
        ]:
            prisons = dict(model._default_manager.filter(pk__in=ids).values_list("pk", "prison"))
            history = model.history.model.objects.filter(id__in=ids - set(prisons))
            prisons |= dict(history.values_list("id", "prison"))
            for pk in ids:
                self._own[model, pk] = f"this person, as {role} at {self.prison(prisons[pk])}"

    def _own_ids(self, model) -> set[int]:
        """Their records now, and their records since deleted whose history is kept."""
        live = set(
            model.objects.filter(prison_number=self.prison_number).values_list("pk", flat=True)
        )
        in_history = set(
            model.history.model.objects.filter(prison_number=self.prison_number).values_list(
                "id", flat=True
            )
        )
        # A record whose number was corrected to someone else's is theirs, not this person's.
        now_elsewhere = set(
            model.objects.filter(pk__in=in_history - live).values_list("pk", flat=True)
        )
        return live | (in_history - now_elsewhere)

    # --- Describing values ---

    def _get(self, model, pk):
        if (model, pk) not in self._cache:
            self._cache[model, pk] = model._default_manager.filter(pk=pk).first()
        return self._cache[model, pk]

    def prison(self, pk) -> str:
        prison = self._get(Prison, pk)
        return f"{prison.name} ({prison.code})" if prison else SINCE_DELETED

    def user(self, pk) -> str:
        if pk is None:
            return NO_USER
        user = self._get(User, pk)
        return (user.get_role_display() or "A member of staff") if user else "A member of staff"

    def link(self, model, pk) -> str | None:
        """What a foreign key points at, without naming anyone else."""
        if pk is None:
            return None
        if model in (Buddy, Recipient):
            return self._own.get((model, pk), ANOTHER_PERSON)
        if model is Prison:
            return self.prison(pk)
        if model is User:
            return self.user(pk)
        obj = self._get(model, pk)
        if obj is None:
            return SINCE_DELETED
        if model is StaffMember:
            return f"a member of staff ({self.redact(obj.role)[0]})"
        if model is CarePlan:
            return f"version {obj.version}"
        if model is SurveyWave:
            return obj.label
        if model is Item:
            return f"question {obj.number}"
        if model in (Instrument, LocalAuthority) or issubclass(model, ReferenceCode):
            return str(obj)
        if model._meta.label == "buddies.MissedReason":
            return obj.label
        return "a related record"

    def value(self, model, model_field, raw) -> tuple[Any, bool]:
        """A field's value as the person is shown it, and whether someone else was taken out."""
        if raw is None or raw == "":
            return raw, False
        if model_field.is_relation:
            return self.link(model_field.related_model, raw), False
        if model_field.name in PRISON_NUMBERS:
            return (raw, False) if raw == self.prison_number else (ANOTHER_PERSON, True)
        if (model, model_field.name) in SOMEONE_ELSES_NAME:
            return ANOTHER_PERSON, True
        if isinstance(model_field, models.TextField) or (model, model_field.name) in FREE_TEXT:
            return self.redact(raw)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(raw, raw)), False
        return raw, False

    def values(self, model, row, *, historical: bool) -> tuple[dict, list[str]]:
        values, removed = {}, []
        for model_field in model._meta.concrete_fields:
            if model_field.name in LEFT_OUT:
                continue
            value, taken_out = self.value(model, model_field, getattr(row, model_field.attname))
            values[model_field.name] = value
            if taken_out:
                removed.append(model_field.name)
        for model_field in model._meta.many_to_many:
            if historical:
                if model_field.name not in {f.name for f in row._history_m2m_fields}:
                    continue
                target = f"{get_m2m_reverse_field_name(model_field)}_id"
                pks = [getattr(link, target) for link in getattr(row, model_field.name).all()]
            else:
                pks = list(getattr(row, model_field.name).values_list("pk", flat=True))
            values[model_field.name] = sorted(
                self.link(model_field.related_model, pk) for pk in pks
            )
        return values, removed

    def history(self, model, rows) -> list[Version]:
        versions = []
        for row in rows:
            values, _removed = self.values(model, row, historical=True)
            reason = self.redact(row.history_change_reason or "")[0]
            versions.append(
                Version(
                    at=row.history_date,
                    action=ACTIONS[row.history_type],
                    by=self.user(row.history_user_id),
                    reason=reason,
                    values=values,
                )
            )
        return versions

    # --- Finding records ---

    def entries(self, model, live: models.QuerySet, in_history: set[int], title) -> list[Entry]:
        """The live records, then those since deleted that the history names (`in_history`)."""
        live = list(live)
        live_ids = {obj.pk for obj in live}
        still_there = set(
            model._default_manager.filter(pk__in=in_history - live_ids).values_list("pk", flat=True)
        )
        deleted_ids = in_history - live_ids - still_there
        by_id: dict[int, list] = {}
        rows = model.history.model.objects.filter(id__in=live_ids | deleted_ids).order_by(
            "history_date", "history_id"
        )
        for row in rows:
            by_id.setdefault(row.id, []).append(row)
        entries = []
        for obj in live:
            values, removed = self.values(model, obj, historical=False)
            history = self.history(model, by_id.get(obj.pk, []))
            entries.append(Entry(title(obj), CURRENT, model, obj.pk, values, removed, history))
        for pk in sorted(deleted_ids, key=lambda pk: (by_id[pk][-1].history_date, pk)):
            last = by_id[pk][-1]
            values, removed = self.values(model, last, historical=True)
            history = self.history(model, by_id[pk])
            entries.append(Entry(title(last), DELETED, model, pk, values, removed, history))
        return entries

    def _history_ids(self, model, condition: Q) -> set[int]:
        return set(model.history.model.objects.filter(condition).values_list("id", flat=True))

    def sections(self) -> list[Section]:
        buddies, recipients = self.buddy_ids, self.recipient_ids
        as_buddy = Q(buddy_id__in=buddies)
        as_either = Q(buddy_id__in=buddies) | Q(recipient_id__in=recipients)
        in_sessions = as_either | Q(helper_prison_number=self.prison_number)
        supervised = set(
            Supervision.buddies.through.objects.filter(buddy_id__in=buddies).values_list(
                "supervision_id", flat=True
            )
        )

        sections = [
            Section(
                "buddy_records",
                "Buddy records",
                self.entries(
                    Buddy,
                    Buddy.objects.filter(pk__in=buddies).order_by("applied_on", "pk"),
                    buddies,
                    lambda b: f"Buddy at {self.prison(b.prison_id)}",
                ),
            ),
            Section(
                "recipient_records",
                "Records as a person supported",
                self.entries(
                    Recipient,
                    Recipient.objects.filter(pk__in=recipients).order_by(
                        "support_started_on", "pk"
                    ),
                    recipients,
                    lambda r: f"Person supported at {self.prison(r.prison_id)}",
                ),
            ),
            Section(
                "pay_rates",
                "Pay rates",
                self.entries(
                    PayRate,
                    PayRate.objects.filter(as_buddy).order_by("effective_from", "pk"),
                    self._history_ids(PayRate, as_buddy),
                    lambda p: f"Pay rate from {govuk_date(p.effective_from)}",
                ),
            ),
            Section(
                "training_records",
                "Training",
                self.entries(
                    TrainingRecord,
                    TrainingRecord.objects.filter(as_buddy).order_by("completed_on", "pk"),
                    self._history_ids(TrainingRecord, as_buddy),
                    lambda t: (
                        f"{self.link(TrainingModule, t.module_id)} completed {govuk_date(t.completed_on)}"
                    ),
                ),
            ),
            Section(
                "supervisions",
                "Supervision",
                self.entries(
                    Supervision,
                    Supervision.objects.filter(pk__in=supervised).order_by("date", "pk"),
                    self._supervisions_in_history(),
                    lambda s: f"Supervision on {govuk_date(s.date)} at {self.prison(s.prison_id)}",
                ),
            ),
            Section(
                "care_plans",
                "Care plans",
                self.entries(
                    CarePlan,
                    CarePlan.objects.filter(recipient_id__in=recipients).order_by(
                        "recipient_id", "version"
                    ),
                    self._history_ids(CarePlan, Q(recipient_id__in=recipients)),
                    lambda c: (
                        f"Care plan version {c.version}, {self.link(Recipient, c.recipient_id)}"
                    ),
                ),
            ),
            Section(
                "assignments",
                "Buddy support (assignments)",
                self.entries(
                    Assignment,
                    Assignment.objects.filter(as_either).order_by("started_on", "pk"),
                    self._history_ids(Assignment, as_either),
                    lambda a: f"Buddy support from {govuk_date(a.started_on)}",
                ),
            ),
            Section(
                "sessions",
                "Sessions",
                self.entries(
                    Session,
                    Session.objects.filter(in_sessions).order_by("date", "period", "pk"),
                    self._history_ids(Session, in_sessions),
                    lambda s: f"Session on {govuk_date(s.date)} at {self.prison(s.prison_id)}",
                ),
            ),
            Section(
                "incidents",
                "Incidents",
                self.entries(
                    Incident,
                    Incident.objects.filter(as_either).order_by("occurred_on", "pk"),
                    self._history_ids(Incident, as_either),
                    lambda i: (
                        f"Incident on {govuk_date(i.occurred_on)} at {self.prison(i.prison_id)}"
                    ),
                ),
            ),
            Section(
                "survey_responses",
                "Survey responses",
                self.entries(
                    Response,
                    Response.objects.filter(as_either).order_by("answered_on", "pk"),
                    self._history_ids(Response, as_either),
                    lambda r: (
                        f"{self.link(Instrument, r.instrument_id)}, answered on {govuk_date(r.answered_on)}"
                    ),
                ),
            ),
        ]
        for section in sections:
            for entry in section.entries:
                if entry.model is CarePlan:
                    entry.extra["reviews"] = self._reviews(entry)
                if entry.model is Response:
                    entry.extra.update(self._answers(entry))
        return sections

    def _supervisions_in_history(self) -> set[int]:
        """Supervisions whose history lists one of their buddy records."""
        through_history = Supervision.history.model.buddies.model
        return set(
            through_history.objects.filter(buddy_id__in=self.buddy_ids).values_list(
                "supervision_id", flat=True
            )
        )

    def _reviews(self, entry: Entry) -> list[dict]:
        """A care plan version's review trail (kept with the plan; it has no history of its own)."""
        reviews = []
        for review in PlanReview.objects.filter(plan_id=entry.pk).order_by("at", "pk"):
            comments, removed = self.redact(review.comments)
            reviews.append(
                {
                    "at": review.at,
                    "action": review.get_action_display(),
                    "by": self.user(review.by_id),
                    "comments": comments,
                    "other_people_removed": removed,
                }
            )
        return reviews

    def _answers(self, entry: Entry) -> dict:
        """A response's answers with the questions, its scores, and the answers' history."""
        answers, scores = [], None
        if entry.status == CURRENT:
            response = Response.objects.select_related("instrument").get(pk=entry.pk)
            for answer in response.answers.select_related("item").order_by("item__number"):
                labels = dict(answer.item.scale)
                answers.append(
                    {
                        "question": answer.item.number,
                        "text": answer.item.text,
                        "value": answer.value,
                        "answer": labels.get(answer.value, "Not answered"),
                    }
                )
            result = score_response(response)
            scores = {
                "declined": result.declined,
                "overall": score_json(result.overall),
                "subscales": [score_json(score) for score in result.subscales.values()],
            }
        history = Answer.history.model.objects.filter(response_id=entry.pk).order_by(
            "history_date", "history_id"
        )
        return {
            "answers": answers,
            "scores": scores,
            "answer_history": [version.as_json() for version in self.history(Answer, history)],
        }

    # --- Who has viewed them ---

    def _viewed_record(self, object_type: str, pk: int) -> str:
        """Which of their records an audit event is about, without naming anyone else."""
        model = AUDITED_MODELS[object_type]
        if model in (Buddy, Recipient):
            return self.link(model, pk)
        label = ObjectType(object_type).label
        record = self._get(model, pk)
        if record is None:
            return f"{label}, {SINCE_DELETED}"
        if model is CarePlan:
            return f"{label} version {record.version}"
        if model is Incident:
            return f"{label} on {govuk_date(record.occurred_on)} at {self.prison(record.prison_id)}"
        if model is Session:
            return f"{label} on {govuk_date(record.date)} at {self.prison(record.prison_id)}"
        if model is Assignment:
            return f"{label} from {govuk_date(record.started_on)}"
        return f"{label} answered on {govuk_date(record.answered_on)}"

    def record_views(self) -> list[dict]:
        """Each read of their records in the audit log, newest first: staff by role."""
        events = reads_of(
            about_recipients(self.recipient_ids) | about_buddies(self.buddy_ids)
        ).filter(object_type__in=AUDITED_MODELS)
        views = []
        for event in events:
            view = {
                "at": event.at,
                "what": AuditKind(event.kind).label,
                "by": Role(event.role).label if event.role in Role.values else "A member of staff",
                "record": self._viewed_record(event.object_type, event.object_id),
            }
            if event.detail.get("filename"):
                view["file"] = self.redact(event.detail["filename"])[0]
            views.append(view)
        return views

    def export(self, sections: list[Section], *, produced_at: dt.datetime) -> dict:
        """Everything, as the JSON file holds it (dates and times still as Python values)."""
        return {
            "export": {
                "title": "PeerCare subject access export",
                "format_version": FORMAT_VERSION,
                "prison_number": self.prison_number,
                "produced_at": produced_at,
                **NOTES,
            },
            "counts": {section.key: len(section.entries) for section in sections},
            **{section.key: [entry.as_json() for entry in section.entries] for section in sections},
            "record_views": self.record_views(),
        }


def score_json(score: Score) -> dict:
    return {
        "code": score.code,
        "name": score.name,
        "score": score.score,
        "items_answered": score.items_answered,
        "items_in_subscale": score.items_in_subscale,
        "reason": score.reason,
    }


def json_default(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"Cannot write {type(value).__name__} as JSON")


def export_json(export: dict) -> str:
    return json.dumps(export, indent=2, ensure_ascii=False, default=json_default) + "\n"


# --- The PDF -------------------------------------------------------------------------------------


def shown(value) -> str:
    """A value as the PDF prints it."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return govuk_datetime(value)
    if isinstance(value, dt.date):
        return govuk_date(value)
    if isinstance(value, list):
        return ", ".join(shown(item) for item in value)
    return str(value)


def _label(model, name: str) -> str:
    verbose = str(model._meta.get_field(name).verbose_name)
    return verbose[:1].upper() + verbose[1:]


def _changes(model, versions: list[Version], current: dict | None = None) -> list[dict]:
    """Each version with what it set: every value for the first (unless they are the values
    shown above it), what changed for the others."""
    rows, previous = [], None
    for version in versions:
        changes = []
        same_as_shown = current is not None and all(
            shown(value) == shown(current.get(name)) for name, value in version.values.items()
        )
        if previous is None and same_as_shown:
            changes.append(AS_SHOWN)
        for name, value in version.values.items() if not changes else ():
            old = previous.values.get(name) if previous else None
            if previous is None and shown(value):
                changes.append(f"{_label(model, name)}: {shown(value)}")
            elif previous is not None and shown(old) != shown(value):
                changes.append(
                    f"{_label(model, name)}: {shown(old) or 'blank'} to {shown(value) or 'blank'}"
                )
        rows.append(
            {
                "at": govuk_datetime(version.at),
                "action": version.action,
                "by": version.by,
                "reason": version.reason,
                "changes": changes,
            }
        )
        previous = version
    return rows


def pdf_sections(sections: list[Section]) -> list[dict]:
    """The sections as the PDF template shows them: labels, printed values, history changes."""
    printed = []
    for section in sections:
        entries = []
        for entry in section.entries:
            extra = dict(entry.extra)
            if "answer_history" in extra:
                history = [
                    Version(v["at"], v["action"], v["by"], v["reason"], v["values"])
                    for v in extra["answer_history"]
                ]
                extra["answer_history"] = _changes(Answer, history)
            entries.append(
                {
                    "title": entry.title,
                    "deleted": entry.status == DELETED,
                    "rows": [
                        (_label(entry.model, name), shown(value))
                        for name, value in entry.values.items()
                        if shown(value)
                    ],
                    "removed": [_label(entry.model, name) for name in entry.removed],
                    "history": _changes(entry.model, entry.history, entry.values),
                    **extra,
                }
            )
        printed.append({"key": section.key, "title": section.title, "entries": entries})
    return printed
