"""The daily summary of sessions (monitoring.daily): its rows worked out by hand for one day, kept
equal to a recomputation from the sessions whatever writes them, and read by the indicators."""

import datetime as dt
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from buddies.constants import Outcome
from buddies.models import Session
from governance.reference import sync_reference_codes
from monitoring import daily
from monitoring.indicators import compute_all
from monitoring.models import DailySessions, StaleDay
from tests.factories import BuddyFactory, RecipientFactory
from tests.test_indicators import session

DAY = dt.date(2026, 1, 12)
NEXT_DAY = dt.date(2026, 1, 13)
MISSED = Outcome.MISSED_REGIME_LOCKDOWN.value


@pytest.fixture
def day_of_sessions(home_prison, other_prison):
    """On Monday 12 January 2026 at HMX: Ann gives Rita 60 minutes (escort and wheelchair) and
    Ben gives Ray 45 (escort); Ann's afternoon with Ray is missed in a lockdown (its task is not
    support given); someone who is not a buddy helps Rita for 20 minutes in the evening (meals).
    At OTX, one delivered session the same day, which HMX's rows must not count."""
    ann = BuddyFactory(prison=home_prison, status="active")
    ben = BuddyFactory(prison=home_prison, status="active")
    rita = RecipientFactory(prison=home_prison)
    ray = RecipientFactory(prison=home_prison)
    made = {
        "ann_rita": session(
            home_prison, DAY, rita, 60, buddy=ann, tasks=["escort_movement", "wheelchair_push"]
        ),
        "ben_ray": session(home_prison, DAY, ray, 45, buddy=ben, tasks=["escort_movement"]),
        "ann_ray_missed": session(
            home_prison,
            DAY,
            ray,
            30,
            buddy=ann,
            period="pm",
            outcome=MISSED,
            tasks=["meals_collect"],
        ),
        "informal": session(
            home_prison,
            DAY,
            rita,
            20,
            period="eve",
            informal=True,
            helper_prison_number="A1234BC",
            tasks=["meals_collect"],
        ),
    }
    other = session(
        other_prison,
        DAY,
        RecipientFactory(prison=other_prison),
        90,
        buddy=BuddyFactory(prison=other_prison, status="active"),
        tasks=["cell_cleaning"],
    )
    return {**made, "other": other, "ann": ann, "ben": ben, "rita": rita, "ray": ray}


def marked_days(prison=None) -> set:
    marks = StaleDay.objects.filter(prison=prison) if prison else StaleDay.objects.all()
    return set(marks.values_list("prison_id", "date"))


def assert_summary_matches_the_sessions():
    daily.refresh()
    assert not StaleDay.objects.exists()
    assert daily.stored() == daily.recomputed()


def test_a_days_rows_are_the_counts_worked_out_by_hand(day_of_sessions, home_prison, other_prison):
    assert marked_days() == {(home_prison.pk, DAY), (other_prison.pk, DAY)}

    assert daily.refresh([home_prison.pk]) == 1  # one day worked out, OTX's left for later
    assert marked_days() == {(other_prison.pk, DAY)}
    sessions, tasks = daily.stored([home_prison.pk])
    hmx = home_prison.pk
    assert sessions == {
        # outcome, informal, given by a buddy: sessions, minutes
        (hmx, DAY, "yes", False, True, 2, 60 + 45),
        (hmx, DAY, MISSED, False, True, 1, 30),
        (hmx, DAY, "yes", True, False, 1, 20),
    }
    assert tasks == {
        (hmx, DAY, "escort_movement", 2),
        (hmx, DAY, "wheelchair_push", 1),
        (hmx, DAY, "meals_collect", 1),  # the informal help; the missed session's is not counted
    }
    assert daily.refresh([home_prison.pk]) == 0


