from django.db import models
from simple_history.models import HistoricalRecords


class TokenDetails(models.Model):
    """What a user called one of their API tokens, so they know which one to revoke.

    The token itself is knox's AuthToken, kept as a SHA-512 digest only: the secret is shown once,
    when it is made. Revoking deletes the token and, with it, these details; the history keeps who
    made and who revoked it, and when.
    """

    token = models.OneToOneField("knox.AuthToken", on_delete=models.CASCADE, related_name="details")
    name = models.CharField(
        "Token name",
        max_length=60,
        help_text="What the token is for, like the nightly export from the wing system",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "API token details"
        verbose_name_plural = "API token details"

    def __str__(self):
        return self.name
