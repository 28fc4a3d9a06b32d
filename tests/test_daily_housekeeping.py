"""`manage.py daily_housekeeping` (common/management/commands/daily_housekeeping.py), run on
1 June 2026 at noon, London time: it deactivates dormant accounts, deletes prepared files past
their 7 days, prunes finished task results older than 14 days and deletes expired sessions, and
keeps everything else. A job that fails does not stop the others."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.models import DBTaskResult

from accounts.constants import Role
from common.management.commands import daily_housekeeping
from files.models import FileState, PreparedFile
from tests.factories import UserFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=LONDON)


def at(month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=LONDON)


@pytest.fixture
def records(db):
    """Made on 1 June 2026; each comment says what the housekeeping does with it and why."""
    with time_machine.travel(NOW, tick=False):
        # Last signed in on 1 March: 92 days before 1 June, past the 90 days. Deactivated.
        dormant = UserFactory(
            username="dormant_lead", role=Role.SOCIAL_CARE_LEAD, last_login=at(3, 1)
        )
        dormant.date_joined = at(1, 5)
        dormant.save(update_fields=["date_joined"])
        # Last signed in on 1 May: 31 days. Kept.
        active = UserFactory(username="active_lead", last_login=at(5, 1))
        # An administrator last signed in on 1 March: within their 180 days. Kept.
        admin = UserFactory(username="quiet_admin", role=Role.ADMIN, last_login=at(3, 1))

        def prepared(title, requested_at):
            return PreparedFile.objects.create(
                kind="comparison",
                title=title,
                requested_by=active,
                requested_at=requested_at,
                state=FileState.READY,
                filename="prisons-compared.csv",
                content_type="text/csv; charset=utf-8",
                content=b"prison_code\n",
            )

        # Asked for on 24 May at 11:00: 8 days and an hour ago, past the 7 days. Deleted.
        expired = prepared("Expired", at(5, 24, 11))
        # Asked for on 26 May: 6 days ago. Kept.
        fresh = prepared("Fresh", at(5, 26))

        def task_result(status, finished_at):
            return DBTaskResult.objects.create(
                status=status,
                finished_at=finished_at,
                args_kwargs={"args": [], "kwargs": {}},
                task_path="files.tasks.prepare_file",
                backend_name="default",
                run_after=at(5, 1),
            )

        # Finished on 10 May: 22 days ago, past the 14 days. Deleted.
        old_result = task_result("SUCCESSFUL", at(5, 10))
        # Failed on 11 May: 21 days ago. Deleted too.
        old_failure = task_result("FAILED", at(5, 11))
        # Finished on 25 May: 7 days ago. Kept.
        recent_result = task_result("SUCCESSFUL", at(5, 25))
        # Still waiting to run: not finished, never pruned. Kept.
        waiting = task_result("READY", None)

        # Expired on 31 May. Deleted. Expires on 2 June. Kept.
        Session.objects.create(session_key="e" * 32, session_data="", expire_date=at(5, 31))
        Session.objects.create(session_key="k" * 32, session_data="", expire_date=at(6, 2))
    return {
        "dormant": dormant,
        "active": active,
        "admin": admin,
        "expired": expired,
        "fresh": fresh,
        "old_result": old_result,
        "old_failure": old_failure,
        "recent_result": recent_result,
        "waiting": waiting,
    }


def run() -> str:
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("daily_housekeeping", stdout=out)
    return out.getvalue()


def active_usernames() -> list[str]:
    from accounts.models import User

    return sorted(User.objects.filter(is_active=True).values_list("username", flat=True))


def test_daily_housekeeping_removes_what_is_past_its_time_and_keeps_the_rest(records):
    output = run()

    assert active_usernames() == ["active_lead", "quiet_admin"]
    assert list(PreparedFile.objects.values_list("title", flat=True)) == ["Fresh"]
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {
        records["recent_result"].pk,
        records["waiting"].pk,
    }
    assert list(Session.objects.values_list("session_key", flat=True)) == ["k" * 32]
    assert output.splitlines() == [
        "Deactivated dormant_lead (Social care lead): last signed in 1 March 2026",
        "Deactivated 1 account not used for 90 days (180 for administrators).",
        "Deleted 1 prepared file older than 7 days.",
        "Deleted the expired sessions.",
        "Daily housekeeping done.",
    ]


def test_running_it_again_the_same_day_changes_nothing(records):
    run()
    output = run()
    assert active_usernames() == ["active_lead", "quiet_admin"]
    assert PreparedFile.objects.count() == 1
    assert DBTaskResult.objects.count() == 2
    assert "Deactivated 0 accounts not used for 90 days" in output
    assert "Deleted 0 prepared files older than 7 days." in output


def test_a_failing_job_does_not_stop_the_others(records, monkeypatch):
    def broken(now):
        raise RuntimeError("the files table is locked")

    monkeypatch.setattr(daily_housekeeping, "delete_expired", broken)

    with pytest.raises(CommandError, match=r"^Daily housekeeping: failed: expired prepared files$"):
        run()

    assert active_usernames() == ["active_lead", "quiet_admin"]  # the job before it ran
    assert PreparedFile.objects.count() == 2  # this one did not
    assert DBTaskResult.objects.count() == 2  # the jobs after it ran
    assert Session.objects.count() == 1
