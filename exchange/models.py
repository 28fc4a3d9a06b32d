from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    """One import of the data standard's files: who, when, which files, what it did. Kept for
    every run, refused ones included, so a prison can see how its records came in."""

    class Result(models.TextChoices):
        IMPORTED = "imported", "Imported"
        CHECKED = "checked", "Checked, not saved"
        REFUSED = "refused", "Refused: nothing saved"

    prison = models.ForeignKey(
        "governance.Prison",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="imports",
        help_text="The prison imported into from the browser; empty for the command line.",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=20)
    at = models.DateTimeField(auto_now_add=True)
    files = models.JSONField(default=list)
    counts = models.JSONField(default=dict)
    errors = models.JSONField(default=list)
    result = models.CharField(max_length=10, choices=Result.choices)
    # A checked upload waiting for the lead to confirm it: the files, zipped. Emptied once the
    # import is confirmed, so uploaded personal data is not kept twice.
    pending = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_result_display()} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def awaiting_confirmation(self) -> bool:
        return self.result == self.Result.CHECKED and self.pending is not None

    @property
    def rows(self) -> int:
        return sum(sum(kind.values()) for kind in self.counts.values())
