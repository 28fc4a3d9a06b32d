"""The jobs to run once a day, in one command for one scheduler (docker-compose.yml's scheduler
service runs it every 24 hours; cron or a platform's scheduled job will do as well):

1. `deactivate_dormant_users`: accounts not used for 90 days (180 for administrators);
2. prepared files (files app) older than their keep time (KEEP_DAYS) are deleted: nobody can
   download them any more, and they hold figures from the database;
3. django-tasks-db's `prune_db_task_results`: the queue's finished task results older than 14
   days (its default), in every queue;
4. Django's `clearsessions`: sessions past their expiry, which nobody can use any more.

Each job runs even when one before it failed; the command then fails, naming the jobs that did,
so the scheduler's log shows it.
"""

import logging

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from files.models import KEEP_DAYS, delete_expired

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "The daily jobs: deactivate dormant accounts, delete prepared files past their keep "
        "time, prune finished background task results and expired sessions. Run it once a day."
    )

    def handle(self, *args, **options):
        jobs = [
            ("deactivate_dormant_users", self.deactivate_dormant_users),
            ("expired prepared files", self.delete_expired_prepared_files),
            ("prune_db_task_results", self.prune_task_results),
            ("clearsessions", self.clear_sessions),
        ]
        failed = []
        for name, job in jobs:
            try:
                job()
            except Exception:
                logger.exception("Daily housekeeping: %s failed", name)
                failed.append(name)
        if failed:
            raise CommandError(f"Daily housekeeping: failed: {', '.join(failed)}")
        self.stdout.write("Daily housekeeping done.")

    def deactivate_dormant_users(self):
        call_command("deactivate_dormant_users", stdout=self.stdout, stderr=self.stderr)

    def delete_expired_prepared_files(self):
        count = delete_expired(timezone.now())
        self.stdout.write(
            f"Deleted {count} prepared file{'' if count == 1 else 's'} older than {KEEP_DAYS} days."
        )

    def prune_task_results(self):
        # It reports on its own logger (the service's log), not on standard output.
        call_command("prune_db_task_results", queue_name="*", stdout=self.stdout)

    def clear_sessions(self):
        call_command("clearsessions")
        self.stdout.write("Deleted the expired sessions.")