def test_the_indicators_read_the_summary_brought_up_to_date_first(day_of_sessions, home_prison):
    before = compute_all([home_prison], DAY, DAY)
    assert before["sessions_delivered"].value == 3
    assert before["sessions_delivered"].base == 4
    assert before["sessions_missed"].value[MISSED] == 1
    assert before["sessions_informal"].value == 1
    assert before["support_by_task"].value == {
        "escort_movement": 2,
        "meals_collect": 1,
        "wheelchair_push": 1,
    }
    assert before["incidents_per_1000_sessions"].base == 4

    # A change without a word to the summary: the next reading counts it.
    Session.objects.filter(pk=day_of_sessions["ben_ray"].pk).update(outcome=MISSED)
    after = compute_all([home_prison], DAY, DAY)
    assert after["sessions_delivered"].value == 2
    assert after["sessions_missed"].value[MISSED] == 2
    assert after["support_by_task"].value == {
        "escort_movement": 1,
        "meals_collect": 1,
        "wheelchair_push": 1,
    }


def _save_changed_minutes(made, prison):
    made["ann_rita"].minutes = 75
    made["ann_rita"].save()
    return {(prison.pk, DAY)}


def _move_to_the_next_day(made, prison):
    made["ben_ray"].date = NEXT_DAY
    made["ben_ray"].save()
    return {(prison.pk, DAY), (prison.pk, NEXT_DAY)}


def _delete_one(made, prison):
    made["ann_ray_missed"].delete()
    return {(prison.pk, DAY)}


def _change_tasks(made, prison):
    made["ben_ray"].tasks.set(["cell_cleaning", "meals_collect"])
    return {(prison.pk, DAY)}


def _clear_tasks(made, prison):
    made["ann_rita"].tasks.clear()
    return {(prison.pk, DAY)}


def _update_many(made, prison):
    Session.objects.filter(prison=prison, date=DAY, buddy__isnull=False).update(minutes=40)
    return {(prison.pk, DAY)}


def _bulk_create(made, prison):
    Session.objects.bulk_create(
        [
            Session(
                prison=prison,
                date=NEXT_DAY,
                period=period,
                buddy=made["ann"],
                recipient=made["rita"],
                minutes=30,
            )
            for period in ["am", "pm"]
        ]
    )
    return {(prison.pk, NEXT_DAY)}


def _delete_many(made, prison):
    Session.tasks.through.objects.filter(session__prison=prison).delete()
    Session.objects.filter(prison=prison).delete()
    return {(prison.pk, DAY)}


def _plain_sql(made, prison):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE buddies_session SET minutes = minutes + 5 WHERE id = %s",
            [made["ben_ray"].pk],
        )
    return {(prison.pk, DAY)}


@pytest.mark.parametrize(
    "write",
    [
        _save_changed_minutes,
        _move_to_the_next_day,
        _delete_one,
        _change_tasks,
        _clear_tasks,
        _update_many,
        _bulk_create,
        _delete_many,
        _plain_sql,
    ],
    ids=lambda write: write.__name__.strip("_"),
)
def test_every_way_of_writing_sessions_marks_its_days_and_the_summary_follows(
    day_of_sessions, home_prison, write
):
    daily.refresh()
    held_before = daily.stored()
    assert held_before == daily.recomputed()

    days = write(day_of_sessions, home_prison)

    assert marked_days() == days
    assert daily.stored() == held_before  # nothing is worked out until it is read
    assert daily.stored() != daily.recomputed()
    assert_summary_matches_the_sessions()


def test_a_day_marked_again_while_it_is_worked_out_stays_marked(
    day_of_sessions, home_prison, monkeypatch
):
    """A writer who marks a day after the refresh read the marks (here: between working the day
    out and clearing the marks) leaves the day marked, and the next refresh counts the change."""
    work_out = daily._work_out

    def work_out_then_a_writer_commits(cursor, prison_id, dates):
        work_out(cursor, prison_id, dates)
        Session.objects.filter(pk=day_of_sessions["ben_ray"].pk).update(minutes=50)

    monkeypatch.setattr(daily, "_work_out", work_out_then_a_writer_commits)
    daily.refresh([home_prison.pk])
    assert marked_days(home_prison) == {(home_prison.pk, DAY)}
    assert daily.stored([home_prison.pk]) != daily.recomputed([home_prison.pk])

    monkeypatch.setattr(daily, "_work_out", work_out)
    assert daily.refresh([home_prison.pk]) == 1
    assert daily.stored([home_prison.pk]) == daily.recomputed([home_prison.pk])


