"""How fast the monitoring indicators are at national scale, against one hand-written SQL query.

Runs on a PostgreSQL database of its own, BENCH_DATABASE_URL (by default
postgres://peercare:peercare@127.0.0.1:5432/peercare_bench), created if missing and migrated.
When it holds no prison it is filled by `seed_scale` with BENCH_PRISONS prisons (120) and
BENCH_SESSIONS sessions (2,000,000) over five years up to today; later runs reuse that data.

For the prison with the most sessions, and for all prisons, over the last 12 months, each item
runs once to warm the caches, then BENCH_REPEAT times (7), and the table gives the median and the
95th percentile (nearest rank: with 7 runs, the slowest) in milliseconds, the ratio of the median
to the item's baseline, and the number of SQL queries:
- baseline: ONE hand-written query for the core counts (sessions, delivered sessions, delivered
  minutes, distinct buddies and distinct people with a delivered session), for the prison, and
  for all prisons grouped by prison;
- monitoring.indicators.compute_all for the prison, and for all prisons in one call;
- the social care lead's monitoring dashboard (GET /prisons/CODE/monitoring/), signed in;
- the PDF monitoring summary for the 12 months (GET /prisons/CODE/monitoring.pdf), as an
  inspector.
It then times each indicator on its own, and saves EXPLAIN (ANALYZE, BUFFERS) of the baseline
queries and of the three slowest indicator queries of each scope to bench/explain/monitoring-*.txt.
"""

import datetime as dt
import math
import os
import statistics
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
EXPLAIN_DIR = Path(__file__).resolve().parent / "explain"
DEFAULT_URL = "postgres://peercare:peercare@127.0.0.1:5432/peercare_bench"

BASELINE_ONE = """
SELECT count(*) AS sessions,
       count(*) FILTER (WHERE outcome = 'yes') AS delivered,
       coalesce(sum(minutes) FILTER (WHERE outcome = 'yes'), 0) AS delivered_minutes,
       count(DISTINCT buddy_id) FILTER (WHERE outcome = 'yes') AS buddies,
       count(DISTINCT recipient_id) FILTER (WHERE outcome = 'yes') AS recipients
FROM buddies_session
WHERE prison_id = %(prison)s AND date BETWEEN %(start)s AND %(end)s
"""
BASELINE_ALL = """
SELECT prison_id,
       count(*) AS sessions,
       count(*) FILTER (WHERE outcome = 'yes') AS delivered,
       coalesce(sum(minutes) FILTER (WHERE outcome = 'yes'), 0) AS delivered_minutes,
       count(DISTINCT buddy_id) FILTER (WHERE outcome = 'yes') AS buddies,
       count(DISTINCT recipient_id) FILTER (WHERE outcome = 'yes') AS recipients
FROM buddies_session
WHERE date BETWEEN %(start)s AND %(end)s
GROUP BY prison_id
"""


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def create_database_if_missing(url: str) -> bool:
    """Create the benchmark database through the server's `postgres` database, as the URL's role
    (which needs CREATEDB) or, failing that, as the postgres superuser. True if it was created."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = {"host": parts.hostname or "127.0.0.1", "port": parts.port or 5432}
    attempts = [{"user": parts.username, "password": parts.password}, {"user": "postgres"}]
    last_error = None
    for who in attempts:
        try:
            with psycopg.connect(dbname="postgres", autocommit=True, **server, **who) as conn:
                if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                    return False
                owner = sql.SQL(" OWNER {}").format(sql.Identifier(parts.username or "postgres"))
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)) + owner)
                return True
        except psycopg.Error as error:
            last_error = error
    raise RuntimeError(f"Could not create the database {name}: {last_error}")


def setup_django(url: str):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # django.test.Client sends requests for the host "testserver".
    hosts = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ["DJANGO_ALLOWED_HOSTS"] = f"{hosts},testserver"
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class QueryLog:
    """Every query sent on the connection while installed (connection.execute_wrapper), with its
    parameters and time. Unlike CaptureQueriesContext it survives a request through the test
    client, whose request_started signal empties Django's own query log."""

    def __init__(self):
        self.queries: list[dict] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            self.queries.append({"sql": sql, "params": params, "ms": elapsed})


