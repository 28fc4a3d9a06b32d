"""Writes the API adds: tokens made and revoked, and a session withdrawn.

Sessions and incidents are recorded and changed through their own apps' services
(buddies.activity.session_record, governance.incident_services), as the web does.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

from api.models import TokenDetails
from buddies.models import Session
from common.validation import full_clean_or_raise

logger = logging.getLogger("peercare.api")


def live_tokens(user):
    """The user's tokens that have not expired."""
    return AuthToken.objects.filter(user=user).filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    )


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[TokenDetails, str]:
    """A new API token for the user, named so they can tell it apart. The secret is returned here
    and never again: only its digest is stored. A user holds at most TOKEN_LIMIT_PER_USER tokens
    in date, so a leaked or forgotten one is easier to spot."""
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit is not None and live_tokens(user).count() >= limit:
        raise ValidationError(
            {"name": f"You already have {limit} tokens: revoke one you no longer use first"}
        )
    token, secret = AuthToken.objects.create(user=user)
    details = TokenDetails(token=token, name=name.strip())
    full_clean_or_raise(details)
    details.save()
    logger.info("API token %s made by %s", details.pk, user.username)
    return details, secret


@transaction.atomic
def api_token_revoke(*, details: TokenDetails, by) -> None:
    """Revoke a token at once: it stops working on the next request."""
    token = details.token
    details._history_user = by
    details.delete()
    token.delete()
    logger.info("API token %r of %s revoked by %s", details.name, token.user.username, by.username)


@transaction.atomic
def session_withdraw(*, session: Session, user) -> None:
    """Remove a session recorded in error (sessions.csv `withdrawn`); its history keeps it."""
    session._history_user = user
    session.delete()
