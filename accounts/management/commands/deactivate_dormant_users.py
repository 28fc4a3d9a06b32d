from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import formats, timezone

from accounts.dormancy import deactivate_dormant_users, dormant_users


class Command(BaseCommand):
    help = (
        "Deactivate accounts not used for PEERCARE_DORMANT_AFTER_DAYS days (90), or "
        "PEERCARE_DORMANT_ADMIN_AFTER_DAYS (180) for administrators: their sessions end and "
        "they can no longer sign in. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list the accounts, change nothing"
        )

    def handle(self, *args, dry_run, **options):
        today = timezone.localdate()
        if dry_run:
            users = list(dormant_users(today=today))
            verb = "Would deactivate"
        else:
            users = deactivate_dormant_users(today=today)
            verb = "Deactivated"
        for user in users:
            self.stdout.write(
                f"{verb} {user.username} ({user.get_role_display()}): {_last_use(user)}"
            )
        count = len(users)
        self.stdout.write(
            f"{verb} {count} account{'' if count == 1 else 's'} not used for "
            f"{settings.PEERCARE_DORMANT_AFTER_DAYS} days "
            f"({settings.PEERCARE_DORMANT_ADMIN_AFTER_DAYS} for administrators)."
        )


def _last_use(user) -> str:
    if user.last_login is None:
        return f"never signed in, added {_day(user.date_joined)}"
    return f"last signed in {_day(user.last_login)}"


def _day(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y")