def measure(function, repeat: int) -> tuple[float, float, int]:
    """(median ms, p95 ms, queries) of `function` after one warm-up run."""
    from django.db import connection

    log = QueryLog()
    with connection.execute_wrapper(log):
        function()  # warm-up, counting the queries
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), percentile(times, 0.95), len(log.queries)


def run_sql(query: str, params: dict):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def explain(query: str, params, path: Path, title: str):
    """Save EXPLAIN (ANALYZE, BUFFERS) of a query, with the query, to `path`."""
    from django.db import connection

    if params:
        query = connection.ops.compose_sql(query, params)  # the values written in
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    path.write_text(f"-- {title}\n{query.strip()}\n\n{plan}\n")


def indicator_queries(prisons, start, end) -> tuple[list[tuple[str, float, int]], list[dict]]:
    """Each indicator timed on its own: [(key, ms, queries)], and every query it sent, tagged
    with the indicator."""
    from django.db import connection

    from monitoring.indicators import INDICATORS

    timings, queries = [], []
    for key, function in INDICATORS.items():
        log = QueryLog()
        with connection.execute_wrapper(log):
            started = time.perf_counter()
            function(prisons, start, end)
            elapsed = (time.perf_counter() - started) * 1000
        timings.append((key, elapsed, len(log.queries)))
        queries += [{**query, "indicator": key} for query in log.queries]
    return timings, queries


def seed_if_empty(prisons: int, sessions: int) -> float | None:
    from django.core.management import call_command

    from governance.models import Prison

    if Prison.objects.exists():
        return None
    print(f"Seeding {prisons} prisons and {sessions} sessions (seed_scale)")
    started = time.perf_counter()
    call_command("seed_scale", prisons=prisons, sessions=sessions)
    return time.perf_counter() - started


