"""The record of every import run."""

from dataclasses import asdict

from exchange.importer import ImportReport
from exchange.models import ImportRun


def record_import(report: ImportReport, *, user, source: str, prison=None) -> ImportRun:
    if not report.ok:
        result = ImportRun.Result.REFUSED
    elif report.dry_run:
        result = ImportRun.Result.CHECKED
    else:
        result = ImportRun.Result.IMPORTED
    return ImportRun.objects.create(
        prison=prison,
        by=user,
        source=source,
        files=report.files,
        counts={kind: asdict(counts) for kind, counts in report.counts.items()},
        errors=report.errors,
        result=result,
    )
