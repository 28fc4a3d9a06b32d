"""Readable change history (who, when, what changed) from django-simple-history records."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import models

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
    model = type(instance)
    subject = subject or str(model._meta.verbose_name).capitalize()
    shown = [
        f
        for f in model._meta.concrete_fields
        if f.name not in {"id", *hidden} and not f.primary_key
    ]
    records = list(
        instance.history.select_related("history_user").order_by("history_date", "history_id")
    )
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
            delta = record.diff_against(previous, foreign_keys_are_objs=True)
            for change in delta.changes:
                if change.field in hidden:
                    continue
                model_field = model._meta.get_field(change.field)
                old, new = _display(model_field, change.old), _display(model_field, change.new)
                if old != new:
                    changes.append(Change(_label(model, change.field), old, new))
        if previous is None or changes or action != "Changed":
            entries.append(HistoryEntry(record.history_date, who, action, subject, changes))
        previous = record
    entries.reverse()
    return entries
