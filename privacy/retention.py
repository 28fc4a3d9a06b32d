"""Retention: how long PeerCare keeps each kind of record, and deleting what has run out of time.

A record kind is a small registered entry (`RecordKind`): its name, which is also its key in
settings.PEERCARE_RETENTION (whole years kept); the rows whose time ran out before a cut-off date;
and a function that deletes those rows with everything about them and their history.
`manage.py apply_retention` runs every registered kind in one transaction (`retention_apply`).

The rules:
- the cut-off is today less the kind's years (29 February becomes 28 February); a row expires
  when its date is before the cut-off, so a person whose support ended exactly 7 years ago today
  is kept until tomorrow;
- people supported expire when their support ended (`support_ended_on`) before the cut-off;
  buddies when they left (`ended_on`), or, never appointed, when they were turned down
  (`rejected_on`). A record with no such date (still supported, still working, still applying)
  never expires;
- each kind is one person's record in one prison: someone who is also a buddy, or is supported
  in another prison, keeps those records until their own time runs out;
- deleting a person's record deletes everything about them (`people_erase`) and every history
  row of what it deletes, so nothing survives in django-simple-history;
- a run is all or nothing: one failure anywhere and nothing is deleted. A dry run does the same
  work and rolls it back, so its counts are exactly what --apply would delete;
- a real run is recorded (privacy.models.RetentionRun), in the same transaction.

Adding a kind (the audit log's "audit events, 2 years" is the one foreseen): give it a period in
settings.PEERCARE_RETENTION (audit_event is already there) and register it from the owning app's
AppConfig.ready():

    from privacy.retention import RecordKind, delete_with_history, register

    register(RecordKind(
        name="audit_event",
        label="audit events",
        counted_from="they were recorded",
        expired=lambda cut_off: AuditEvent.objects.filter(at__date__lt=cut_off),
        delete=delete_with_history,
    ))

A delete function receives the expired rows, may only change the database (a dry run rolls it
back), and returns an `Erasure`: rows deleted and rows kept without the person, by what they are.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Q
from django.db.models.deletion import Collector
from django.utils import timezone

from buddies.constants import BuddyStatus
from buddies.models import Buddy, Session
from governance.models import Incident, Supervision
from outcomes.models import Response
from privacy.models import RetentionRun
from recipients.models import Assignment, Recipient

# Ids are deleted and looked up this many at a time: within every database's limit on query
# parameters, and it keeps the objects Django's deletion collector holds in memory small.
BATCH = 500

# What replaces free text that may name a person whose records were deleted.
REMOVED_NOTE = (
    "Removed under the retention policy: this named someone whose records have been deleted."
)
CHANGE_REASON = "Retention: a person's records were deleted"
HISTORY_ROWS = "history rows"


@dataclass
class Erasure:
    """What a deletion did: rows deleted, and rows kept without the person, by what they are."""

    deleted: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)
    # Primary keys deleted, by model, so every history row mentioning them can go too.
    pks: defaultdict = field(default_factory=lambda: defaultdict(set))

    def __iadd__(self, other: "Erasure") -> "Erasure":
        self.deleted += other.deleted
        self.kept += other.kept
        for model, pks in other.pks.items():
            self.pks[model] |= pks
        return self


@dataclass(frozen=True)
class RecordKind:
    """A kind of record with a retention period (see the module's docstring)."""

    name: str  # key in settings.PEERCARE_RETENTION
    label: str  # what the rows are, in the plural: "people supported"
    counted_from: str  # the event the period runs from: "their support ended"
    expired: Callable[[dt.date], models.QuerySet]  # rows whose date is before the cut-off
    delete: Callable[[models.QuerySet], Erasure]


_KINDS: dict[str, RecordKind] = {}


def register(kind: RecordKind) -> RecordKind:
    """Add a record kind to those apply_retention runs, in the order registered."""
    if kind.name in _KINDS and _KINDS[kind.name] != kind:
        raise ImproperlyConfigured(f"A record kind named {kind.name!r} is already registered")
    _KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    _KINDS.pop(name, None)


def registered_kinds() -> list[RecordKind]:
    return list(_KINDS.values())


def today() -> dt.date:
    """The day cut-offs are counted back from (a function, so tests can fix it)."""
    return timezone.localdate()


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier; 29 February becomes 28 February in a year without one."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def retention_years(name: str) -> int:
    """The whole years a kind is kept, from settings.PEERCARE_RETENTION; at least 1."""
    periods = getattr(settings, "PEERCARE_RETENTION", {})
    variable = f"PEERCARE_RETENTION_{name.upper()}_YEARS"
    if name not in periods:
        raise ImproperlyConfigured(
            f"No retention period for {name}: add it to PEERCARE_RETENTION ({variable})"
        )
    years = periods[name]
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise ImproperlyConfigured(
            f"The retention period for {name} must be a whole number of years, 1 or more "
            f"({variable}), not {years!r}"
        )
    return years


def batches(values: Iterable, size: int = BATCH) -> Iterator[list]:
    values = sorted(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- Deleting rows with their history ------------------------------------------------------------


def _history_models() -> list[tuple[type[models.Model], bool]]:
    """Every django-simple-history table: (model, whether it records many-to-many rows)."""
    found = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.fields}
        if "m2m_history_id" in names:
            found.append((model, True))
        elif {"history_id", "history_type"} <= names:
            found.append((model, False))
    return found


def _history_links(history_model) -> list[models.Field]:
    """The history table's columns that point at live rows (not the history bookkeeping)."""
    return [
        f
        for f in history_model._meta.fields
        if f.is_relation and f.name not in {"history_user", "history"}
    ]


def _count_history(pks: dict) -> int:
    """History rows that deleting these primary keys will remove (see _clear_history)."""
    count = 0
    for history_model, m2m in _history_models():
        rows = history_model._default_manager
        if not m2m and pks.get(history_model.instance_type):
            for chunk in batches(pks[history_model.instance_type]):
                count += rows.filter(id__in=chunk).count()
        if m2m:  # a row may name two deleted rows: count it once
            naming = set()
            for link in _history_links(history_model):
                for chunk in batches(pks.get(link.related_model, ())):
                    naming |= set(
                        rows.filter(**{f"{link.attname}__in": chunk}).values_list(
                            "m2m_history_id", flat=True
                        )
                    )
            count += len(naming)
    return count


def _clear_history(pks: dict) -> None:
    """Delete the history of every deleted row, and take the deleted rows out of every other
    history: a many-to-many history row naming one is deleted, another history row's link to one
    is emptied. Afterwards no history row anywhere points at a deleted row."""
    for history_model, m2m in _history_models():
        rows = history_model._default_manager
        if not m2m and pks.get(history_model.instance_type):
            for chunk in batches(pks[history_model.instance_type]):
                rows.filter(id__in=chunk).delete()
        for link in _history_links(history_model):
            for chunk in batches(pks.get(link.related_model, ())):
                naming = rows.filter(**{f"{link.attname}__in": chunk})
                if m2m:
                    naming.delete()
                else:
                    naming.update(**{link.attname: None})


def delete_with_history(queryset: models.QuerySet) -> Erasure:
    """Delete the rows, whatever cascades from them, and all their history, as one unit.

    Deleting a tracked row makes django-simple-history write a last "deleted" version of it; that
    goes with the rest. The history rows counted are those that existed before."""
    erasure = Erasure()
    collector = Collector(using=queryset.db, origin=queryset)
    collector.collect(queryset.order_by())
    for model, instances in collector.data.items():
        erasure.pks[model] |= {obj.pk for obj in instances}
    for fast in collector.fast_deletes:
        erasure.pks[fast.model] |= set(fast.values_list("pk", flat=True))
    history_rows = _count_history(erasure.pks)
    _total, by_model = collector.delete()
    for label, count in by_model.items():
        model = apps.get_model(label)
        if count and not model._meta.auto_created:  # leave out many-to-many link rows
            erasure.deleted[str(model._meta.verbose_name_plural)] += count
    _clear_history(erasure.pks)
    if history_rows:
        erasure.deleted[HISTORY_ROWS] += history_rows
    return erasure


# --- People --------------------------------------------------------------------------------------


def _save_without_them(instance: models.Model) -> None:
    instance._change_reason = CHANGE_REASON
    instance.save()


def _incidents_unlink(*, buddy_ids: list, recipient_ids: list) -> int:
    """Incidents are kept as the prison's record of what happened (they count in its safety
    figures, and may be about someone still supported); the link to the person goes, and so does
    the free text, which names them, in the incident and in its history."""
    incidents = list(
        Incident.objects.filter(Q(buddy_id__in=buddy_ids) | Q(recipient_id__in=recipient_ids))
    )
    for incident in incidents:
        if incident.buddy_id in buddy_ids:
            incident.buddy = None
        if incident.recipient_id in recipient_ids:
            incident.recipient = None
        incident.summary, incident.actions, incident.outcome = REMOVED_NOTE, "", ""
        _save_without_them(incident)
    for chunk in batches(incident.pk for incident in incidents):
        history = Incident.history.model.objects.filter(id__in=chunk)
        history.exclude(summary="").update(summary=REMOVED_NOTE)
        history.update(actions="", outcome="")
    return len(incidents)


def _supervisions_unlink(*, buddy_ids: set) -> tuple[list[int], int]:
    """A supervision of only these buddies is deleted (returned); a group supervision is kept
    for the others, without these buddies and without its notes, which may name them."""
    to_delete, kept = [], []
    supervision_ids = set()
    for chunk in batches(buddy_ids):
        supervision_ids |= set(
            Supervision.buddies.through.objects.filter(buddy_id__in=chunk).values_list(
                "supervision_id", flat=True
            )
        )
    for supervision in Supervision.objects.filter(pk__in=supervision_ids):
        present = set(supervision.buddies.values_list("pk", flat=True))
        if present <= buddy_ids:
            to_delete.append(supervision.pk)
            continue
        supervision.buddies.remove(*(present & buddy_ids))
        if supervision.notes:
            supervision.notes = REMOVED_NOTE
        _save_without_them(supervision)
        kept.append(supervision.pk)
    for chunk in batches(kept):
        Supervision.history.model.objects.filter(id__in=chunk).exclude(notes="").update(
            notes=REMOVED_NOTE
        )
    return to_delete, len(kept)


def _take_overs_unlink(*, recipient_ids: set) -> int:
    """A record at a receiving prison that took over from one being deleted carries on without
    the link (Recipient.transferred_from protects the old record). Returns how many are kept."""
    kept = 0
    for chunk in batches(recipient_ids):
        for recipient in Recipient.objects.filter(transferred_from_id__in=chunk):
            recipient.transferred_from = None
            _save_without_them(recipient)
            kept += recipient.pk not in recipient_ids
    return kept


def people_erase(
    *, buddies: models.QuerySet | None = None, recipients: models.QuerySet | None = None
) -> Erasure:
    """Delete buddy and person-supported records with everything about them, and their history.

    Deleted: sessions they gave or received (other people's sessions are untouched), assignments
    naming them, their survey responses and answers, supervisions of them alone, and the records
    themselves with their pay rates, training, care plans (every version, with its reviews),
    needs and peer roles. Kept without them: incidents naming them, group supervisions, and a
    record that took over from theirs after a transfer. What points at a person with a protected
    foreign key goes first, then the person."""
    buddy_ids = set(buddies.values_list("pk", flat=True)) if buddies is not None else set()
    recipient_ids = (
        set(recipients.values_list("pk", flat=True)) if recipients is not None else set()
    )
    erasure = Erasure()
    for model in [Session, Assignment, Response]:
        for chunk in batches(buddy_ids):
            erasure += delete_with_history(model.objects.filter(buddy_id__in=chunk))
        for chunk in batches(recipient_ids):
            erasure += delete_with_history(model.objects.filter(recipient_id__in=chunk))
    for chunk in batches(buddy_ids):
        erasure.kept["incidents"] += _incidents_unlink(buddy_ids=chunk, recipient_ids=[])
    for chunk in batches(recipient_ids):
        erasure.kept["incidents"] += _incidents_unlink(buddy_ids=[], recipient_ids=chunk)
    if buddy_ids:
        alone, erasure.kept["supervisions"] = _supervisions_unlink(buddy_ids=buddy_ids)
        for chunk in batches(alone):
            erasure += delete_with_history(Supervision.objects.filter(pk__in=chunk))
        for chunk in batches(buddy_ids):
            erasure += delete_with_history(Buddy.objects.filter(pk__in=chunk))
    if recipient_ids:
        erasure.kept["records taken over after a transfer"] = _take_overs_unlink(
            recipient_ids=recipient_ids
        )
        for chunk in batches(recipient_ids):
            erasure += delete_with_history(Recipient.objects.filter(pk__in=chunk))
    erasure.kept = +erasure.kept  # leave out what there was none of
    return erasure


register(
    RecordKind(
        name="recipient",
        label="people supported",
        counted_from="their support ended",
        expired=lambda cut_off: Recipient.objects.filter(support_ended_on__lt=cut_off),
        delete=lambda rows: people_erase(recipients=rows),
    )
)
register(
    RecordKind(
        name="buddy",
        label="buddies",
        counted_from="they left, or were not appointed",
        expired=lambda cut_off: Buddy.objects.filter(
            Q(ended_on__lt=cut_off) | Q(status=BuddyStatus.REJECTED, rejected_on__lt=cut_off)
        ),
        delete=lambda rows: people_erase(buddies=rows),
    )
)
# Audit events (2 years, settings.PEERCARE_RETENTION["audit_event"]) are registered by the audit
# log's app, audit.apps.AuditConfig.ready().


# --- A run ---------------------------------------------------------------------------------------


@dataclass
class KindResult:
    kind: RecordKind
    years: int
    cut_off: dt.date
    records: int  # rows of the kind itself that had run out of time
    erasure: Erasure

    def as_json(self) -> dict:
        return {
            "years": self.years,
            "cut_off": self.cut_off.isoformat(),
            "records": self.records,
            "deleted": dict(sorted(self.erasure.deleted.items())),
            "kept_without_them": dict(sorted(self.erasure.kept.items())),
        }


class _Rollback(Exception):
    """Raised inside the transaction to undo a dry run."""


def _run(on: dt.date, kinds: list[RecordKind]) -> list[KindResult]:
    results = []
    for kind in kinds:
        years = retention_years(kind.name)
        cut_off = years_before(on, years)
        rows = kind.expired(cut_off)
        records = rows.count()
        erasure = kind.delete(rows) if records else Erasure()
        results.append(KindResult(kind, years, cut_off, records, erasure))
    return results


def retention_apply(
    *, on: dt.date, dry_run: bool, requested_by: str, os_user: str = ""
) -> tuple[list[KindResult], RetentionRun | None]:
    """Delete every registered kind's expired rows in one transaction, and record the run; or,
    as a dry run, do the same and roll it all back. Returns what each kind deleted (or would)."""
    kinds = registered_kinds()
    for kind in kinds:
        retention_years(kind.name)  # refuse a missing or bad period before touching anything
    results: list[KindResult] = []
    try:
        with transaction.atomic():
            results = _run(on, kinds)
            if dry_run:
                raise _Rollback
            run = RetentionRun.objects.create(
                requested_by=requested_by,
                os_user=os_user,
                run_on=on,
                kinds={result.kind.name: result.as_json() for result in results},
            )
    except _Rollback:
        return results, None
    return results, run