def test_a_refresh_with_nothing_stale_costs_one_query(
    day_of_sessions, home_prison, django_assert_num_queries
):
    daily.refresh()
    with django_assert_num_queries(1):
        assert daily.refresh([home_prison.pk]) == 0


def test_rebuild_works_out_every_row_again(day_of_sessions, home_prison):
    daily.refresh()
    DailySessions.objects.filter(prison=home_prison, outcome="yes", informal=False).update(
        sessions=99
    )
    assert daily.stored() != daily.recomputed()
    daily.rebuild()
    assert not StaleDay.objects.exists()
    assert daily.stored() == daily.recomputed()


def test_the_command_checks_the_summary_against_the_sessions(day_of_sessions, home_prison, capsys):
    call_command("refresh_daily_summary", "--check")
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "Days worked out again: 2",
        "The daily summary matches the sessions: 4 rows of sessions, 4 rows of tasks",
    ]

    DailySessions.objects.filter(prison=home_prison, outcome=MISSED).delete()
    with pytest.raises(CommandError) as failed:
        call_command("refresh_daily_summary", "--check")
    lines = str(failed.value).splitlines()
    assert lines[0] == (
        "The daily summary differs from the sessions in 1 rows (run with --rebuild to work it "
        "out again):"
    )
    assert lines[1] == f"missing: ({home_prison.pk}, {DAY!r}, '{MISSED}', False, True, 1, 30)"

    call_command("refresh_daily_summary", "--rebuild")
    call_command("refresh_daily_summary", "--check")
    assert capsys.readouterr().out.splitlines()[-1] == (
        "The daily summary matches the sessions: 4 rows of sessions, 4 rows of tasks"
    )


@pytest.fixture
def committed_day(transactional_db):
    """The day of sessions, committed (for a test with two connections)."""
    sync_reference_codes()


def test_a_refresh_does_not_wait_for_a_writer_still_writing_the_day(
    committed_day, day_of_sessions, home_prison
):
    """On PostgreSQL, a writer still in its transaction holds the day's mark locked: a refresh
    works the day out from what is committed, leaves the mark, and does not wait. SQLite lets one
    transaction write at a time, so there the writer's change is in before the refresh reads."""
    prison = [home_prison.pk]
    ben_ray = day_of_sessions["ben_ray"]
    if connection.vendor != "postgresql":
        Session.objects.filter(pk=ben_ray.pk).update(minutes=50)
        assert daily.refresh(prison) == 1
        assert daily.stored(prison) == daily.recomputed(prison)
        return

    writing, finish, failures = threading.Event(), threading.Event(), []

    def writer():
        try:
            with transaction.atomic():
                Session.objects.filter(pk=ben_ray.pk).update(minutes=50)
                writing.set()
                finish.wait(10)
        except Exception as error:  # reported below, in the test's thread
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    assert writing.wait(10)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '5s'")  # waiting would fail the test, not hang it
    try:
        assert daily.refresh(prison) == 1
    finally:
        finish.set()
        thread.join(10)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert not failures
    assert marked_days(home_prison) == {(home_prison.pk, DAY)}
    minutes = {row[:5]: row[6] for row in daily.stored(prison)[0]}
    assert minutes[(home_prison.pk, DAY, "yes", False, True)] == 60 + 45  # as it was committed
    assert daily.refresh(prison) == 1
    assert daily.stored(prison) == daily.recomputed(prison)
    minutes = {row[:5]: row[6] for row in daily.stored(prison)[0]}
    assert minutes[(home_prison.pk, DAY, "yes", False, True)] == 60 + 50
