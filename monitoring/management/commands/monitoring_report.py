import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.spreadsheet import CsvWriter, safe_cell
from governance.models import Prison
from monitoring.disclosure import small_numbers_hidden
from monitoring.indicators import compute_all
from monitoring.summary import shown_value, summary_pdf


class Command(BaseCommand):
    help = (
        "Report the evaluation guide's monitoring indicators for prisons and a period, as JSON, "
        "CSV or the PDF monitoring summary."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--prison", required=True, action="append", metavar="CODE", dest="prisons"
        )
        parser.add_argument("--from", required=True, metavar="YYYY-MM-DD", dest="start")
        parser.add_argument("--to", required=True, metavar="YYYY-MM-DD", dest="end")
        parser.add_argument("--format", choices=["json", "csv", "pdf"], default="json")
        parser.add_argument(
            "--output", type=Path, help="write here instead of to the screen (needed for pdf)"
        )
        parser.add_argument(
            "--suppress-small",
            action="store_true",
            help="show counts of 1 to 4 as <5, as inspectors and national analysts see them",
        )

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
        prisons.sort(key=lambda prison: codes.index(prison.code))
        hide_small = options["suppress_small"]
        if options["format"] == "pdf":
            if not options["output"]:
                raise CommandError("--format pdf needs --output FILE: a PDF is not for the screen")
            pdf = summary_pdf(prisons, start, end, hide_small=hide_small)
            options["output"].write_bytes(pdf)
            return
        with small_numbers_hidden(hide_small):
            indicators = compute_all(prisons, start, end)
        report = report_json(codes, start, end, indicators, hide_small=hide_small)
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


def report_json(
    codes, start: dt.date, end: dt.date, indicators: dict, *, hide_small: bool = False
) -> dict:
    return {
        "prison_codes": codes,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "indicators": {
            key: plain(shown_value(key, indicator, hide_small))
            for key, indicator in indicators.items()
        },
    }


def report_csv(report: dict) -> str:
    """One row per figure: indicator, code (empty for a single value) and value (empty for none).

    Indicators and codes are text, quoted where a spreadsheet would read them as a formula; values
    are figures (numbers, decimals written as text by `plain`, or <5 and [c]) and are never
    quoted, so a negative figure would stay a number."""
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(["indicator", "code", "value"])
    for key, value in report["indicators"].items():
        if isinstance(value, dict):
            for code, number in value.items():
                writer.writerow([safe_cell(key), safe_cell(code), "" if number is None else number])
        else:
            writer.writerow([safe_cell(key), "", "" if value is None else value])
    return out.getvalue()
