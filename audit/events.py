"""Security events: sign-in, lockout, two-factor changes, role and prison changes, API tokens.

`record_security_event` is the one way to record one; the receivers below call it for what
Django, django-axes and knox announce. Every event names who did it (`user` on the event, with
the username copied) and, when it is about an account, that account (object type "user", its
username in detail["account"]). Who did it is, in order: the `actor` given; whoever is signed in
on the request; for what only the account holder can do (signing in and out, setting up
two-factor authentication, making recovery codes or an API token) the account itself; otherwise
nobody known: "system" when there is no request (a management command), blank for someone not
signed in (a failed sign-in, a lockout, a refused two-factor code).

Kinds (audit.constants.AuditKind) and what records them:
- sign_in, sign_out, sign_in_failed: Django's user_logged_in, user_logged_out and
  user_login_failed signals. A failed sign-in keeps the username tried (detail["account"]),
  never the password;
- locked_out: django-axes's user_locked_out signal, once axes is in INSTALLED_APPS;
- two_factor_set_up, two_factor_reset, two_factor_failed, recovery_codes_created: the two-factor
  sign-in pages call record_security_event(kind, user=the account, request=request);
- account_created, role_changed, local_authority_changed, prisons_changed: saving a user, and
  changing the prisons they work in (either side of the relation);
- token_created, token_revoked: a knox API token made, or deleted (revoked, or cleaned up after
  it expired: detail["expired"]).
"""

import ipaddress

from django.apps import apps
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import Signal
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.constants import Role
from audit.constants import SECURITY_KINDS, SYSTEM, AuditKind, ObjectType
from audit.models import AuditEvent

# What only the account holder does: with no one else signed in, they did it themselves.
BY_ACCOUNT_HOLDER = frozenset(
    {
        AuditKind.SIGN_IN,
        AuditKind.SIGN_OUT,
        AuditKind.TWO_FACTOR_SET_UP,
        AuditKind.RECOVERY_CODES_CREATED,
        AuditKind.RECOVERY_CODE_USED,
        AuditKind.TOKEN_CREATED,
    }
)


def current_request():
    """The request being answered in this thread, if any (simple_history's middleware keeps it)."""
    return getattr(HistoricalRecords.context, "request", None)


def client_ip(request) -> str | None:
    """The address the request came from (REMOTE_ADDR: the proxy's, behind one), if it is one."""
    value = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def request_fields(request) -> dict:
    """Where an event happened: the page (URL name and address), method, address and browser."""
    if request is None:
        return {}
    match = getattr(request, "resolver_match", None)
    return {
        "action": ((match.url_name or "") if match else "")[:100],
        "path": request.get_full_path()[:2000] if request.path else "",
        "method": (request.method or "")[:10],
        "ip_address": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }


def actor_fields(actor, *, request) -> dict:
    """Who did it: a signed-in user, with username and role copied; else 'system' for a command,
    or blank for someone not signed in."""
    if actor is not None and actor.is_authenticated:
        return {"user_id": actor.pk, "username": actor.get_username(), "role": actor.role}
    return {} if request is not None else {"username": SYSTEM}


def record_security_event(
    kind: str, *, user=None, actor=None, request=None, detail: dict | None = None
) -> AuditEvent:
    """Record a security event (one of audit.constants.SECURITY_KINDS) about the account `user`,
    done by `actor` (see the module's docstring for who it is when not given). `request` defaults
    to the one being answered; `detail` must never hold a password, code or secret."""
    return _record(kind, user=user, actor=actor, request=request, detail=detail)


def _record(kind, *, user=None, actor=None, request=None, detail=None, system=False, ip=None):
    if kind not in SECURITY_KINDS:
        raise ValueError(f"{kind!r} is not a security event: use one of {sorted(SECURITY_KINDS)}")
    if request is None:
        request = current_request()
    if actor is None and not system:
        signed_in = getattr(request, "user", None)
        if signed_in is not None and signed_in.is_authenticated:
            actor = signed_in
        elif kind in BY_ACCOUNT_HOLDER:
            actor = user
    details = dict(detail or {})
    about = {}
    if user is not None:
        about = {"object_type": ObjectType.USER, "object_id": user.pk}
        details.setdefault("account", user.get_username())
    fields = request_fields(request)
    if ip is not None:
        fields["ip_address"] = ip
    event = AuditEvent(
        kind=kind,
        **(actor_fields(actor, request=request) if not system else {"username": SYSTEM}),
        **fields,
        **about,
        detail=details,
    )
    event.save()
    return event


# --- Sign-in ------------------------------------------------------------------------------------


def _signed_in(sender, request, user, **kwargs):
    record_security_event(AuditKind.SIGN_IN, user=user, request=request)


def _signed_out(sender, request, user, **kwargs):
    if user is not None:  # signing out when not signed in is nothing
        record_security_event(AuditKind.SIGN_OUT, user=user, request=request)


def _sign_in_failed(sender, credentials, request=None, **kwargs):
    """Keeps the username tried (Django has already masked anything like a password)."""
    tried = str(credentials.get("username", ""))[:150]
    record_security_event(AuditKind.SIGN_IN_FAILED, request=request, detail={"account": tried})


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    """django-axes has locked out a username or address after too many failed sign-ins."""
    try:
        ip = str(ipaddress.ip_address(ip_address or ""))
    except ValueError:
        ip = None
    _record(
        AuditKind.LOCKED_OUT,
        request=request,
        detail={"account": str(username or "")[:150]},
        ip=ip,
    )


