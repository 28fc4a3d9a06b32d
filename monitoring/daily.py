"""The daily summary of sessions (monitoring.models), brought up to date before it is read.

Database triggers mark a prison's day stale whenever one of its sessions, or a session's tasks,
is written (migration 0002). Before reading the summary for some prisons, `refresh` works out
again, from the sessions themselves, the rows of those prisons' stale days. So the summary is
never behind the sessions it counts, whatever wrote them, and a day is worked out again only when
it changed. `rebuild` works out every row again (`manage.py refresh_daily_summary --rebuild`).

Why it is right with writers running at the same time (PostgreSQL, READ COMMITTED): a writer
marks a day with an upsert that moves the mark's count on. `refresh` reads the marks, works the
days out again in later statements (each sees what was committed before it began), then deletes
only the marks whose count has not moved since it read them and that no writer holds locked. A
writer who committed before the days were worked out is counted; one who marked the day again
since, or is still writing it, leaves its mark for the next refresh. So a refresh never waits for
a writer, and one refresh of a prison runs at a time (an advisory lock that writers never take).
SQLite lets one transaction write at a time.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Sum

from buddies.constants import Outcome
from monitoring.models import DailySessions, DailyTasks

BATCH = 500  # days worked out in one statement
LOCK_SPACE = 7301  # first key of the advisory locks taken by refresh (the second: a prison id)

SESSION_COLUMNS = "prison_id, date, outcome, informal, by_buddy, sessions, minutes"
SESSION_ROWS = """
SELECT prison_id, date, outcome, informal, buddy_id IS NOT NULL, COUNT(*), SUM(minutes)
FROM buddies_session {where}
GROUP BY prison_id, date, outcome, informal, buddy_id IS NOT NULL
"""
TASK_ROWS = """
SELECT s.prison_id, s.date, t.task_id, COUNT(*)
FROM buddies_session s JOIN buddies_session_tasks t ON t.session_id = s.id
WHERE s.outcome = %s {also}
GROUP BY s.prison_id, s.date, t.task_id
"""


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def refresh(prison_ids: Iterable[int] | None = None) -> int:
    """Work out again the summary rows of the stale days of the prisons (every prison when None).
    Returns the number of days worked out. When no day is stale: one query, and no lock."""
    params: list = []
    where = ""
    if prison_ids is not None:
        params = sorted(set(prison_ids))
        if not params:
            return 0
        where = f" WHERE prison_id IN ({_placeholders(params)})"
    marks_sql = f"SELECT id, prison_id, date, marks FROM monitoring_staleday{where}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(marks_sql, params)
        if not cursor.fetchone():
            return 0
    with transaction.atomic(), connection.cursor() as cursor:
        postgresql = connection.vendor == "postgresql"
        if postgresql:
            # One refresh of a prison at a time (an advisory lock per prison, taken in order;
            # writers never take it), read in the same statement as the marks.
            marks_sql = (
                "WITH locked AS (SELECT count(pg_advisory_xact_lock(%s::integer, prison_id::integer)) FROM "  # noqa: S608
                f"(SELECT DISTINCT prison_id FROM monitoring_staleday{where} ORDER BY 1) AS p) "
                f"SELECT id, prison_id, date, marks FROM monitoring_staleday, locked{where}"
            )
            params = [LOCK_SPACE, *params, *params]
        cursor.execute(marks_sql, params)  # again: another refresh may have dealt with some
        marks = cursor.fetchall()
        by_prison: dict[int, list] = defaultdict(list)
        for mark in marks:
            by_prison[mark[1]].append(mark)
        for prison_id, prison_marks in sorted(by_prison.items()):
            prison_marks.sort(key=lambda mark: str(mark[2]))
            for first in range(0, len(prison_marks), BATCH):
                batch = prison_marks[first : first + BATCH]
                _work_out(cursor, prison_id, [mark[2] for mark in batch])
                _clear(cursor, batch, skip_locked=postgresql)
    return len(marks)


def _clear(cursor, marks: list, *, skip_locked: bool) -> None:
    """Delete the marks just dealt with, but not one that a writer has marked again since it was
    read (its count has moved on: the day is worked out again next time), nor, on PostgreSQL,
    one that a writer still writing holds locked (its sessions are not yet visible to anyone;
    the mark stays for when they are). So a refresh never waits for a writer."""
    pairs = ", ".join(["(%s, %s)"] * len(marks))
    values = [value for mark in marks for value in (mark[0], mark[3])]
    chosen = f"SELECT id FROM monitoring_staleday WHERE (id, marks) IN (VALUES {pairs})"  # noqa: S608
    if skip_locked:
        chosen += " FOR UPDATE SKIP LOCKED"
    cursor.execute(f"DELETE FROM monitoring_staleday WHERE id IN ({chosen})", values)  # noqa: S608


def _work_out(cursor, prison_id: int, dates: list) -> None:
    """Replace the summary rows of a prison's days with counts from its sessions."""
    days = _placeholders(dates)
    for table in ["monitoring_dailysessions", "monitoring_dailytasks"]:
        cursor.execute(
            f"DELETE FROM {table} WHERE prison_id = %s AND date IN ({days})",  # noqa: S608
            [prison_id, *dates],
        )
    cursor.execute(
        f"INSERT INTO monitoring_dailysessions ({SESSION_COLUMNS}) "
        + SESSION_ROWS.format(where=f"WHERE prison_id = %s AND date IN ({days})"),
        [prison_id, *dates],
    )
    cursor.execute(
        "INSERT INTO monitoring_dailytasks (prison_id, date, task_id, sessions) "
        + TASK_ROWS.format(also=f"AND s.prison_id = %s AND s.date IN ({days})"),
        [Outcome.DELIVERED.value, prison_id, *dates],
    )


