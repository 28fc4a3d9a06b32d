"""Dormant accounts (OWASP ASVS 2.1 and the service's access policy): an account not used for
PEERCARE_DORMANT_AFTER_DAYS (90) days, or PEERCARE_DORMANT_ADMIN_AFTER_DAYS (180) for an
administrator, is deactivated by `manage.py deactivate_dormant_users`, run daily."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def dormant_users(*, today: datetime.date) -> QuerySet[User]:
    """Active users whose last sign-in (or, never having signed in, whose account's creation)
    was on a day at least the limit's number of days before today, in London.

    Whole days, not hours: signed in on 3 March, someone is dormant on 1 June (90 days later)
    whatever the time of day either happened, and the clocks changing in between moves nothing."""
    # Dormant if last used before the day after the last dormant day.
    cut_off = _start_of(today - datetime.timedelta(days=settings.PEERCARE_DORMANT_AFTER_DAYS - 1))
    admin_cut_off = _start_of(
        today - datetime.timedelta(days=settings.PEERCARE_DORMANT_ADMIN_AFTER_DAYS - 1)
    )
    return (
        User.objects.filter(is_active=True)
        .annotate(last_used=Coalesce("last_login", "date_joined"))
        .filter(
            (~Q(role=Role.ADMIN) & Q(last_used__lt=cut_off))
            | (Q(role=Role.ADMIN) & Q(last_used__lt=admin_cut_off))
        )
        .order_by("username")
    )


@transaction.atomic
def deactivate_dormant_users(*, today: datetime.date) -> list[User]:
    """Deactivate every dormant user (which ends their sessions: User.save) and return them."""
    users = list(dormant_users(today=today))
    for user in users:
        user.is_active = False
        user.save(update_fields=["is_active"])
    return users
