"""Files prepared in the background (files): asked for from the comparison page, built by the
database task worker with the same function as the page's own download, shown with their
progress, and given only to the person who asked for them."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts.constants import Role
from audit.models import AuditEvent
from files import kinds
from files.models import FileState, PreparedFile
from governance.reference import sync_reference_codes
from monitoring import comparison
from tests.factories import PrisonFactory, UserFactory

PERIOD = {"from": "2025-04-01", "to": "2026-03-31"}


@pytest.fixture
def analyst(db):
    return UserFactory(username="analyst", role=Role.NATIONAL_ANALYST)


@pytest.fixture
def worker_db(transactional_db):
    """Committed data, for the worker: it closes and opens connections as it goes, which would
    end a test's own transaction on PostgreSQL."""
    sync_reference_codes()


@pytest.fixture
def three_prisons(home_prison, other_prison):
    return [home_prison, other_prison, PrisonFactory(code="THX", name="HMP Third")]


@pytest.fixture
def background_from_two(monkeypatch):
    """Files in the background from three prisons, as from eleven in service."""
    monkeypatch.setattr(comparison, "BACKGROUND_FROM", 2)


def ask(client, output="csv", by="prison"):
    return client.post(reverse("file-request"), {**PERIOD, "by": by, "format": output})


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_the_comparison_page_offers_files_in_the_background_across_many_prisons(
    client, analyst, three_prisons, background_from_two
):
    client.force_login(analyst)
    page = client.get(reverse("monitoring-comparison"), PERIOD).content.decode()
    assert "Prepare CSV" in page and "Prepare PDF" in page
    assert "format=csv" not in page


def test_across_few_prisons_the_page_links_to_the_files_directly(client, analyst, three_prisons):
    client.force_login(analyst)
    page = client.get(reverse("monitoring-comparison"), PERIOD).content.decode()
    assert "Prepare CSV" not in page
    assert "format=csv" in page


@pytest.mark.parametrize("output", ["csv", "pdf"])
def test_the_worker_makes_the_same_file_as_the_page_and_says_how_far_it_got(
    worker_db, client, analyst, three_prisons, output, time_machine
):
    time_machine.move_to(dt.datetime(2026, 4, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    client.force_login(analyst)
    asked = ask(client, output)
    prepared = PreparedFile.objects.get()
    assert asked.status_code == 302
    assert asked["Location"] == reverse("file-detail", args=[prepared.pk])
    assert (prepared.state, prepared.requested_by, prepared.kind) == (
        FileState.WAITING,
        analyst,
        "comparison",
    )
    assert prepared.parameters == {**PERIOD, "by": "prison", "format": output}
    assert DBTaskResult.objects.get().args_kwargs == {"args": [str(prepared.pk)], "kwargs": {}}
    waiting = client.get(asked["Location"]).content.decode()
    assert "Waiting for a free moment to start." in waiting

    run_worker()

    prepared.refresh_from_db()
    assert prepared.state == FileState.READY
    assert (prepared.done, prepared.total, prepared.percent) == (3, 3, 100)
    page = client.get(reverse("monitoring-comparison"), {**PERIOD, "format": output})
    assert bytes(prepared.content) == page.content
    assert prepared.filename == f"prisons-compared-by-prison-2025-04-01-to-2026-03-31.{output}"
    assert "Your file is ready" in client.get(asked["Location"]).content.decode()

    download = client.get(reverse("file-download", args=[prepared.pk]))
    assert download.status_code == 200
    assert download.content == page.content
    assert download["Cache-Control"] == "no-store"
    assert download["Content-Disposition"] == f'attachment; filename="{prepared.filename}"'
    assert AuditEvent.objects.filter(
        user=analyst, kind="download", path=reverse("file-download", args=[prepared.pk])
    ).exists()


def test_progress_is_shown_as_the_prisons_are_worked_out(client, analyst):
    prepared = PreparedFile.objects.create(
        kind="comparison",
        parameters={**PERIOD, "by": "prison", "format": "csv"},
        title="Prisons compared",
        requested_by=analyst,
        state=FileState.PREPARING,
        done=45,
        total=120,
    )
    client.force_login(analyst)
    page = client.get(reverse("file-detail", args=[prepared.pk])).content.decode()
    assert "Worked out 45 of 120 prisons." in page
    assert 'value="37"' in page  # 45 of 120 is 37.5%, shown as 37


def test_nobody_else_gets_the_file_whatever_their_role(worker_db, client, analyst, three_prisons):
    client.force_login(analyst)
    ask(client)
    run_worker()
    prepared = PreparedFile.objects.get()
    for role in [Role.NATIONAL_ANALYST, Role.ADMIN, Role.INSPECTOR]:
        client.force_login(UserFactory(role=role))
        for name in ["file-detail", "file-download"]:
            assert client.get(reverse(name, args=[prepared.pk])).status_code == 404
        assert prepared.title not in client.get(reverse("file-list")).content.decode()


def test_a_request_for_something_that_cannot_be_prepared_saves_nothing(client, analyst):
    client.force_login(analyst)
    for wrong in [{"by": "wing"}, {"format": "xlsx"}, {"from": "1 April"}]:
        response = client.post(
            reverse("file-request"), {**PERIOD, "by": "prison", "format": "csv", **wrong}
        )
        assert response.status_code == 400
    assert not PreparedFile.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_file_that_fails_says_so(worker_db, client, analyst, three_prisons, monkeypatch):
    def broken(user, parameters, progress):
        raise RuntimeError("the disk is full")

    monkeypatch.setitem(kinds.KINDS, "comparison", kinds.Kind("Prisons compared", broken))
    client.force_login(analyst)
    ask(client)
    run_worker()
    prepared = PreparedFile.objects.get()
    assert prepared.state == FileState.FAILED
    page = client.get(reverse("file-detail", args=[prepared.pk])).content.decode()
    assert "The file could not be prepared" in page
    assert client.get(reverse("file-download", args=[prepared.pk])).status_code == 404


def test_files_are_kept_for_seven_days(client, analyst, time_machine):
    time_machine.move_to(dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC), tick=False)
    old = PreparedFile.objects.create(
        kind="comparison", parameters={}, title="Old file", requested_by=analyst
    )
    time_machine.move_to(dt.datetime(2026, 4, 8, 8, 59, tzinfo=dt.UTC), tick=False)
    client.force_login(analyst)
    assert "Old file" in client.get(reverse("file-list")).content.decode()

    time_machine.move_to(dt.datetime(2026, 4, 8, 9, 1, tzinfo=dt.UTC), tick=False)
    assert "Old file" not in client.get(reverse("file-list")).content.decode()
    assert client.get(reverse("file-detail", args=[old.pk])).status_code == 404
    ask(client)  # asking for a new file clears out the old ones
    assert list(PreparedFile.objects.values_list("title", flat=True)) == [
        "Prisons compared by prison, 1 April 2025 to 31 March 2026 (CSV)"
    ]