# Stands in for axes.signals.user_locked_out while django-axes is not in INSTALLED_APPS: that
# module cannot be imported then (it defines axes's models). Nothing sends the stand-in.
_lockout_stand_in = Signal()


def lockout_signal() -> Signal:
    """The signal django-axes sends when it locks someone out."""
    if apps.is_installed("axes"):
        from axes.signals import user_locked_out

        return user_locked_out
    return _lockout_stand_in


# --- Roles, prisons and local authorities -------------------------------------------------------

SCOPE_FIELDS = {"role", "local_authority", "local_authority_id"}


def _local_authority_name(pk) -> str | None:
    if pk is None:
        return None
    from governance.models import LocalAuthority

    return LocalAuthority.objects.filter(pk=pk).values_list("name", flat=True).first()


def _role_label(code) -> str:
    return Role(code).label if code in Role.values else str(code or "")


def _user_saving(sender, instance, raw=False, update_fields=None, **kwargs):
    """Remember the role and local authority before a change, to record what changed."""
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not SCOPE_FIELDS & set(update_fields):
        return  # signing in saves last_login only: no look-up
    instance._audit_before = (
        sender._default_manager.filter(pk=instance.pk).values("role", "local_authority_id").first()
    )


def _user_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        detail = {"role": _role_label(instance.role)}
        if instance.local_authority_id:
            detail["local_authority"] = _local_authority_name(instance.local_authority_id)
        record_security_event(AuditKind.ACCOUNT_CREATED, user=instance, detail=detail)
        return
    before = instance.__dict__.pop("_audit_before", None)
    if not before:
        return
    if before["role"] != instance.role:
        record_security_event(
            AuditKind.ROLE_CHANGED,
            user=instance,
            detail={"from": _role_label(before["role"]), "to": _role_label(instance.role)},
        )
    if before["local_authority_id"] != instance.local_authority_id:
        record_security_event(
            AuditKind.LOCAL_AUTHORITY_CHANGED,
            user=instance,
            detail={
                "from": _local_authority_name(before["local_authority_id"]),
                "to": _local_authority_name(instance.local_authority_id),
            },
        )


def _prisons_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A user given or taken off prisons: user.prisons.add(...), or prison.staff_users.add(...)."""
    from accounts.models import User
    from governance.models import Prison

    if action == "pre_clear":
        related = instance.staff_users if reverse else instance.prisons
        instance._audit_cleared = set(related.values_list("pk", flat=True))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    cleared = action == "post_clear"  # clear() gives no ids: they were noted just before
    ids = instance.__dict__.pop("_audit_cleared", set()) if cleared else set(pk_set or ())
    if not ids:
        return
    if reverse:
        users, codes = list(User.objects.filter(pk__in=ids).order_by("pk")), [instance.code]
    else:
        users = [instance]
        codes = sorted(Prison.objects.filter(pk__in=ids).values_list("code", flat=True))
    change = "added" if action == "post_add" else "removed"
    for user in users:
        record_security_event(AuditKind.PRISONS_CHANGED, user=user, detail={change: codes})


# --- API tokens ---------------------------------------------------------------------------------


def _token_start(token) -> str:
    """The start of the token its owner's page shows to tell tokens apart; never the digest."""
    return token.token_key[:8]


def _token_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        expiry = instance.expiry.isoformat() if instance.expiry else None
        record_security_event(
            AuditKind.TOKEN_CREATED,
            user=instance.user,
            detail={"token": _token_start(instance), "expires": expiry},
        )


def _token_deleted(sender, instance, **kwargs):
    """Revoked by someone, or cleaned up by knox once expired (then nobody did it: 'system')."""
    expired = instance.expiry is not None and instance.expiry <= timezone.now()
    _record(
        AuditKind.TOKEN_REVOKED,
        user=instance.user,
        detail={
            "token": _token_start(instance),
            "created": instance.created.isoformat(),
            "expired": expired,
        },
        system=expired,
    )


def connect_receivers() -> None:
    from accounts.models import User

    user_logged_in.connect(_signed_in, dispatch_uid="audit.signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="audit.signed_out")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="audit.sign_in_failed")
    lockout_signal().connect(_locked_out, dispatch_uid="audit.locked_out")
    pre_save.connect(_user_saving, sender=User, dispatch_uid="audit.user_saving")
    post_save.connect(_user_saved, sender=User, dispatch_uid="audit.user_saved")
    m2m_changed.connect(
        _prisons_changed, sender=User.prisons.through, dispatch_uid="audit.prisons_changed"
    )
    token_model = apps.get_model(settings.KNOX_TOKEN_MODEL)
    post_save.connect(_token_saved, sender=token_model, dispatch_uid="audit.token_saved")
    post_delete.connect(_token_deleted, sender=token_model, dispatch_uid="audit.token_deleted")


# --- Retention ----------------------------------------------------------------------------------


def audit_events_purge(rows):
    """The retention purge (privacy.retention, kind "audit_event"): deletes the expired events."""
    from privacy.retention import Erasure

    erasure = Erasure()
    deleted = rows.purge()
    if deleted:
        erasure.deleted["audit events"] = deleted
    return erasure
