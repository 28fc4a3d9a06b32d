"""The audit log: who read which personal data, and security events. Append-only.

Writes to personal data are in each record's change history (django-simple-history); this log
holds what that history cannot: reads (a page, a file, an API answer) and security events.

Append-only, twice over:
- in Python, an event is never saved again or deleted (`AppendOnly`), nor updated or deleted by
  a queryset;
- on PostgreSQL, a trigger (migration 0002) refuses UPDATE, DELETE and TRUNCATE of the table,
  whatever sends them. Two exceptions, each narrow: the retention purge deletes events older than
  the cut-off it gives the trigger in its own transaction (`AuditEventQuerySet.purge`), and
  deleting a user or prison empties the link to them (the copied username stays). TRUNCATE is
  allowed only in a test database that asks for it (config/test_settings.py).
"""

import datetime as dt

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from audit.constants import AuditKind, ObjectType


class AppendOnly(ValueError):
    """An audit event was about to be changed or deleted."""


class AuditEventQuerySet(models.QuerySet):
    def reads(self):
        return self.filter(kind__in=[AuditKind.VIEW, AuditKind.DOWNLOAD, AuditKind.EXPORT])

    def update(self, **kwargs):
        raise AppendOnly("Audit events are append-only: they are never changed")

    def delete(self):
        raise AppendOnly("Audit events are append-only: only the retention purge deletes them")

    def expired(self, cut_off: dt.date) -> "AuditEventQuerySet":
        """Events recorded before the cut-off day began (London time): the only rows `purge`
        deletes, as privacy.retention passes them to it."""
        moment = timezone.make_aware(dt.datetime.combine(cut_off, dt.time.min))
        rows = self.filter(at__lt=moment)
        rows._purge_before = moment
        return rows

    def purge(self) -> int:
        """Delete the rows `expired()` chose, with everything else refused: on PostgreSQL the
        trigger lets a DELETE through only for rows older than the cut-off set here, for this
        transaction. Returns how many were deleted."""
        moment = getattr(self, "_purge_before", None)
        if moment is None:
            raise AppendOnly("Only events chosen by AuditEvent.objects.expired() can be purged")
        with transaction.atomic(using=self.db):
            _set_purge_before(moment.isoformat())
            try:
                deleted, _by_model = super().delete()
            finally:
                _set_purge_before("")
        return deleted


def _set_purge_before(value: str) -> None:
    """Tell the PostgreSQL trigger which events this transaction may delete ('' for none)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('peercare.audit_purge_before', %s, true)", [value])


class AuditEvent(models.Model):
    """One read of personal data, or one security event. Recorded once and never changed."""

    at = models.DateTimeField("When", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who did it: the reader, or who made the security change",
    )
    username = models.CharField(
        "Username",
        max_length=150,
        blank=True,
        help_text="Copied, so it survives the user; 'system' for a command, blank for someone "
        "not signed in",
    )
    role = models.CharField("Role then", max_length=20, blank=True)
    kind = models.CharField(max_length=30, choices=AuditKind.choices)
    action = models.CharField(
        max_length=100,
        blank=True,
        help_text="The page or API endpoint (its URL name), or the command, that did it",
    )
    prison = models.ForeignKey(
        "governance.Prison",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The prison whose records were read",
    )
    object_type = models.CharField(max_length=30, choices=ObjectType.choices, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    path = models.CharField(max_length=2000, blank=True)
    method = models.CharField(max_length=10, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(
        default=dict,
        blank=True,
        help_text="What else identifies the event: the file downloaded, the records listed, the "
        "account a security event is about (never a password or a secret)",
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["prison", "at"], name="audit_prison_at"),
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object_at"),
            models.Index(fields=["username", "at"], name="audit_username_at"),
            models.Index(fields=["kind", "at"], name="audit_kind_at"),
        ]
        constraints = [
            models.CheckConstraint(
                name="audit_event_kind_is_known", condition=models.Q(kind__in=AuditKind.values)
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} by {self.username or 'someone not signed in'} at {self.at}"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Audit events are append-only: they are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit events are append-only: only the retention purge deletes them")
