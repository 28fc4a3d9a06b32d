"""Accounts for the load test: leads of the demo prison, one per simulated user.

A code from an authenticator app works once, so simulated users sharing one account would queue
for the next 30-second code; real leads each have their own account. `create(count)` copies the
demo lead (role, prisons, password hash: the password is hashed once, not `count` times) to
load_lead_1 ... load_lead_<count>, each with an authenticator app holding the demo key.
bench/load/run.py calls it in the template database after seed_demo:

    manage.py shell -c "from bench.load.accounts import create; create(1000)"
"""

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import User


@transaction.atomic
def create(count: int, *, model: str = "demo_lead", prefix: str = "load_lead_") -> None:
    lead = User.objects.get(username=model)
    device = two_factor.authenticator(lead)
    prisons = list(lead.prisons.all())
    users = User.objects.bulk_create(
        User(
            username=f"{prefix}{number}",
            first_name="Load",
            last_name=f"Lead {number}",
            role=lead.role,
            password=lead.password,
        )
        for number in range(1, count + 1)
    )
    through = User.prisons.through
    through.objects.bulk_create(
        through(user_id=user.pk, prison_id=prison.pk) for user in users for prison in prisons
    )
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name=device.name, confirmed=True, key=device.key) for user in users
    )
