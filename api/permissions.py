"""The API's permissions: the capabilities of accounts.policy, nothing else.

A request without a valid token (or session) gets 401; a role without the capability gets 403.
Which prisons' records a user reads is decided by the querysets (policy.scope, policy.prisons_for),
so a record outside the user's prisons is simply not found (404), as on the web.
"""

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from accounts import policy

NO_ACCESS = "You do not have access: your role does not let you see or change this"


class CapabilityPermission(BasePermission):
    capability = ""
    message = NO_ACCESS

    def has_permission(self, request, view) -> bool:
        return policy.has_capability(request.user, self.capability)


def can(capability: str) -> type[CapabilityPermission]:
    """A permission class for one capability of accounts.policy."""
    return type(f"Can_{capability}", (CapabilityPermission,), {"capability": capability})


def require(user, capability: str) -> None:
    """403 unless the user's role has the capability (for a write checked after the lookup)."""
    if not policy.has_capability(user, capability):
        raise PermissionDenied(NO_ACCESS)


ViewAggregates = can(policy.VIEW_AGGREGATES)
ViewPersonalData = can(policy.VIEW_PERSONAL_DATA)
