"""Signing in with the second factor in tests.

Every user made by UserFactory has set up an authenticator app with TEST_TOTP_KEY (as every real
user has after their first sign-in), and every `client.force_login()` / `client.login()` in the
suite gives a session that has passed the second step (tests/conftest.py installs
`verified_login`): the pages' own tests are about the pages. The tests of two-factor sign-in
itself sign in with the password only (`password_only_login`) and give codes like a user does.
"""

import base64
import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

# 20 random-looking bytes, as base32 for typing into a browser test and hex as django-otp keeps it.
TEST_TOTP_KEY_BASE32 = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
TEST_TOTP_KEY = base64.b32decode(TEST_TOTP_KEY_BASE32).hex()

_client_login = Client._login


def password_only_login(client, user, backend=None):
    """Sign in as after the password, before the code (Client._login, which force_login calls).
    The user is read again first: signing out ends every session by raising the user's
    session_generation, which a copy held by the test would not know."""
    if user.pk is not None:
        user.refresh_from_db(fields=["session_generation"])
    _client_login(client, user, backend or "django.contrib.auth.backends.ModelBackend")


def authenticator_for(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=True, key=TEST_TOTP_KEY
        )
    return device


def verified_login(client, user, backend=None):
    """Client._login, then the second step passed with the user's app (one is made if needed)."""
    password_only_login(client, user, backend or getattr(user, "backend", None))
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
    session.save()


def totp(key_hex: str, at: float, *, step: int = 30) -> TOTP:
    generator = TOTP(bytes.fromhex(key_hex), step=step)
    generator.time = at
    return generator


def code_at(key_hex: str, at: float) -> str:
    return f"{totp(key_hex, at).token():06d}"


def next_code(user) -> str:
    """The code the user's app shows now, or, when that time step has been used already (a code
    works once), the next one: within the one step of drift the server allows, or after waiting
    for the clock to reach it."""
    device = authenticator_for(user)
    device.refresh_from_db()
    now = time.time()
    step_now = int(now // device.step)
    wanted = max(step_now, device.last_t + 1)
    if wanted > step_now + device.tolerance:
        time.sleep((wanted - device.tolerance) * device.step - now + 0.05)
    return code_at(device.key, wanted * device.step)
