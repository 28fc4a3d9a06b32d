import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from costs.services import cost_year_import
from costs.template import TemplateInvalid


class Command(BaseCommand):
    help = "Import one prison's cost template for a financial year (cost-template JSON). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        path = options["file"]
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError as error:
            raise CommandError(f"{path}: no such file") from error
        except json.JSONDecodeError as error:
            raise CommandError(f"{path}:{error.lineno}: {error.colno}: {error.msg}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path}:1: file: not UTF-8 text ({error.reason})") from error
        except RecursionError as error:  # Python's parser stops about a thousand levels deep
            raise CommandError(
                f"{path}:1: file: nested too deeply to be a cost template"
            ) from error
        try:
            cost_year = cost_year_import(data=data)
        except TemplateInvalid as invalid:
            raise CommandError("\n".join(invalid.errors)) from invalid
        self.stdout.write(
            f"Imported costs for {cost_year.prison.code} in {cost_year.financial_year}"
        )
