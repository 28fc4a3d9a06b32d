from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange.history import record_import
from exchange.importer import run_import
from exchange.reading import read_path


class Command(BaseCommand):
    help = (
        "Import the data standard's files (a folder of CSV files, an XLSX workbook, cost "
        "templates) all or nothing; every bad row is reported as file:line: column: message."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, metavar="DIR_OR_FILE")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count, then save nothing"
        )

    def handle(self, *args, path: Path, dry_run: bool, **options):
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        report = run_import(read_path(path), dry_run=dry_run)
        record_import(report, user=None, source="command line")
        for error in report.errors:
            self.stderr.write(error)
        if not report.ok:
            raise CommandError(
                f"{len(report.errors)} problem{'s' if len(report.errors) != 1 else ''}: "
                "nothing was imported"
            )
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(f"{verb}: {report.summary() or 'no rows'}")
