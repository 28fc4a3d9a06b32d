from django.core.management.base import BaseCommand

from buddies.demo import demo_seed_buddies
from buddies.demo_activity import demo_seed_sessions
from costs.demo import demo_seed_costs
from governance.demo import DEMO_PASSWORD, DEMO_TWO_FACTOR_KEY, USERS, demo_seed
from governance.demo_governance import demo_seed_governance
from outcomes.demo import demo_seed_surveys
from recipients.demo import demo_seed_recipients


class Command(BaseCommand):
    help = "Load the demo prisons, records and one user per role. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already holds a prison",
        )

    def handle(self, *args, **options):
        from governance.models import Prison

        if options["if_empty"] and Prison.objects.exists():  # a real or already seeded database
            self.stdout.write("The database already holds data: demo data not loaded.")
        else:
            created = (
                demo_seed()
                + demo_seed_buddies()
                + demo_seed_recipients()
                + demo_seed_sessions()
                + demo_seed_governance()
                + demo_seed_costs()
                + demo_seed_surveys()
            )
            self.stdout.write(
                f"Demo data: created {len(created)} records."
                if created
                else "Demo data already loaded."
            )
        self.stdout.write(f"\nDemo sign-ins (password {DEMO_PASSWORD}):")
        for username, role, *_ in USERS:
            self.stdout.write(f"  {username:<16} {role.label}")
        self.stdout.write(
            f"Then a code from an authenticator app with the key {DEMO_TWO_FACTOR_KEY}, or from\n"
            "  uv run python manage.py two_factor_code demo_lead   (any demo username)"
        )
