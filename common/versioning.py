"""Edit conflicts: a record changed by someone else after a form was opened is never overwritten.

Buddies, people supported and care plans carry a `row_version` that goes up by one with every
save. Each form for them carries, hidden, the version it was opened at. Every save of such a
record, whatever the path (pages, status changes, care plan reviews, imports), claims the next
version with one conditional UPDATE inside the save's transaction:

    UPDATE ... SET row_version = row_version + 1 WHERE id = %s AND row_version = %s

When no row changes, someone else saved first: StaleEdit is raised, the transaction rolls back
(related rows such as care plan tasks included) and nothing of the stale change is kept. The
UPDATE locks the row until the transaction ends, so two saves from the same version cannot both
succeed, on PostgreSQL or on SQLite.
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import F, Q
from django.http import QueryDict

from common.history import OtherChange, changes_since, display_value

STALE_MESSAGE = "Someone else changed this record while you were editing it"
MISSING_VERSION = (
    "We could not tell which version of this record you were changing: open the page again "
    "and make your changes again"
)
VERSION_PATTERN = re.compile(r"[1-9][0-9]{0,8}")


class StaleEdit(ValidationError):
    """A change made from a record's earlier version: refused, so that no one's update is lost.

    A ValidationError, so any page that shows a service's errors shows this one too."""

    def __init__(self, instance: models.Model, *, loaded_version: int):
        super().__init__(STALE_MESSAGE, code="stale")
        self.model = type(instance)
        self.pk = instance.pk
        self.loaded_version = loaded_version


class VersionedModel(models.Model):
    """A record that refuses a save from an out-of-date copy (see the module's docstring)."""

    row_version = models.PositiveIntegerField(
        default=1,
        db_default=1,  # rows written in bulk without the column (the scale seed) start at 1 too
        editable=False,
        help_text="Goes up by one with every save; a form opened at an earlier version is refused",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding or self.pk is None or kwargs.get("force_insert"):
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            claim_version(self, using=using)
            return super().save(*args, **kwargs)


def version_constraint(name: str) -> models.CheckConstraint:
    """The version starts at 1 and only goes up."""
    return models.CheckConstraint(
        name=f"{name}_row_version_positive", condition=Q(row_version__gte=1)
    )


def claim_version(instance: VersionedModel, *, using: str | None = None) -> None:
    """Move the stored record from the version this copy was loaded at to the next one, or raise
    StaleEdit when it is no longer at that version. Call inside the save's transaction."""
    loaded = instance.row_version
    claimed = (
        type(instance)
        ._base_manager.using(using)
        .filter(pk=instance.pk, row_version=loaded)
        .update(row_version=F("row_version") + 1)
    )
    if not claimed:
        raise StaleEdit(instance, loaded_version=loaded)
    instance.row_version = loaded + 1


def expect_version(instance: VersionedModel, row_version: int | None) -> None:
    """Refuse at once a change from a form opened at another version than the one just loaded,
    before it is checked or applied (None: the caller works on the copy it loaded itself)."""
    if row_version is not None and row_version != instance.row_version:
        raise StaleEdit(instance, loaded_version=row_version)


# --- forms ---------------------------------------------------------------------------------------


class VersionedForm(forms.Form):
    """A form that carries, hidden, the version of the record it was opened at.

    A missing or broken version is an error for the whole form: saving without knowing which
    version was changed could silently overwrite someone else's change."""

    row_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        raw = (self.data.get(self.add_prefix("row_version")) or "").strip()
        if VERSION_PATTERN.fullmatch(raw):
            cleaned["row_version"] = int(raw)
        else:
            cleaned.pop("row_version", None)
            self.add_error(None, MISSING_VERSION)
        return cleaned


class VersionForm(VersionedForm):
    """Only the version: for actions that are a button, such as sending a plan for review."""


def with_version(data: QueryDict, version: int) -> QueryDict:
    """The posted answers again, now carrying the record's current version."""
    data = data.copy()
    data["row_version"] = str(version)
    return data


@dataclass
class EditConflict:
    """What others changed since a form was opened, beside what this user entered."""

    version: int
    changes: list[OtherChange] = field(default_factory=list)
    history_found: bool = True
    show_yours: bool = True


def edit_conflict(
    instance: VersionedModel,
    stale: StaleEdit,
    *,
    yours: dict | None = None,
    hidden=(),
) -> EditConflict:
    """Reload `instance` as it is stored now and say what changed since the stale form's version.

    `yours` holds the form's cleaned answers by model field name (None for a page with no fields
    of the record, such as a button); a field the other user changed that the form does not
    have reads as not on this page."""
    instance.refresh_from_db()
    changes = changes_since(instance, stale.loaded_version, hidden=("row_version", *hidden))
    if changes is None:
        return EditConflict(instance.row_version, history_found=False, show_yours=yours is not None)
    if yours is not None:
        model = type(instance)
        for change in changes:
            if change.name in yours:
                change.yours = display_value(model._meta.get_field(change.name), yours[change.name])
                change.on_form = True
    return EditConflict(instance.row_version, changes, show_yours=yours is not None)


def refused_form(form: forms.Form) -> forms.Form:
    """A form rebound to the user's answers and the current version, showing the conflict as its
    error so they can look at the other changes and save again on purpose."""
    form.is_valid()
    form.add_error(None, STALE_MESSAGE)
    return form
