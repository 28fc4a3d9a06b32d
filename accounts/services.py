from collections.abc import Sequence

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.constants import PRISON_SCOPED_ROLES, Role
from accounts.models import User
from governance.models import LocalAuthority, Prison


def _check_scope(*, role: str, prisons: Sequence[Prison], local_authority: LocalAuthority | None):
    """A user's scope must fit their role: prisons for leads and staff, a council for reviewers."""
    errors = {}
    if role in PRISON_SCOPED_ROLES and not prisons:
        errors["prisons"] = "Give at least one prison for a social care lead or prison staff"
    if role not in PRISON_SCOPED_ROLES and prisons:
        errors["prisons"] = "Only social care leads and prison staff are given prisons"
    if role == Role.LA_REVIEWER and local_authority is None:
        errors["local_authority"] = "Give the local authority of a local authority reviewer"
    if role != Role.LA_REVIEWER and local_authority is not None:
        errors["local_authority"] = "Only local authority reviewers are given a local authority"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str,
    prisons: Sequence[Prison] = (),
    local_authority: LocalAuthority | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    if role not in Role.values:
        raise ValidationError({"role": f"Choose one of: {', '.join(Role.values)}"})
    _check_scope(role=role, prisons=prisons, local_authority=local_authority)
    user = User(
        username=username,
        role=role,
        local_authority=local_authority,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.full_clean()
    user.save()
    user.prisons.set(prisons)
    return user
