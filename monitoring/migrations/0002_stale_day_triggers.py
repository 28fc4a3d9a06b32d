"""Triggers that mark a prison's day stale whenever its sessions, or their tasks, are written.

They are in the database so that no way of writing sessions can leave the daily summary behind:
the pages, the weekly sheet's bulk insert, imports, retention, COPY in seed_scale, or SQL typed
by hand. On PostgreSQL they run once per statement, reading the statement's rows from transition
tables; on SQLite, once per row. A day already marked has its count of marks moved on, so that a
refresh can tell it was marked again (see monitoring.daily.refresh).

Every day that already has sessions is marked stale, to be worked out on first use.
"""

from django.db import migrations

POSTGRESQL = """
CREATE FUNCTION monitoring_mark_session_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO monitoring_staleday (prison_id, date, marks)
        SELECT DISTINCT prison_id, date, 1 FROM new_rows
        ON CONFLICT (prison_id, date) DO UPDATE SET marks = monitoring_staleday.marks + 1;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO monitoring_staleday (prison_id, date, marks)
        SELECT DISTINCT prison_id, date, 1 FROM old_rows
        ON CONFLICT (prison_id, date) DO UPDATE SET marks = monitoring_staleday.marks + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION monitoring_mark_task_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO monitoring_staleday (prison_id, date, marks)
        SELECT DISTINCT s.prison_id, s.date, 1
        FROM new_rows n JOIN buddies_session s ON s.id = n.session_id
        ON CONFLICT (prison_id, date) DO UPDATE SET marks = monitoring_staleday.marks + 1;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO monitoring_staleday (prison_id, date, marks)
        SELECT DISTINCT s.prison_id, s.date, 1
        FROM old_rows o JOIN buddies_session s ON s.id = o.session_id
        ON CONFLICT (prison_id, date) DO UPDATE SET marks = monitoring_staleday.marks + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER monitoring_session_insert AFTER INSERT ON buddies_session
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_mark_session_days();
CREATE TRIGGER monitoring_session_update AFTER UPDATE ON buddies_session
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_mark_session_days();
CREATE TRIGGER monitoring_session_delete AFTER DELETE ON buddies_session
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_mark_session_days();
CREATE TRIGGER monitoring_session_task_insert AFTER INSERT ON buddies_session_tasks
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_mark_task_days();
CREATE TRIGGER monitoring_session_task_update AFTER UPDATE ON buddies_session_tasks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_mark_task_days();
CREATE TRIGGER monitoring_session_task_delete AFTER DELETE ON buddies_session_tasks
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_mark_task_days();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS monitoring_session_insert ON buddies_session;
DROP TRIGGER IF EXISTS monitoring_session_update ON buddies_session;
DROP TRIGGER IF EXISTS monitoring_session_delete ON buddies_session;
DROP TRIGGER IF EXISTS monitoring_session_task_insert ON buddies_session_tasks;
DROP TRIGGER IF EXISTS monitoring_session_task_update ON buddies_session_tasks;
DROP TRIGGER IF EXISTS monitoring_session_task_delete ON buddies_session_tasks;
DROP FUNCTION IF EXISTS monitoring_mark_session_days();
DROP FUNCTION IF EXISTS monitoring_mark_task_days();
"""


def _sqlite_mark(row: str, *, through_session: bool) -> str:
    """SQL marking the day of `row` (NEW or OLD), of a session or of a session's task link."""
    if through_session:
        source = f"SELECT prison_id, date, 1 FROM buddies_session WHERE id = {row}.session_id"  # noqa: S608
    else:
        # "WHERE true" lets SQLite tell the upsert's ON CONFLICT from a join's ON.
        source = f"SELECT {row}.prison_id, {row}.date, 1 WHERE true"
    return (
        f"INSERT INTO monitoring_staleday (prison_id, date, marks) {source} "
        "ON CONFLICT (prison_id, date) DO UPDATE SET marks = marks + 1;"
    )


def _sqlite_triggers() -> list[str]:
    statements = []
    for table, through_session in [("buddies_session", False), ("buddies_session_tasks", True)]:
        short = "session" if table == "buddies_session" else "session_task"
        for event, rows in [("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])]:
            body = " ".join(_sqlite_mark(row, through_session=through_session) for row in rows)
            statements.append(
                f"CREATE TRIGGER monitoring_{short}_{event.lower()} AFTER {event} ON {table} "
                f"FOR EACH ROW BEGIN {body} END;"
            )
    return statements


SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS monitoring_{short}_{event};"
    for short in ["session", "session_task"]
    for event in ["insert", "update", "delete"]
]

MARK_EXISTING = """
INSERT INTO monitoring_staleday (prison_id, date, marks)
SELECT DISTINCT prison_id, date, 1 FROM buddies_session
"""


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = [POSTGRESQL] if vendor == "postgresql" else _sqlite_triggers()
    for statement in statements:
        schema_editor.execute(statement, params=None)
    schema_editor.execute(MARK_EXISTING, params=None)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in [POSTGRESQL_DROP] if vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_daily_summary"),
        ("buddies", "0003_row_version"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
