"""Two-factor sign-in: a password, then a code from an authenticator app (TOTP, RFC 6238).

Every user, in every role, proves both before any page but the public ones (sign-in, help,
accessibility, privacy) and the steps of two-factor sign-in itself: `RequireTwoFactor` (in
middleware.py) sends a signed-in user without a verified second factor to set one up, or to
enter a code. The API's tokens are a separate credential made by a user who was verified when
they made it; a browser session that has not passed the second step counts as no session there.

django-otp does the cryptography and the bookkeeping:
- the authenticator app is a `TOTPDevice`: six digits, 30 seconds, one step of clock drift either
  way. A code works once: a device remembers the last time step it accepted (`last_t`) and
  refuses that step and any earlier one;
- recovery codes are a `StaticDevice` named RECOVERY_NAME holding RECOVERY_CODE_COUNT one-use
  codes, for the day the phone is lost;
- wrong codes slow down the next try (django-otp's throttling: 1, 2, 4, 8... seconds after each
  failure, reset by a right code), so guessing six digits is not practical.

An administrator resets a user's second factor with `manage.py reset_two_factor USERNAME`
(`reset`): their devices are deleted and every session of theirs ends, so the next sign-in sets up
a new app. Set-up, new recovery codes, resets and wrong codes are written to the audit log.
"""

import base64
import io

from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10


def authenticator(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=RECOVERY_NAME).first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_NAME).count()


def pending_authenticator(user) -> TOTPDevice:
    """The app being set up: an unconfirmed device with a new secret, kept while the user scans
    it (so reloading the page shows the same code to scan), replaced by nothing until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    return device


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The set-up QR code as an SVG image in a data: address, so the page needs no second
    request and no inline markup the content security policy would have to allow."""
    out = io.BytesIO()
    write_qrcode_image(device.config_url, out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def clean_code(code: str) -> str:
    """What people type: spaces and dashes between the digits or letters are allowed."""
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones; the old ones stop
    working. The codes are shown once, then only their number."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def wait_seconds(device) -> int:
    """Seconds before this device will check another code (0: now)."""
    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return 0
    return max(1, int((data["locked_until"] - timezone.now()).total_seconds() + 0.999))


@transaction.atomic
def confirm_authenticator(request, device: TOTPDevice, code: str) -> bool:
    """Set-up's last step: the first code from the app proves it holds the secret. Then the
    device is confirmed, any older app of the user's is removed, and this session is verified."""
    if not device.verify_token(clean_code(code)):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    verified(request, device)
    return True


def verify_code(request, device, code: str) -> bool:
    """Check a code from the app or a recovery code against `device`; a right one verifies this
    session. A recovery code is used up."""
    if device is None or not device.verify_token(clean_code(code)):
        return False
    verified(request, device)
    return True


def verified(request, device) -> None:
    """Mark this session as having passed the second step, under a new session key: the key a
    password-only session had (which may have been seen) never carries the full sign-in."""
    request.session.cycle_key()
    otp_login(request, device)


@transaction.atomic
def reset(user) -> int:
    """An administrator's reset: every device of the user is deleted (the app, pending set-ups
    and recovery codes). Returns how many were deleted. The caller ends the user's sessions."""
    deleted = 0
    for model in (TOTPDevice, StaticDevice):
        _, by_model = model.objects.filter(user=user).delete()
        deleted += by_model.get(model._meta.label, 0)
    return deleted
