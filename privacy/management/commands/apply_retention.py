import getpass

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from privacy import retention


def listing(counts) -> str:
    return ", ".join(f"{what} {count}" for what, count in sorted(counts.items())) or "nothing"


class Command(BaseCommand):
    help = (
        "Delete records kept longer than their retention period (settings.PEERCARE_RETENTION), "
        "with everything about the people in them and their history. Without --apply, a dry "
        "run: says what would be deleted and deletes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help="delete (without it, only say what would go)"
        )
        parser.add_argument(
            "--requested-by",
            metavar="NAME",
            help="who asked for the run, for its record (default: the operating system user)",
        )

    def handle(self, *args, **options):
        dry_run = not options["apply"]
        os_user = getpass.getuser()
        requested_by = (options["requested_by"] or "").strip() or os_user
        on = retention.today()
        try:
            results, run = retention.retention_apply(
                on=on, dry_run=dry_run, requested_by=requested_by, os_user=os_user
            )
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        except Exception as error:
            raise CommandError(
                f"Retention stopped and nothing was deleted: {type(error).__name__}: {error}"
            ) from error

        verb = "would be deleted" if dry_run else "deleted"
        if dry_run:
            self.stdout.write(
                f"Dry run on {on.isoformat()}: nothing has been deleted. Add --apply to delete."
            )
        for result in results:
            kind = result.kind
            self.stdout.write(
                f"{kind.name}: {result.records} {verb}, cut-off {result.cut_off.isoformat()} "
                f"({kind.label} are kept {result.years} years after {kind.counted_from})"
            )
            if result.records:
                self.stdout.write(f"  {verb}: {listing(result.erasure.deleted)}")
            if result.erasure.kept:
                kept = "would be kept" if dry_run else "kept"
                self.stdout.write(f"  {kept} without them: {listing(result.erasure.kept)}")
        if run is not None:
            self.stdout.write(f"Recorded as retention run {run.pk}, requested by {requested_by}.")
