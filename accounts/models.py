from django.contrib.auth.models import AbstractUser
from django.db import models
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
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=[prisons])

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
