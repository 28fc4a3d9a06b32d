from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.db.models import F
from django.utils.crypto import salted_hmac
from simple_history.models import HistoricalRecords

from accounts.constants import Role


class User(AbstractUser):
    """A member of staff who signs in. What they may see follows from role and scope (accounts.policy)."""

    role = models.CharField(max_length=20, choices=Role.choices)
    prisons = models.ManyToManyField(
        "governance.Prison",
        blank=True,
        related_name="staff_users",
        help_text="For social care leads and prison staff: the prisons they work in",
    )
    local_authority = models.ForeignKey(
        "governance.LocalAuthority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewers",
        help_text="For local authority reviewers: the council whose prisons they review",
    )
    session_generation = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Raised to end every session of this user at once (see get_session_auth_hash)",
    )
    history = HistoricalRecords(
        excluded_fields=["password", "last_login", "session_generation"], m2m_fields=[prisons]
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="user_role_is_known", condition=models.Q(role__in=Role.values)
            ),
            models.CheckConstraint(
                name="user_local_authority_only_for_la_reviewers",
                condition=(
                    models.Q(role=Role.LA_REVIEWER, local_authority__isnull=False)
                    | (~models.Q(role=Role.LA_REVIEWER) & models.Q(local_authority__isnull=True))
                ),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    # Django checks every request's session against this hash and ends the session when it no
    # longer matches. Django's own hash changes with the password; ours also changes with
    # session_generation, so raising it ends every session of the user, on every device.
    def get_session_auth_hash(self):
        return self._session_hash(secret=None)

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=secret)

    def _session_hash(self, *, secret):
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def end_every_session(self):
        """Sign the user out everywhere: every session made before now stops working."""
        type(self).objects.filter(pk=self.pk).update(session_generation=F("session_generation") + 1)
        self.refresh_from_db(fields=["session_generation"])

    @transaction.atomic
    def save(self, *args, **kwargs):
        """A deactivated account keeps no session, so one reactivated later starts signed out
        everywhere too. (Deactivate with save(): a queryset update() bypasses this.)"""
        deactivating = (
            self.pk is not None
            and not self.is_active
            and type(self).objects.filter(pk=self.pk, is_active=True).exists()
        )
        super().save(*args, **kwargs)
        if deactivating:
            self.end_every_session()