@transaction.atomic
def rebuild() -> None:
    """Work out every row of the summary again from the sessions, and clear every stale mark."""
    with connection.cursor() as cursor:
        for table in ["monitoring_staleday", "monitoring_dailysessions", "monitoring_dailytasks"]:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO monitoring_dailysessions ({SESSION_COLUMNS}) "
            + SESSION_ROWS.format(where="")
        )
        cursor.execute(
            "INSERT INTO monitoring_dailytasks (prison_id, date, task_id, sessions) "
            + TASK_ROWS.format(also=""),
            [Outcome.DELIVERED.value],
        )


def recomputed(prison_ids: Iterable[int] | None = None) -> tuple[set, set]:
    """The rows the summary should hold, worked out from the sessions without touching the
    summary: ({(prison_id, date, outcome, informal, by_buddy, sessions, minutes)},
    {(prison_id, date, task_id, sessions)}). For tests and `refresh_daily_summary --check`."""
    params, where, also = [], "", ""
    if prison_ids is not None:
        params = sorted(set(prison_ids))
        where = f"WHERE prison_id IN ({_placeholders(params)})" if params else "WHERE 1 = 0"
        also = f"AND s.prison_id IN ({_placeholders(params)})" if params else "AND 1 = 0"
    with connection.cursor() as cursor:
        cursor.execute(SESSION_ROWS.format(where=where), params)
        sessions = {_normalised(row) for row in cursor.fetchall()}
        cursor.execute(TASK_ROWS.format(also=also), [Outcome.DELIVERED.value, *params])
        tasks = {_normalised(row) for row in cursor.fetchall()}
    return sessions, tasks


def stored(prison_ids: Iterable[int] | None = None) -> tuple[set, set]:
    """The rows the summary holds, in the shape of `recomputed`."""
    session_rows = DailySessions.objects.all()
    task_rows = DailyTasks.objects.all()
    if prison_ids is not None:
        ids = sorted(set(prison_ids))
        session_rows, task_rows = (
            session_rows.filter(prison_id__in=ids),
            task_rows.filter(prison_id__in=ids),
        )
    sessions = {
        _normalised(row)
        for row in session_rows.values_list(*SESSION_COLUMNS.replace(" ", "").split(","))
    }
    tasks = {
        _normalised(row)
        for row in task_rows.values_list("prison_id", "date", "task_id", "sessions")
    }
    return sessions, tasks


def _normalised(row) -> tuple:
    """The row with its date as a date and its flags as booleans, whatever the database."""
    values = list(row)
    if isinstance(values[1], str):
        values[1] = dt.date.fromisoformat(values[1])
    if len(values) == 7:
        values[3], values[4] = bool(values[3]), bool(values[4])
    return tuple(values)


# Reading the summary --------------------------------------------------------------------------


def _ids(prisons) -> list[int]:
    return [getattr(prison, "pk", prison) for prison in prisons]


def session_totals(prisons, start: dt.date, end: dt.date, *, fresh: bool = False) -> list[dict]:
    """The prisons' sessions from `start` to `end`, both included, summed by outcome, informality
    and giver: [{"outcome", "informal", "by_buddy", "sessions", "minutes"}]. Two queries: the
    refresh (left out when the caller has just refreshed: `fresh`), then the sum."""
    ids = _ids(prisons)
    if not fresh:
        refresh(ids)
    return list(
        DailySessions.objects.filter(prison_id__in=ids, date__gte=start, date__lte=end)
        .values("outcome", "informal", "by_buddy")
        .annotate(sessions=Sum("sessions"), minutes=Sum("minutes"))
        .order_by()
    )


def task_totals(prisons, start: dt.date, end: dt.date, *, fresh: bool = False) -> dict[str, int]:
    """Delivered sessions of the prisons from `start` to `end` that included each task, by task
    code, for the tasks that occur. Two queries: the refresh (left out when `fresh`), then the
    sum."""
    ids = _ids(prisons)
    if not fresh:
        refresh(ids)
    rows = (
        DailyTasks.objects.filter(prison_id__in=ids, date__gte=start, date__lte=end)
        .values("task_id")
        .annotate(n=Sum("sessions"))
        .order_by("task_id")
    )
    return {row["task_id"]: row["n"] for row in rows}
