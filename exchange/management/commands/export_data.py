from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange.export import cost_templates, export_files, export_workbook
from governance.models import Prison


class Command(BaseCommand):
    help = "Export prisons' records as the national data standard's files (CSV or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--prison", action="append", metavar="CODE", dest="prisons", required=True
        )
        parser.add_argument("--output", type=Path, required=True, metavar="DIR")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")

    def handle(self, *args, prisons, output: Path, format: str, **options):
        codes = list(dict.fromkeys(prisons))
        found = list(Prison.objects.filter(code__in=codes))
        unknown = sorted(set(codes) - {prison.code for prison in found})
        if unknown:
            raise CommandError(f"No prison with code {', '.join(unknown)}")
        if output.exists() and not output.is_dir():
            raise CommandError(f"{output} is a file: give a folder")
        output.mkdir(parents=True, exist_ok=True)
        if format == "csv":
            files = export_files(found)
        else:
            name = f"peercare-{'-'.join(sorted(codes))}.xlsx"
            files = {name: export_workbook(found), **cost_templates(found)}
        for name, data in files.items():
            (output / name).write_bytes(data)
        self.stdout.write(f"Wrote {len(files)} files to {output}")
