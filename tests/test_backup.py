"""make backup and make restore (scripts/backup.sh, scripts/restore.sh) against the local
PostgreSQL server, in both CI runs: the SQLite run too, since the server is always there.

The tests make their own scratch databases on the server (PEERCARE_BACKUP_TEST_SERVER, as a role
with CREATEDB), with unique names so parallel runs do not collide, and drop them afterwards. They
leave the Django test database alone: migrate, seed_demo and the scripts run as subprocesses.
"""

import datetime as dt
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.apps import apps
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get(
    "PEERCARE_BACKUP_TEST_SERVER", "postgres://peercare:peercare@127.0.0.1:5432/postgres"
)
# Settings the scripts read that must come from each test, never from the shell running pytest.
SCRIPT_VARIABLES = ("DATABASE_URL", "RESTORE_DATABASE_URL", "BACKUP_FILE", "FORCE")


def database_url(name: str) -> str:
    return urlsplit(SERVER)._replace(path=f"/{name}").geturl()


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


@pytest.fixture
def scratch_database():
    """Make an empty database on the server and return its URL; every one made is dropped at
    the end of the test, whatever happened."""
    names = []

    def make() -> str:
        name = f"peercare_backup_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(SERVER, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        names.append(name)
        return database_url(name)

    yield make
    with psycopg.connect(SERVER, autocommit=True) as connection:
        for name in names:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def run(command: list[str], **variables: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in SCRIPT_VARIABLES}
    return subprocess.run(  # noqa: S603 (the project's own scripts and manage.py)
        command,
        cwd=ROOT,
        env={**environment, **variables},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def run_ok(command: list[str], **variables: str) -> subprocess.CompletedProcess:
    result = run(command, **variables)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def execute(url: str, *statements: str) -> None:
    with psycopg.connect(url) as connection:
        for statement in statements:
            connection.execute(statement)


def rows(url: str, query: str) -> list[tuple]:
    with psycopg.connect(url) as connection:
        return connection.execute(query).fetchall()


def fingerprints(url: str) -> dict[str, tuple[int, str | None]]:
    """{table: (row count, md5 of every row's text in order)} for each table of the public schema."""
    with psycopg.connect(url) as connection:
        tables = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
        return {
            table: connection.execute(
                sql.SQL(
                    "SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {} t"
                ).format(sql.Identifier(table))
            ).fetchone()
            for (table,) in tables
        }


def sequences(url: str) -> dict[str, int | None]:
    """Where each id sequence has got to, so new rows in a restored database get fresh ids."""
    return dict(
        rows(url, "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
    )


def django_tables() -> set[str]:
    """The tables migrate makes: one per concrete model (many-to-many tables included) and its
    own record of migrations."""
    return {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    } | {"django_migrations"}


def test_the_demo_database_backed_up_and_restored_holds_the_same_rows(scratch_database, tmp_path):
    source = scratch_database()
    # config.test_settings for its fast password hasher; seed_demo makes a user per role.
    django = {"DATABASE_URL": source, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    run_ok([sys.executable, "manage.py", "migrate", "--noinput"], **django)
    run_ok([sys.executable, "manage.py", "seed_demo"], **django)
    backup = tmp_path / "peercare.dump"

    made = run_ok(["scripts/backup.sh"], DATABASE_URL=source, BACKUP_FILE=str(backup))

    assert made.stdout.startswith(f"Backed up database {database_name(source)} to {backup} (")
    assert backup.stat().st_mode & 0o777 == 0o600  # it holds personal data
    target = scratch_database()
    # The source has tables, so restoring into it would be refused: the target must be taken
    # from RESTORE_DATABASE_URL.
    restored = run_ok(
        ["scripts/restore.sh"],
        DATABASE_URL=source,
        RESTORE_DATABASE_URL=target,
        BACKUP_FILE=str(backup),
    )
    assert restored.stdout == f"Restored {backup} into database {database_name(target)}\n"

    before = fingerprints(source)
    assert set(before) == django_tables()
    assert len(before) > 50
    # What seed_demo makes (tests/test_seed_demo.py): three prisons, 17 + 14 + 13 buddies,
    # 9 + 7 + 6 people supported, a user per role, and twelve weeks of sessions.
    assert before["governance_prison"][0] == 3
    assert before["buddies_buddy"][0] == 44
    assert before["recipients_recipient"][0] == 22
    assert before["accounts_user"][0] == 6
    assert before["buddies_session"][0] > 1000
    assert fingerprints(target) == before
    assert sequences(target) == sequences(source)


def test_restore_refuses_a_database_that_already_has_tables(scratch_database, tmp_path):
    source = scratch_database()
    execute(
        source,
        "CREATE TABLE note (id integer PRIMARY KEY, text text)",
        "INSERT INTO note VALUES (1, 'from the backup')",
    )
    backup = tmp_path / "note.dump"
    run_ok(["scripts/backup.sh"], DATABASE_URL=source, BACKUP_FILE=str(backup))
    target = scratch_database()
    execute(
        target,
        "CREATE TABLE note (id integer PRIMARY KEY, text text)",
        "INSERT INTO note VALUES (2, 'live data')",
    )

    refused = run(["scripts/restore.sh"], DATABASE_URL=target, BACKUP_FILE=str(backup))

    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr == (
        f"Refusing to restore: database {database_name(target)} already has 1 table, and "
        "restoring over it would replace live data with the backup's. Restore into an empty "
        "database (createdb), or run again with FORCE=1 to replace the backup's tables.\n"
    )
    assert rows(target, "SELECT * FROM note") == [(2, "live data")]


def test_force_replaces_the_backups_tables_and_keeps_the_others(scratch_database, tmp_path):
    source = scratch_database()
    execute(
        source,
        "CREATE TABLE note (id integer PRIMARY KEY, text text)",
        "INSERT INTO note VALUES (1, 'from the backup')",
    )
    backup = tmp_path / "note.dump"
    run_ok(["scripts/backup.sh"], DATABASE_URL=source, BACKUP_FILE=str(backup))
    target = scratch_database()
    execute(
        target,
        "CREATE TABLE note (id integer PRIMARY KEY, text text)",
        "INSERT INTO note VALUES (2, 'live data')",
        "CREATE TABLE other (id integer PRIMARY KEY)",
        "INSERT INTO other VALUES (7)",
    )

    run_ok(["scripts/restore.sh"], DATABASE_URL=target, BACKUP_FILE=str(backup), FORCE="1")

    assert rows(target, "SELECT * FROM note") == [(1, "from the backup")]
    assert rows(target, "SELECT * FROM other") == [(7,)]


def test_a_failed_restore_leaves_the_database_as_it_was(scratch_database, tmp_path):
    """One transaction: a backup that cannot be restored whole restores nothing."""
    source = scratch_database()
    execute(
        source,
        "CREATE TABLE archive (id integer PRIMARY KEY)",
        "CREATE TABLE note (id integer PRIMARY KEY, text text)",
        "INSERT INTO note VALUES (1, 'from the backup')",
    )
    backup = tmp_path / "note.dump"
    run_ok(["scripts/backup.sh"], DATABASE_URL=source, BACKUP_FILE=str(backup))
    target = scratch_database()
    # pg_restore drops in the reverse of the archive's (alphabetical) order: note, then archive,
    # which a view on the target depends on, so the restore fails after note is dropped.
    execute(
        target,
        "CREATE TABLE archive (id integer PRIMARY KEY)",
        "CREATE VIEW archive_view AS SELECT id FROM archive",
        "CREATE TABLE note (id integer PRIMARY KEY, text text)",
        "INSERT INTO note VALUES (2, 'live data')",
    )

    failed = run(["scripts/restore.sh"], DATABASE_URL=target, BACKUP_FILE=str(backup), FORCE="1")

    assert failed.returncode == 1
    assert "cannot drop table public.archive because other objects depend on it" in failed.stderr
    assert rows(target, "SELECT * FROM note") == [(2, "live data")]


def test_a_backup_is_named_after_the_utc_time_in_var_backups(scratch_database):
    source = scratch_database()
    execute(source, "CREATE TABLE note (id integer PRIMARY KEY)")
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)

    made = run_ok(["scripts/backup.sh"], DATABASE_URL=source)

    after = dt.datetime.now(dt.UTC)
    found = re.fullmatch(
        rf"Backed up database {database_name(source)} to (.+/peercare-(\d{{8}}T\d{{6}}Z)\.dump) "
        r"\(.+\)\n",
        made.stdout,
    )
    assert found, made.stdout
    path = Path(found[1])
    try:
        assert path.parent == ROOT / "var" / "backups"
        stamp = dt.datetime.strptime(found[2], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        assert before <= stamp <= after
    finally:
        path.unlink()


def test_backup_refuses_to_overwrite_a_file(tmp_path):
    backup = tmp_path / "peercare.dump"
    backup.write_text("an earlier backup")

    refused = run(
        ["scripts/backup.sh"],
        DATABASE_URL=database_url("peercare_backup_test_never_made"),
        BACKUP_FILE=str(backup),
    )

    assert refused.returncode == 2
    assert refused.stderr == (
        f"{backup} already exists: choose another BACKUP_FILE, or move that one away first\n"
    )
    assert backup.read_text() == "an earlier backup"


def test_backup_without_a_postgresql_url_says_what_to_do():
    refused = run(["scripts/backup.sh"], DATABASE_URL="")

    assert refused.returncode == 2
    assert "DATABASE_URL is not set: backups are of PostgreSQL databases" in refused.stderr
