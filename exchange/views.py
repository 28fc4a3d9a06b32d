"""Import and export in the browser, for a prison's social care lead: upload, a preview of what
would change, confirm; the error report as a table and a CSV; the history of imports; and the
standard's files to download at any time."""

import io
import zipfile

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import policy
from common.downloads import attachment
from common.spreadsheet import CsvWriter, safe_row
from exchange.export import export_files, export_workbook
from exchange.forms import ImportForm
from exchange.history import record_import
from exchange.importer import run_import
from exchange.models import ImportRun
from exchange.reading import MAX_UPLOAD_BYTES, FileSet, read_named


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def unzipped(data: bytes) -> FileSet:
    files = FileSet()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            read_named(name, archive.read(name), files)
    return files


@policy.prison_view(policy.MANAGE_SCHEME)
def exchange_home(request, prison):
    """Download the prison's records; upload files to import; the imports so far."""
    form = ImportForm()
    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_UPLOAD_BYTES + 1024 * 1024:
            form.add_error(None, "The files must be 20 MB or smaller in all")
        else:
            form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            uploads = {upload.name: upload.read() for upload in form.cleaned_data["files"]}
            files = FileSet()
            for name, data in uploads.items():
                read_named(name, data, files)
            report = run_import(files, user=request.user, allowed_codes={prison.code}, dry_run=True)
            run = record_import(report, user=request.user, source="browser", prison=prison)
            if report.ok:
                run.pending = zipped(uploads)
                run.save(update_fields=["pending"])
            return redirect("import-detail", prison.code, run.pk)
    runs = ImportRun.objects.filter(prison=prison).select_related("by")[:50]
    return render(request, "exchange/exchange.html", {"prison": prison, "form": form, "runs": runs})


def _run(prison, run_id) -> ImportRun:
    return get_object_or_404(ImportRun, prison=prison, pk=run_id)


@policy.prison_view(policy.MANAGE_SCHEME)
def import_detail(request, prison, run_id):
    run = _run(prison, run_id)
    return render(
        request,
        "exchange/import_detail.html",
        {"prison": prison, "run": run, "errors": [split_error(error) for error in run.errors]},
    )


def split_error(error: str) -> tuple[str, str, str]:
    """`file:line: column: message` as (file:line, column, message)."""
    where, _sep, rest = error.partition(": ")
    column, _sep, message = rest.partition(": ")
    return where, column, message


@policy.prison_view(policy.MANAGE_SCHEME)
@require_POST
def import_confirm(request, prison, run_id):
    """Import the checked files for real. The records may have changed since the check, so the
    files are checked again; if they now fail, nothing is saved and the new problems are shown."""
    run = _run(prison, run_id)
    if not run.awaiting_confirmation:
        messages.error(request, "These files have already been imported or were not checked")
        return redirect("import-detail", prison.code, run.pk)
    report = run_import(unzipped(run.pending), user=request.user, allowed_codes={prison.code})
    done = record_import(report, user=request.user, source="browser", prison=prison)
    run.pending = None
    run.save(update_fields=["pending"])
    if report.ok:
        messages.success(request, f"Imported: {report.summary()}")
    return redirect("import-detail", prison.code, done.pk)


@policy.prison_view(policy.MANAGE_SCHEME)
def import_errors_csv(request, prison, run_id):
    run = _run(prison, run_id)
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(["file", "line", "column", "message"])
    for error in run.errors:
        where, column, message = split_error(error)
        file, _sep, line = where.rpartition(":")
        # File names and the messages' quoted cells come from the uploaded files.
        writer.writerow(safe_row([file, line, column, message]))
    return attachment(
        out.getvalue().encode("utf-8"),
        f"import-{run.pk}-problems.csv",
        "text/csv; charset=utf-8",
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def export_zip(request, prison):
    """The prison's records as the standard's CSV files (and cost templates) in a zip."""
    return attachment(
        zipped(export_files([prison])),
        f"peercare-{prison.code}-{timezone.localdate().isoformat()}.zip",
        "application/zip",
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def export_xlsx(request, prison):
    """The prison's records as one XLSX workbook, a sheet for each of the standard's files."""
    return attachment(
        export_workbook([prison]),
        f"peercare-{prison.code}-{timezone.localdate().isoformat()}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
