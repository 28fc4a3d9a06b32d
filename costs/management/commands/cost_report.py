import io
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.spreadsheet import CsvWriter, safe_cell
from costs.models import CostYear
from costs.services import cost_report


class Command(BaseCommand):
    help = "Report a prison's costs for a financial year as JSON, CSV or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--prison", required=True, metavar="CODE")
        parser.add_argument("--year", required=True, metavar="YYYY-YY")
        parser.add_argument("--format", choices=["json", "csv", "pdf"], default="json")
        parser.add_argument("--output", type=Path, help="write here instead of to the screen")

    def handle(self, *args, **options):
        cost_year = (
            CostYear.objects.filter(prison__code=options["prison"], financial_year=options["year"])
            .select_related("prison")
            .first()
        )
        if cost_year is None:
            raise CommandError(f"No costs recorded for {options['prison']} in {options['year']}")
        report = cost_report(cost_year).as_json()
        if options["format"] == "json":
            content = json.dumps(report, indent=2) + "\n"
        elif options["format"] == "csv":
            content = report_csv(report)
        else:
            from common.pdf import render_pdf

            where = f"{cost_year.prison.name}, {cost_year.financial_year}"
            content = render_pdf(
                template_name="costs/report_pdf.html",
                context={
                    "report": report,
                    "prison": cost_year.prison,
                    "running_header": where.replace(", ", " · "),
                },
                title=f"Costs of the peer support scheme: {where}",
                sensitive=False,
            )
        if options["output"]:
            mode = "wb" if isinstance(content, bytes) else "w"
            with open(options["output"], mode) as out:
                out.write(content)
        elif isinstance(content, bytes):
            raise CommandError("A PDF needs --output FILE")
        else:
            self.stdout.write(content, ending="")


def report_csv(report: dict) -> str:
    """The report as rows of figure and amount, in the order of the JSON keys.

    Text in the amount column (the prison, the year, the source, and the reasons a figure is
    incomplete, which quote the uploaded template) is quoted where a spreadsheet would read it as a
    formula; amounts and counts are written as they are, so they stay numbers."""
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(["figure", "amount"])
    for key in ["prison_code", "financial_year", "source_of_buddy_pay", "buddies", "recipients"]:
        writer.writerow([key, safe_cell(report[key])])
    for name, amount in report["components"].items():
        writer.writerow([f"components.{name}", amount])
    for payer, amount in report["by_payer"].items():
        writer.writerow([f"by_payer.{payer}", amount])
    for key in [
        "total",
        "total_excluding_training",
        "per_buddy",
        "per_buddy_excluding_training",
        "per_recipient",
        "per_recipient_excluding_training",
    ]:
        writer.writerow([key, "" if report[key] is None else report[key]])
    for scheme, amount in report["per_recipient_by_scheme"].items():
        writer.writerow([f"per_recipient_by_scheme.{scheme}", amount])
    for reason in report["incomplete"]:
        writer.writerow(["incomplete", safe_cell(reason)])
    return out.getvalue()