def signed_in_client(user):
    """A test client signed in as `user` past both steps: the password (force_login), then the
    second factor, as django-otp records it in the session once a code from the user's
    authenticator app is accepted. The user is given an app if they have none."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def bench_users(prison):
    """A social care lead of the prison and an inspector, made for the benchmark."""
    from accounts.constants import Role
    from accounts.models import User

    lead, _ = User.objects.get_or_create(
        username="bench_monitoring_lead",
        defaults={"role": Role.SOCIAL_CARE_LEAD, "first_name": "Bench", "last_name": "Lead"},
    )
    lead.prisons.set([prison])
    inspector, _ = User.objects.get_or_create(
        username="bench_monitoring_inspector",
        defaults={"role": Role.INSPECTOR, "first_name": "Bench", "last_name": "Inspector"},
    )
    return lead, inspector


def open_bench_database() -> tuple[str, bool]:
    """The national benchmark database (BENCH_DATABASE_URL), created if missing, with Django set
    up on it: (its URL, whether it was created)."""
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("BENCH_DATABASE_URL must be a PostgreSQL URL")
    created = create_database_if_missing(url)
    setup_django(url)
    return url, created


def main():
    url, created = open_bench_database()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Max
    from django.utils import timezone

    from buddies.models import Session
    from governance.models import Prison
    from monitoring.indicators import compute_all

    repeat = env_int("BENCH_REPEAT", 7)
    print(f"Database {urlsplit(url).path.lstrip('/')}" + (" (created)" if created else ""))
    call_command("migrate", verbosity=0)
    seeding = seed_if_empty(env_int("BENCH_PRISONS", 120), env_int("BENCH_SESSIONS", 2_000_000))
    end = timezone.localdate()
    start = end - dt.timedelta(days=364)
    totals = Session.objects.aggregate(n=Count("pk"), last=Max("date"))
    prisons = list(Prison.objects.select_related("scheme").order_by("code"))
    largest_id = (
        Session.objects.filter(date__gte=start, date__lte=end)
        .values("prison_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "prison_id")
        .values_list("prison_id", flat=True)
        .first()
    )
    prison = next((p for p in prisons if p.pk == largest_id), prisons[0])
    one_year = Session.objects.filter(prison=prison, date__gte=start, date__lte=end).count()
    all_year = Session.objects.filter(date__gte=start, date__lte=end).count()
    if seeding is not None:
        print(f"Seeded in {seeding:.1f} s")
    else:
        print("Reusing the data already seeded")
    print(
        f"{len(prisons)} prisons, {totals['n']} sessions up to {totals['last']}; "
        f"period {start} to {end}: {all_year} sessions, {one_year} at {prison.code} "
        f"(the largest); {repeat} timed runs after one warm-up"
    )
    if totals["last"] and totals["last"] < end - dt.timedelta(days=30):
        print("Note: the data ends over a month before today; reseed for a full 12 months")
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
    print(f"PostgreSQL work_mem {work_mem}")

    lead, inspector = bench_users(prison)
    lead_client, inspector_client = signed_in_client(lead), signed_in_client(inspector)
    dashboard_url = f"/prisons/{prison.code}/monitoring/"
    pdf_url = f"/prisons/{prison.code}/monitoring.pdf?from={start}&to={end}"

    def get(client, path, content_type):
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith(content_type):
            raise RuntimeError(f"{path}: {response.status_code} {response['Content-Type']}")
        return response

    one = {"prison": prison.pk, "start": start, "end": end}
    period = {"start": start, "end": end}
    items = [
        ("baseline: one SQL query, one prison", None, lambda: run_sql(BASELINE_ONE, one)),
        ("compute_all, one prison", "one", lambda: compute_all([prison], start, end)),
        (
            "dashboard page (lead), one prison",
            "one",
            lambda: get(lead_client, dashboard_url, "text/html"),
        ),
        (
            "PDF summary (inspector), one prison",
            "one",
            lambda: get(inspector_client, pdf_url, "application/pdf"),
        ),
        ("baseline: one SQL query, all prisons", None, lambda: run_sql(BASELINE_ALL, period)),
        ("compute_all, all prisons", "all", lambda: compute_all(prisons, start, end)),
    ]
    results = []
    baselines = {}
    for name, scope, function in items:
        median, p95, queries = measure(function, repeat)
        if scope is None:
            baselines["one" if "one prison" in name else "all"] = median
            ratio = 1.0
        else:
            ratio = median / baselines[scope]
        results.append((name, median, p95, ratio, queries))
        print(f"  measured {name}: median {median:.1f} ms")

    print()
    print(f"{'item':40} {'median ms':>10} {'p95 ms':>10} {'x baseline':>11} {'queries':>8}")
    for name, median, p95, ratio, queries in results:
        print(f"{name:40} {median:>10.1f} {p95:>10.1f} {ratio:>11.1f} {queries:>8}")

    # Each indicator on its own, and the slowest queries explained.
    EXPLAIN_DIR.mkdir(exist_ok=True)
    for stale in EXPLAIN_DIR.glob("monitoring-*.txt"):
        stale.unlink()
    explain(
        BASELINE_ONE,
        one,
        EXPLAIN_DIR / "monitoring-baseline-one-prison.txt",
        f"Baseline: core counts for {prison.code} (largest prison), {start} to {end}",
    )
    explain(
        BASELINE_ALL,
        period,
        EXPLAIN_DIR / "monitoring-baseline-all-prisons.txt",
        f"Baseline: core counts for every prison, {start} to {end}",
    )
    for scope, chosen in [("one-prison", [prison]), ("all-prisons", prisons)]:
        timings, queries = indicator_queries(chosen, start, end)
        print()
        print(f"Indicators one by one, {scope.replace('-', ' ')} (one warm run each):")
        print(f"  {'indicator':32} {'ms':>9} {'queries':>8} {'slowest query ms':>17}")
        for key, elapsed, count in sorted(timings, key=lambda row: -row[1]):
            slowest = max((q["ms"] for q in queries if q["indicator"] == key), default=0)
            print(f"  {key:32} {elapsed:>9.1f} {count:>8} {slowest:>17.1f}")
        slowest = sorted(queries, key=lambda q: -q["ms"])[:3]
        for rank, query in enumerate(slowest, start=1):
            path = EXPLAIN_DIR / f"monitoring-slowest-{scope}-{rank}-{query['indicator']}.txt"
            explain(
                query["sql"],
                query["params"],
                path,
                f"Slowest indicator query {rank}, {scope}: {query['indicator']} "
                f"({query['ms']:.1f} ms when timed), {start} to {end}",
            )
            print(f"  saved {path.relative_to(ROOT)}")
    print()
    print(f"EXPLAIN output in {EXPLAIN_DIR.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
