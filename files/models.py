"""Files that take more than a few seconds to make (national comparisons at scale), prepared by a
background task (files.tasks) while the person who asked for them watches its progress.

The file is kept in the database, so that any app instance can offer it whichever worker made
it, and only the person who asked for it may download it. Files are kept for KEEP_DAYS.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

KEEP_DAYS = 7


class FileState(models.TextChoices):
    WAITING = "waiting", "Waiting to start"
    PREPARING = "preparing", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be prepared"


class PreparedFile(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40)
    parameters = models.JSONField(default=dict)
    title = models.CharField(max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=FileState.choices, default=FileState.WAITING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["requested_by", "requested_at"])]

    def __str__(self):
        return self.title

    @property
    def percent(self) -> int:
        return (
            100
            if self.state == FileState.READY
            else (100 * self.done // self.total if self.total else 0)
        )

    @property
    def finished(self) -> bool:
        return self.state in (FileState.READY, FileState.FAILED)


def delete_expired(now: dt.datetime) -> int:
    """Delete the files asked for more than KEEP_DAYS before `now`; return how many. Asking for a
    new file does this, and so does `manage.py daily_housekeeping`."""
    deleted, _ = PreparedFile.objects.filter(
        requested_at__lt=now - dt.timedelta(days=KEEP_DAYS)
    ).delete()
    return deleted
