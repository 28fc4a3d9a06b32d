import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from governance.models import Prison
from monitoring.indicators import compute_all


class Command(BaseCommand):
    help = "Report the evaluation guide's monitoring indicators for prisons and a period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--prison", required=True, action="append", metavar="CODE", dest="prisons"
        )
        parser.add_argument("--from", required=True, metavar="YYYY-MM-DD", dest="start")
        parser.add_argument("--to", required=True, metavar="YYYY-MM-DD", dest="end")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--output", type=Path, help="write here instead of to the screen")

    def handle(self, *args, **options):
        start = parse_date(options["start"], "--from")
        end = parse_date(options["end"], "--to")
        if start > end:
            raise CommandError(f"--from ({start}) must be on or before --to ({end})")
        codes = list(dict.fromkeys(options["prisons"]))
        prisons = list(Prison.objects.filter(code__in=codes))
        unknown = sorted(set(codes) - {prison.code for prison in prisons})
        if unknown:
            raise CommandError(f"No prison with code {', '.join(unknown)}")
        report = report_json(codes, start, end, compute_all(prisons, start, end))
        content = (
            json.dumps(report, indent=2) + "\n"
            if options["format"] == "json"
            else report_csv(report)
        )
        if options["output"]:
            with open(options["output"], "w", newline="") as out:
                out.write(content)
        else:
            self.stdout.write(content, ending="")


def parse_date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"{option} must be a real date written YYYY-MM-DD, like 2026-01-31 (got {value!r})"
        ) from None


def plain(value):
    """Decimals as strings, so that no figure passes through a float; breakdowns as objects."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(code): plain(number) for code, number in value.items()}
    return value


def report_json(codes, start: dt.date, end: dt.date, indicators: dict) -> dict:
    return {
        "prison_codes": codes,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "indicators": {key: plain(indicator.value) for key, indicator in indicators.items()},
    }


def report_csv(report: dict) -> str:
    """One row per figure: indicator, code (empty for a single value) and value (empty for none)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["indicator", "code", "value"])
    for key, value in report["indicators"].items():
        if isinstance(value, dict):
            for code, number in value.items():
                writer.writerow([key, code, "" if number is None else number])
        else:
            writer.writerow([key, "", "" if value is None else value])
    return out.getvalue()
