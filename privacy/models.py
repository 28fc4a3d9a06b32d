from django.db import models


class RetentionRunQuerySet(models.QuerySet):
    def delete(self):
        raise ValueError("Retention runs are kept: they are never deleted")


class RetentionRun(models.Model):
    """One real run of `manage.py apply_retention --apply`: who ran it, when, the period and
    cut-off of each record kind and how many rows it deleted. Recorded once, in the same
    transaction as the deletion, and never changed or deleted; it names no person."""

    requested_by = models.CharField("Requested by", max_length=150)
    os_user = models.CharField("Run by (operating system user)", max_length=150, blank=True)
    at = models.DateTimeField("Run at", auto_now_add=True)
    run_on = models.DateField("Cut-offs worked out from")
    kinds = models.JSONField(
        default=dict,
        help_text="Per record kind: years kept, cut-off date, records deleted, and the rows "
        "deleted and kept without the person, by what they are",
    )

    objects = RetentionRunQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"Retention run on {self.run_on} by {self.requested_by}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A retention run is recorded once and never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Retention runs are kept: they are never deleted")
