import datetime as dt
import getpass
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from governance.models import Prison
from outcomes.extract import (
    AGE_BAND_METHOD,
    FILES,
    KEY_VARIABLE,
    PSEUDONYM_METHOD,
    Extract,
    KeyMissing,
    pseudonym_key,
    write_csv,
)
from outcomes.models import ExtractRun

REMOVED = (
    "Names, prison numbers and dates of birth; all free text (care plan notes, who made a "
    "best-interests decision, reasons for tasks outside the plan, reasons for not appointing, "
    "incident references, summaries, actions and outcomes, the prison's own missed-session "
    "labels, review comments). Informal helpers appear only by pseudonym."
)


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date written as YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Write a pseudonymised research extract (sessions, care plans, incidents, survey scores, "
        f"costs and people) for a period as CSV files with a manifest. Needs {KEY_VARIABLE}."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
        parser.add_argument(
            "--prison",
            dest="prisons",
            action="append",
            nargs="+",
            metavar="CODE",
            help="only these prisons (default: every prison)",
        )
        parser.add_argument("--output", required=True, type=Path, metavar="DIR")
        parser.add_argument(
            "--requested-by",
            metavar="NAME",
            help="who asked for the extract (default: the operating system user)",
        )

    def handle(self, *args, **options):
        date_from, date_to = iso_date(options["date_from"]), iso_date(options["date_to"])
        if date_from > date_to:
            raise CommandError("--from must not be after --to")
        try:
            key = pseudonym_key()
        except KeyMissing as error:
            raise CommandError(str(error)) from None
        prisons = self.prisons([code for codes in options["prisons"] or [] for code in codes])
        output = options["output"].expanduser().absolute()
        if output.exists() and not output.is_dir():
            raise CommandError(f"{output} exists and is not a directory")
        if output.is_dir() and any(output.iterdir()):
            raise CommandError(
                f"{output} already holds files: write each extract to a new or empty directory"
            )
        if not output.parent.is_dir():
            raise CommandError(f"{output.parent} does not exist")
        os_user = getpass.getuser()
        requested_by = (options["requested_by"] or "").strip() or os_user

        extract = Extract(key=key, date_from=date_from, date_to=date_to, prisons=prisons)
        # Written in a private directory beside the output and moved into place at the end, so a
        # failed extract leaves nothing behind.
        staging = Path(tempfile.mkdtemp(prefix=".research-extract-", dir=output.parent))
        try:
            files = []
            for spec in FILES:
                path = staging / spec.filename
                rows = write_csv(path, spec, extract)
                files.append(
                    {
                        "name": spec.filename,
                        "rows": rows,
                        "columns": list(spec.columns),
                        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                    }
                )
            row_counts = {file["name"]: file["rows"] for file in files}
            codes = [prison.code for prison in prisons]
            with transaction.atomic():
                run = ExtractRun.objects.create(
                    requested_by=requested_by,
                    os_user=os_user,
                    period_from=date_from,
                    period_to=date_to,
                    prisons=codes,
                    row_counts=row_counts,
                    output_path=str(output),
                )
                manifest = {
                    "extract": "PeerCare pseudonymised research extract",
                    "extract_run": run.pk,
                    "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
                    "prisons": codes,
                    "files": files,
                    "row_counts": row_counts,
                    "requested_by": requested_by,
                    "os_user": os_user,
                    "created_at": run.at.isoformat(),
                    "pseudonym_method": PSEUDONYM_METHOD,
                    "age_band_method": AGE_BAND_METHOD,
                    "removed": REMOVED,
                }
                (staging / "manifest.json").write_text(
                    json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
                )
                if output.exists():
                    output.rmdir()  # empty, checked above
                os.rename(staging, output)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        summary = ", ".join(f"{name} {rows}" for name, rows in row_counts.items())
        self.stdout.write(f"Wrote the extract to {output} (rows: {summary})")

    def prisons(self, codes: list[str]) -> list[Prison]:
        if not codes:
            return list(Prison.objects.order_by("code"))
        found = {prison.code: prison for prison in Prison.objects.filter(code__in=codes)}
        missing = sorted(set(codes) - set(found))
        if missing:
            raise CommandError(f"No prison with code {', '.join(missing)}")
        return [found[code] for code in sorted(found)]
