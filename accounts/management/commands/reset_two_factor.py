from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import two_factor
from accounts.constants import Role
from accounts.models import User
from audit.events import record_security_event


class Command(BaseCommand):
    help = (
        "Reset a user's two-factor sign-in when they have lost their phone and their recovery "
        "codes: their authenticator app and recovery codes are deleted, every session of theirs "
        "ends, and their next sign-in sets up a new app. --by names the administrator doing it; "
        "the reset is written to the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="whose second factor to reset")
        parser.add_argument(
            "--by", required=True, metavar="USERNAME", help="the administrator resetting it"
        )

    def handle(self, *args, **options):
        admin = User.objects.filter(username=options["by"], is_active=True).first()
        if admin is None or admin.role != Role.ADMIN:
            raise CommandError(f"--by: {options['by']} is not an active administrator.")
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']}.")
        with transaction.atomic():
            deleted = two_factor.reset(user)
            user.end_every_session()
            record_security_event(
                "two_factor_reset", user=user, actor=admin, detail={"devices_deleted": deleted}
            )
        self.stdout.write(
            f"Two-factor sign-in reset for {user.username} by {admin.username}: "
            f"{deleted} device{'s' if deleted != 1 else ''} deleted. They set up a new app "
            "at their next sign-in."
        )
