"""The one access policy: which prisons a user may see, and what they may do there.

Every view and every queryset of records about people goes through this module, so a change of
rule is a change here only. The rules:
- social care leads and prison staff see the prisons they are given;
- local authority reviewers see the prisons of their local authority;
- inspectors, national analysts and administrators see every prison;
- inspectors and national analysts see aggregates only: never a name or a prison number.
Asking for something outside one's prisons gives 404 (the thing is not there for you); asking for
something in scope that the role may not do gives 403.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.constants import PRISON_SCOPED_ROLES, Role

# Capabilities, named for what they let a person do.
VIEW_PERSONAL_DATA = "view_personal_data"  # names, prison numbers, care and employment records
VIEW_AGGREGATES = "view_aggregates"  # counts, indicators and reports without identities
MANAGE_SCHEME = "manage_scheme"  # scheme settings, buddies, recipients, care plans, governance
RECORD_ACTIVITY = "record_activity"  # sessions and day-to-day records
REVIEW_CARE_PLANS = "review_care_plans"  # local authority approval of care plans
ADMINISTER = "administer"  # users and national reference settings

ROLE_CAPABILITIES = {
    Role.SOCIAL_CARE_LEAD: {VIEW_PERSONAL_DATA, VIEW_AGGREGATES, MANAGE_SCHEME, RECORD_ACTIVITY},
    Role.PRISON_STAFF: {VIEW_PERSONAL_DATA, VIEW_AGGREGATES, RECORD_ACTIVITY},
    Role.LA_REVIEWER: {VIEW_PERSONAL_DATA, VIEW_AGGREGATES, REVIEW_CARE_PLANS},
    Role.INSPECTOR: {VIEW_AGGREGATES},
    Role.NATIONAL_ANALYST: {VIEW_AGGREGATES},
    Role.ADMIN: {
        VIEW_PERSONAL_DATA,
        VIEW_AGGREGATES,
        MANAGE_SCHEME,
        RECORD_ACTIVITY,
        REVIEW_CARE_PLANS,
        ADMINISTER,
    },
}


def has_capability(user, capability: str) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, set())


def prisons_for(user, queryset: QuerySet | None = None) -> QuerySet:
    """The prisons a user may see at all."""
    from governance.models import Prison

    prisons = queryset if queryset is not None else Prison.objects.all()
    if not (user.is_authenticated and user.is_active):
        return prisons.none()
    if user.role in PRISON_SCOPED_ROLES:
        return prisons.filter(staff_users=user)
    if user.role == Role.LA_REVIEWER:
        return prisons.filter(local_authority_id=user.local_authority_id)
    if user.role in {Role.INSPECTOR, Role.NATIONAL_ANALYST, Role.ADMIN}:
        return prisons
    return prisons.none()


def scope(queryset: QuerySet, user, *, prison_field: str = "prison") -> QuerySet:
    """Records about people that the user may see: in their prisons, and only if the role sees people."""
    if not has_capability(user, VIEW_PERSONAL_DATA):
        return queryset.none()
    return queryset.filter(**{f"{prison_field}__in": prisons_for(user)})


def get_prison_for_user(user, code: str, *, capability: str):
    """The prison with this code if the user may see it (else 404) and do `capability` there (else 403)."""
    prison = prisons_for(user).select_related("scheme", "local_authority").filter(code=code).first()
    if prison is None:
        raise Http404("No prison found")
    if not has_capability(user, capability):
        raise PermissionDenied
    return prison


@dataclass(frozen=True)
class ViewAccess:
    """What a view needs, kept on the view function as `view.access` by the decorators below, so
    what runs around views can tell them apart: the audit log (audit.reads) records reads of the
    views that show personal data, and which prison they were about (`request.checked_prison`)."""

    capability: str
    per_prison: bool


def prison_view(capability: str) -> Callable:
    """Decorate a view taking `code` from its URL: it receives the checked `prison` instead."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, code, *args, **kwargs):
            prison = get_prison_for_user(request.user, code, capability=capability)
            request.checked_prison = prison
            return view(request, prison, *args, **kwargs)

        wrapped.access = ViewAccess(capability=capability, per_prison=True)
        return wrapped

    return decorator


def require_capability(capability: str) -> Callable:
    """Decorate a view that is not about one prison: 403 unless the role has `capability`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_capability(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access = ViewAccess(capability=capability, per_prison=False)
        return wrapped

    return decorator
