"""Import and export in the browser: upload, preview, confirm; the problems as a table and a CSV;
the history of imports; downloads of the standard's files."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from buddies.models import Buddy, Session
from exchange.models import ImportRun
from governance.reference import sync_reference_codes
from tests.test_exchange import ASSIGNMENTS, BUDDIES, PLANS, RECIPIENTS, SESSIONS


@pytest.fixture(autouse=True)
def codes(db):
    sync_reference_codes()


def uploads(**contents: str) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(f"{kind}.csv", text.encode(), content_type="text/csv")
        for kind, text in contents.items()
    ]


SCHEME = {
    "buddies": BUDDIES,
    "recipients": RECIPIENTS,
    "care_plans": PLANS,
    "assignments": ASSIGNMENTS,
    "sessions": SESSIONS,
}


def test_a_lead_checks_then_confirms_an_import(client, lead, home_prison):
    client.force_login(lead)
    url = reverse("exchange", args=["HMX"])
    response = client.post(url, {"files": uploads(**SCHEME)})
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import-detail", args=["HMX", run.pk])
    assert (run.result, run.prison, run.by) == ("checked", home_prison, lead)
    assert Session.objects.count() == 0  # nothing saved until confirmed
    page = client.get(response["Location"]).content.decode()
    assert "Check what will be imported" in page
    assert "Import these records" in page

    response = client.post(reverse("import-confirm", args=["HMX", run.pk]), follow=True)
    page = response.content.decode()
    assert "Imported: prisons" not in page  # no prisons file was sent
    assert "Imported: buddies: 1 new" in page
    assert (Buddy.objects.count(), Session.objects.count()) == (1, 2)
    assert Session.objects.filter(logged_by=lead).count() == 2
    run.refresh_from_db()
    assert run.pending is None  # the uploaded files are not kept once imported
    assert list(ImportRun.objects.values_list("result", flat=True)) == ["imported", "checked"]

    # Confirming the same check again imports nothing twice.
    client.post(reverse("import-confirm", args=["HMX", run.pk]))
    assert ImportRun.objects.count() == 2 and Session.objects.count() == 2


def test_problems_are_listed_and_downloadable(client, lead, home_prison):
    client.force_login(lead)
    bad = SESSIONS.replace(",30,meals_collect,", ",30,feeding,")
    response = client.post(
        reverse("exchange", args=["HMX"]), {"files": uploads(**{**SCHEME, "sessions": bad})}
    )
    run = ImportRun.objects.get()
    assert run.result == "refused" and run.pending is None
    page = client.get(response["Location"]).content.decode()
    assert "1 problem: nothing has been saved" in page
    assert "sessions.csv:2" in page and "Feeding is never allowed for a buddy" in page
    problems = client.get(reverse("import-errors-csv", args=["HMX", run.pk]))
    rows = list(csv.reader(io.StringIO(problems.content.decode())))
    assert rows[0] == ["file", "line", "column", "message"]
    assert rows[1][:3] == ["sessions.csv", "2", "tasks"]
    assert rows[1][3].startswith("Feeding is never allowed for a buddy: ")
    assert problems["Cache-Control"] == "no-store"
    assert Buddy.objects.count() == 0


def test_rows_of_another_prison_are_refused(client, lead, home_prison, other_prison):
    client.force_login(lead)
    theirs = BUDDIES.replace("HMX,", "OTX,")
    client.post(reverse("exchange", args=["HMX"]), {"files": uploads(buddies=theirs)})
    assert ImportRun.objects.get().errors == [
        "buddies.csv:2: prison_code: you cannot import into HMP Other (OTX)"
    ]


def test_a_file_that_is_not_of_the_standard_is_named(client, lead, home_prison):
    client.force_login(lead)
    odd = SimpleUploadedFile("people.txt", b"hello")
    client.post(reverse("exchange", args=["HMX"]), {"files": [odd]})
    assert (
        ImportRun.objects.get()
        .errors[0]
        .startswith("people.txt:1: file: not a file of the data standard")
    )


def test_an_upload_over_20_mb_is_refused_next_to_the_field(client, lead, home_prison):
    client.force_login(lead)
    big = SimpleUploadedFile("sessions.csv", b"x" * (20 * 1024 * 1024 + 1))
    response = client.post(reverse("exchange", args=["HMX"]), {"files": [big]})
    assert response.status_code == 200
    assert "The files must be 20 MB or smaller in all" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_choosing_no_file_says_so(client, lead, home_prison):
    client.force_login(lead)
    response = client.post(reverse("exchange", args=["HMX"]), {})
    assert "Choose the files to import" in response.content.decode()


def test_the_records_download_as_csv_files_and_a_workbook(client, lead, home_prison):
    client.force_login(lead)
    client.post(reverse("exchange", args=["HMX"]), {"files": uploads(**SCHEME)})
    client.post(reverse("import-confirm", args=["HMX", ImportRun.objects.get().pk]))
    response = client.get(reverse("export-zip", args=["HMX"]))
    assert response["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    sessions = archive.read("sessions.csv").decode().splitlines()
    assert len(sessions) == 3
    assert sessions[1] == "HMX,2026-01-12,am,A1234BC,B2345CD,30,meals_collect,yes,no,no,,"
    response = client.get(reverse("export-xlsx", args=["HMX"]))
    assert response.content.startswith(b"PK")  # a zip container, as every XLSX is


def test_the_history_lists_each_run(client, lead, home_prison):
    client.force_login(lead)
    client.post(reverse("exchange", args=["HMX"]), {"files": uploads(**SCHEME)})
    page = client.get(reverse("exchange", args=["HMX"])).content.decode()
    assert "Checked: waiting to be confirmed" in page
    assert "buddies.csv, recipients.csv, care_plans.csv, assignments.csv, sessions.csv" in page
