import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from accounts import two_factor
from accounts.models import User


class Command(BaseCommand):
    help = (
        "Development and demo only: print the code a user's authenticator app shows now, so the "
        "demo can be tried without a phone. Refused when DJANGO_ENV=production."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("two_factor_code is for development and demos, not production.")
        user = User.objects.filter(username=options["username"]).first()
        device = user and two_factor.authenticator(user)
        if device is None:
            raise CommandError(f"{options['username']} has no authenticator app set up.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        left = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}  (for {left} more seconds)")
