"""How long importing 200,000 session rows takes (target: under 60 seconds), on PostgreSQL.

A prison of 80 buddies, each supporting 2 people on an approved plan, moves in from the standard's
files: prisons, buddies, recipients, care plans, assignments, then sessions.csv with 200,000 rows
(two years of mornings and afternoons). Measured, on a fresh database each time:
- the check alone (a dry run: every rule, then rolled back);
- the import (the same, saved);
- importing the same files again (every row unchanged);
- baseline: PostgreSQL's own COPY of the same sessions.csv into a bare table with the same
  columns. No import can beat that: it is the cost of reading the bytes into the database.

Run with `make bench` (or `python bench/run.py bench_import`); BENCH_IMPORT_ROWS changes the size.
"""

import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = os.environ.get(
    "BENCH_IMPORT_DATABASE_URL", "postgres://peercare:peercare@127.0.0.1:5432/peercare_bench_import"
)
ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "200000"))
BUDDIES = 80
PEOPLE_PER_BUDDY = 2


def setup_django():
    os.environ["DATABASE_URL"] = DATABASE
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fresh_database():
    """Drop and create the benchmark database, then migrate it."""
    import psycopg
    from django.core.management import call_command

    name = DATABASE.rsplit("/", 1)[1]
    server = DATABASE.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    from django.db import connections

    connections.close_all()
    call_command("migrate", verbosity=0)


def number(prefix: str, n: int) -> str:
    return f"{prefix}{n:04d}{'AB' if prefix < 'M' else 'CD'}"


def files(folder: Path, rows: int) -> None:
    today = dt.date.today()
    start = today - dt.timedelta(days=740)
    (folder / "prisons.csv").write_text(
        "prison_code,name,category,local_authority,scheme_formality,leadership\n"
        "BIM,HMP Bench Import,C,Bench Council,formal,prison\n"
    )
    buddies = [
        "prison_code,prison_number,given_name,family_name,status,vetted_on,"
        "vetting_outcome,compact_signed_on,started_on"
    ]
    people = ["prison_code,prison_number,given_name,family_name,support_started_on"]
    plans = ["prison_code,prison_number,starts_on,review_due_on,tasks,la_approved_on"]
    assignments = [
        "prison_code,buddy_prison_number,recipient_prison_number,started_on,"
        "no_personal_relationship_confirmed"
    ]
    pairs = []
    for b in range(BUDDIES):
        buddy = number("B", b)
        buddies.append(f"BIM,{buddy},Buddy,Number{b},active,{start},approved,{start},{start}")
        for p in range(PEOPLE_PER_BUDDY):
            person = number("R", b * PEOPLE_PER_BUDDY + p)
            people.append(f"BIM,{person},Person,Number{b}x{p},{start}")
            plans.append(
                f"BIM,{person},{start},{today + dt.timedelta(days=90)},"
                f"cell_cleaning;meals_collect,{start}"
            )
            assignments.append(f"BIM,{buddy},{person},{start},yes")
            pairs.append((buddy, person))
    for name, lines in [
        ("buddies", buddies),
        ("recipients", people),
        ("care_plans", plans),
        ("assignments", assignments),
    ]:
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n")
    with open(folder / "sessions.csv", "w") as out:
        out.write(
            "prison_code,date,period,buddy_prison_number,recipient_prison_number,minutes,tasks,"
            "delivered,informal,paid\n"
        )
        written = 0
        day = start
        while written < rows:
            for period in ("am", "pm"):
                for buddy, person in pairs:
                    if written == rows:
                        break
                    delivered = "yes" if written % 17 else "missed_regime_lockdown"
                    out.write(
                        f"BIM,{day},{period},{buddy},{person},30,meals_collect,{delivered},no,"
                        f"{'yes' if delivered == 'yes' else 'no'}\n"
                    )
                    written += 1
            day += dt.timedelta(days=1)
            if day > today:
                raise SystemExit("too many rows for two years of sessions")


def expect(condition, problem) -> None:
    if not condition:
        raise SystemExit(f"benchmark stopped: {problem}")


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def copy_baseline(sessions_csv: Path) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_sessions (prison_code text, date date, period text, "
            "buddy_prison_number text, recipient_prison_number text, minutes int, tasks text, "
            "delivered text, informal text, paid text)"
        )
        started = time.perf_counter()
        with open(sessions_csv, "rb") as source:  # noqa: SIM117
            with cursor.copy(
                "COPY bench_sessions FROM STDIN WITH (FORMAT csv, HEADER true)"
            ) as copy:
                while chunk := source.read(1 << 20):
                    copy.write(chunk)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_sessions")
    return elapsed


def main():
    import tempfile

    setup_django()
    from buddies.models import Session
    from exchange.importer import run_import
    from exchange.reading import read_path

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        files(folder, ROWS)
        size = (folder / "sessions.csv").stat().st_size
        print(f"sessions.csv: {ROWS:,} rows, {size / 1e6:.1f} MB")
        fresh_database()
        baseline = copy_baseline(folder / "sessions.csv")
        check, report = timed(lambda: run_import(read_path(folder), dry_run=True))
        expect(report.ok, report.errors[:5])
        load, report = timed(lambda: run_import(read_path(folder)))
        expect(report.ok, report.errors[:5])
        expect(Session.objects.count() == ROWS, "not every session was imported")
        again, report = timed(lambda: run_import(read_path(folder)))
        expect(report.ok and report.counts["sessions"].unchanged == ROWS, "the re-import changed")
    print(f"{'what':<42}{'seconds':>10}{'x COPY':>9}")
    for label, seconds in [
        ("baseline: COPY into a bare table", baseline),
        ("check only (dry run)", check),
        ("import", load),
        ("import the same files again", again),
    ]:
        print(f"{label:<42}{seconds:>10.1f}{seconds / baseline:>9.1f}")
    print(f"target: import under 60 s: {'met' if load < 60 else 'MISSED'}")


if __name__ == "__main__":
    main()
