"""Readable change history (who, when, what changed) from django-simple-history records."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from simple_history import utils

from common.formatting import govuk_date

ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str
    action: str
    subject: str
    changes: list[Change] = field(default_factory=list)


def _display(model_field, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, list):  # many-to-many rows, with related objects
        related = model_field.related_model
        names = sorted(str(v) for row in value for v in row.values() if isinstance(v, related))
        return ", ".join(names)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return govuk_date(value.date())
    if isinstance(value, dt.date):
        return govuk_date(value)
    return str(value)


def _label(model, name: str) -> str:
    verbose = str(model._meta.get_field(name).verbose_name)
    return verbose[:1].upper() + verbose[1:]


def history_entries(instance: models.Model, *, subject: str = "", hidden=()) -> list[HistoryEntry]:
    """Every recorded version of `instance`, newest first, each with the fields that changed.

    `hidden` names fields that are not shown (for example technical keys).
    """
    return history_entries_of([instance], subject=subject, hidden=hidden)


def history_entries_of(
    instances, *, subject: str | Callable[[models.Model], str] = "", hidden=()
) -> list[HistoryEntry]:
    """The history of several records of one model, record by record (each newest first), read
    in a fixed number of queries however many records and versions there are: one for the
    versions with who made them and the records they link to, and one per many-to-many field.

    `subject` names the records in the entries: text, or a function of the record.
    """
    instances = list(instances)
    if not instances:
        return []
    model = type(instances[0])
    name_of = subject if callable(subject) else lambda _instance: subject
    default_subject = str(model._meta.verbose_name).capitalize()
    shown = [
        f
        for f in model._meta.concrete_fields
        if f.name not in {"id", *hidden} and not f.primary_key
    ]
    history_model = model.history.model
    pk_name = model._meta.pk.attname
    versions = model.history.filter(**{f"{pk_name}__in": [instance.pk for instance in instances]})
    records = list(
        versions.select_related("history_user", *[f.name for f in shown if f.is_relation]).order_by(
            "history_date", "history_id"
        )
    )
    by_instance: dict = {}
    for record in records:
        by_instance.setdefault(getattr(record, pk_name), []).append(record)
    m2m_fields = [f for f in history_model._history_m2m_fields if f.name not in hidden]
    m2m_names = _m2m_names(history_model, m2m_fields, versions=versions)
    entries = []
    for instance in instances:
        entries += _entries(
            model,
            by_instance.get(instance.pk, []),
            subject=name_of(instance) or default_subject,
            shown=shown,
            hidden=hidden,
            m2m_fields=m2m_fields,
            m2m_names=m2m_names,
        )
    return entries


def _m2m_names(history_model, m2m_fields, *, versions) -> dict[tuple[str, int], str]:
    """(field name, version's history_id): the linked records' names as a version held them,
    in one query per many-to-many field."""
    names: dict[tuple[str, int], list[str]] = {}
    for m2m_field in m2m_fields:
        target = utils.get_m2m_reverse_field_name(m2m_field)
        rows = (
            getattr(history_model, m2m_field.name)
            .model.objects.filter(history__in=versions.values("history_id"))
            .select_related(target)
        )
        for row in rows:
            linked = getattr(row, target)
            if linked is not None:  # a record since deleted is not named, as before
                names.setdefault((m2m_field.name, row.history_id), []).append(str(linked))
    return {key: ", ".join(sorted(value)) for key, value in names.items()}


def _entries(model, records, *, subject, shown, hidden, m2m_fields, m2m_names):
    entries = []
    previous = None
    for record in records:
        who = str(record.history_user) if record.history_user else "System"
        action = ACTIONS[record.history_type]
        changes = []
        if previous is None:
            for model_field in shown:
                value = getattr(record, model_field.attname)
                if model_field.is_relation:
                    value = getattr(record, model_field.name, None)
                text = _display(model_field, value)
                if text:
                    changes.append(Change(_label(model, model_field.name), "", text))
        else:
            # The other fields as simple-history compares them; many-to-many fields from the
            # names read once for every version, rather than two queries for each comparison.
            excluded = {*hidden, *(f.name for f in m2m_fields)}
            delta = record.diff_against(
                previous, excluded_fields=excluded, foreign_keys_are_objs=True
            )
            named = []
            for change in delta.changes:
                model_field = model._meta.get_field(change.field)
                old, new = _display(model_field, change.old), _display(model_field, change.new)
                named.append((change.field, old, new))
            for m2m_field in m2m_fields:
                old = m2m_names.get((m2m_field.name, previous.history_id), "")
                new = m2m_names.get((m2m_field.name, record.history_id), "")
                named.append((m2m_field.name, old, new))
            for name, old, new in sorted(named, key=lambda change: change[0]):
                if old != new:
                    changes.append(Change(_label(model, name), old, new))
        if previous is None or changes or action != "Changed":
            entries.append(HistoryEntry(record.history_date, who, action, subject, changes))
        previous = record
    entries.reverse()
    return entries


# --- what others changed since a version (edit conflicts) ----------------------------------------


@dataclass
class OtherChange:
    """A field someone else changed after a form was opened: its value now, who changed it last
    and when, and (filled in by the caller) what this user entered for it."""

    name: str
    field: str
    theirs: str
    who: str
    when: dt.datetime
    yours: str = ""
    on_form: bool = False


def display_value(model_field, value) -> str:
    """A value as people read it, whether from a stored version or from a form's answers (where
    a many-to-many field is a list or queryset of records)."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.QuerySet) or (
        isinstance(value, list | tuple | set) and all(isinstance(v, models.Model) for v in value)
    ):
        return ", ".join(sorted(str(v) for v in value))
    return _display(model_field, value)


def changes_since(instance: models.Model, version: int, *, hidden=()) -> list[OtherChange] | None:
    """The fields whose stored value now differs from the one at `version` (row_version), each
    with the last person to change it. None when the history does not reach back to `version`.

    A field changed and then changed back is not listed: only the difference from what the form
    was opened with matters to the person editing it."""
    model = type(instance)
    records = instance.history.select_related("history_user").order_by("history_date", "history_id")
    baseline = records.filter(row_version__lte=version).last()
    if baseline is None:
        return None
    later = list(records.filter(row_version__gt=version))
    if not later:
        return []
    last_changed_by = {}
    previous = baseline
    for record in later:
        delta = record.diff_against(previous, excluded_fields=hidden, foreign_keys_are_objs=True)
        for change in delta.changes:
            model_field = model._meta.get_field(change.field)
            if _display(model_field, change.old) != _display(model_field, change.new):
                last_changed_by[change.field] = record
        previous = record
    net = later[-1].diff_against(baseline, excluded_fields=hidden, foreign_keys_are_objs=True)
    changes = []
    for change in net.changes:
        model_field = model._meta.get_field(change.field)
        theirs = _display(model_field, change.new)
        record = last_changed_by.get(change.field)
        if record is None or theirs == _display(model_field, change.old):
            continue
        who = str(record.history_user) if record.history_user else "System"
        changes.append(
            OtherChange(change.field, _label(model, change.field), theirs, who, record.history_date)
        )
    order = [f.name for f in model._meta.get_fields()]
    return sorted(changes, key=lambda change: order.index(change.name))
