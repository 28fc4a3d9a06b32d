"""A social care lead's pages at the largest prison of the national dataset, against the floor.

    .venv/bin/python bench/run.py bench_lead_pages      (or make bench, which runs them all)

Data: the PostgreSQL database BENCH_DATABASE_URL (by default
postgres://peercare:peercare@127.0.0.1:5432/peercare_bench), shared with bench_monitoring.py:
created if missing, migrated, and filled by `seed_scale` with BENCH_PRISONS prisons (120) and
BENCH_SESSIONS sessions (2,000,000) only when it holds no prison; a database filled before, for
instance with `seed_scale --prisons 120 --sessions 5000000`, is used as it is. The benchmark adds
one account of its own, bench_lead_pages_lead, a social care lead of the prison with the most
sessions in the last 12 months, with an authenticator app (a django-otp TOTP device) and a new
random password on each run. Opening the pages writes what any lead's visit writes: the session
row, and the audit log's record of each read of personal data.

The lead signs in through the real forms, as a person does: the password on the sign-in page,
then the code from the app, computed from the device's key with django-otp's TOTP
(bench/load/journey.py's Authenticator). That session has passed two-factor sign-in
(accounts.two_factor.middleware.RequireTwoFactor lets it through) and is the one measured.

Pages, each opened once to warm up, then BENCH_REPEAT times (20); the table gives the median and
the 95th percentile (nearest rank: with 20 runs, the second slowest) in milliseconds:
- the floor: the accessibility statement, signed in. It does no work of its own, so its time is
  the stack's: middleware (session, user, second factor, timeouts, audit), the base template and
  the navigation;
- the home page, with the action lists;
- the buddy list;
- one person's page: the person at the prison with the most sessions ever recorded;
- the weekly sheet for the current week (the page `week-sheet-current` redirects to), whose
  cells open day by day, so its cost grows through the week; and last week's sheet, every day
  open, which is what this week's costs on a Sunday;
- the pay sheet (this month).

Two ways, one after the other:
1. Django's test client, in this process (settings config.settings, DEBUG off as by default):
   times, the ratio of the median to the floor's, the number of SQL queries, the time spent in
   SQL in one more run, and the median CPU time of this process per request (the Python side:
   views, templates, the driver; unlike the elapsed time, it barely grows when other work holds
   the cores). Target: p95 under 150 ms. For a page that misses it, EXPLAIN
   (ANALYZE, BUFFERS) of its three slowest SELECT queries is saved to
   bench/explain/lead-pages-<page>-<rank>.txt.
2. gunicorn over loopback, started as bench/load/run.py starts it (production settings from
   bench/load/settings.py: DEBUG off, hashed static files, only what needs TLS turned off; sync
   workers) on a free port of 127.0.0.1, with BENCH_GUNICORN_WORKERS workers (1: the requests
   come one at a time, and a single worker is warmed by the warm-up; more would split it). The
   client is `requests` with a cookie jar. Static files go to var/bench-lead-static; gunicorn's
   log to var/bench-lead-pages-gunicorn.log. gunicorn is stopped at the end.
The load average is printed before and after: the figures depend on what else the machine runs.
"""

import base64
import datetime as dt
import os
import re
import secrets
import statistics
import time
from urllib.parse import urlsplit

from bench.bench_monitoring import (
    EXPLAIN_DIR,
    ROOT,
    QueryLog,
    env_int,
    explain,
    measure,
    open_bench_database,
    seed_if_empty,
)

USERNAME = "bench_lead_pages_lead"
TARGET_P95_MS = 150
STATIC_ROOT = ROOT / "var" / "bench-lead-static"
GUNICORN_LOG = ROOT / "var" / "bench-lead-pages-gunicorn.log"


def bench_lead(prison):
    """The benchmark's social care lead of `prison`, with an authenticator app, and a new
    password for this run: (user, password, device)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import two_factor
    from accounts.constants import Role
    from accounts.models import User

    lead, _ = User.objects.get_or_create(
        username=USERNAME,
        defaults={"role": Role.SOCIAL_CARE_LEAD, "first_name": "Bench", "last_name": "Lead"},
    )
    lead.prisons.set([prison])
    password = secrets.token_urlsafe(24)
    lead.set_password(password)
    lead.save(update_fields=["password"])
    device = two_factor.authenticator(lead) or TOTPDevice.objects.create(
        user=lead, name=two_factor.APP_NAME, confirmed=True
    )
    return lead, password, device


def authenticator_for(device):
    """The lead's app: codes from the device's key, never one the device has already accepted
    (a code works once, and an earlier run may have used this time step)."""
    from bench.load.journey import Authenticator

    app = Authenticator(base64.b32encode(device.bin_key).decode().rstrip("="))
    app.last_step = device.last_t
    return app


def test_client_sign_in(client, username: str, password: str, app) -> None:
    """The password on the sign-in form, then the app's code on the second step's form."""
    from django.urls import reverse

    answer = client.post(reverse("sign-in"), {"username": username, "password": password})
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in refused: HTTP {answer.status_code}")
    answer = client.post(reverse("two-factor-verify"), {"code": app.code()})
    if answer.status_code != 302:
        raise RuntimeError(f"code refused: HTTP {answer.status_code}")


def http_sign_in(http, base: str, username: str, password: str, app) -> None:
    """The same over HTTP: each form fetched, then posted with its CSRF token."""
    from django.urls import reverse

    from bench.load.journey import csrf_token

    for url, data in [
        (reverse("sign-in"), {"username": username, "password": password}),
        (reverse("two-factor-verify"), None),
    ]:
        form = http.get(base + url, allow_redirects=False)
        if form.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {form.status_code}")
        data = data or {"code": app.code()}
        answer = http.post(
            base + url,
            {"csrfmiddlewaretoken": csrf_token(form.text), **data},
            allow_redirects=False,
        )
        if answer.status_code != 302:
            raise RuntimeError(f"{url} refused: HTTP {answer.status_code}")


SIGNED_IN_MARK = b'action="/sign-out/"'  # the sign-out button of templates/base.html


def check(path: str, status: int, content_type: str, body: bytes) -> None:
    """The page itself, shown to a signed-in user (not a redirect, not an error)."""
    if status != 200 or not content_type.startswith("text/html"):
        raise RuntimeError(f"{path}: HTTP {status} {content_type}")
    if SIGNED_IN_MARK not in body:
        raise RuntimeError(f"{path}: the page does not show the user signed in")


def start_gunicorn(url: str, workers: int):
    """gunicorn on a free port of 127.0.0.1, as bench/load/run.py starts it: (process, base URL)."""
    from bench.load import run

    return run.start_gunicorn(url, static_root=STATIC_ROOT, workers=workers, log_path=GUNICORN_LOG)


def load_average() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def main():
    url, created = open_bench_database()
    import requests
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Max
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from bench.load.run import stop
    from buddies.models import Session
    from buddies.week import iso_week
    from governance.models import Prison
    from recipients.models import Assignment, CarePlan

    repeat = env_int("BENCH_REPEAT", 20)
    workers = env_int("BENCH_GUNICORN_WORKERS", 1)
    print(f"Database {urlsplit(url).path.lstrip('/')}" + (" (created)" if created else ""))
    call_command("migrate", verbosity=0)
    seeding = seed_if_empty(env_int("BENCH_PRISONS", 120), env_int("BENCH_SESSIONS", 2_000_000))
    if seeding is not None:
        print(f"Seeded in {seeding:.1f} s")
    today = timezone.localdate()
    start = today - dt.timedelta(days=364)
    totals = Session.objects.aggregate(n=Count("pk"), last=Max("date"))
    prison_id = (
        Session.objects.filter(date__gte=start, date__lte=today)
        .values("prison_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "prison_id")
        .values_list("prison_id", flat=True)
        .first()
    )
    prison = Prison.objects.get(pk=prison_id)
    in_year = Session.objects.filter(prison=prison, date__gte=start, date__lte=today).count()
    person_id, person_sessions = (
        Session.objects.filter(prison=prison, recipient__isnull=False)
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "recipient_id")
        .values_list("recipient_id", "n")
        .first()
    )
    plans = CarePlan.objects.filter(recipient_id=person_id).count()
    assignments = Assignment.objects.filter(recipient_id=person_id).count()
    print(
        f"{Prison.objects.count()} prisons, {totals['n']} sessions up to {totals['last']}; "
        f"{prison.code} has the most in {start} to {today}: {in_year}"
    )
    print(
        f"Person {person_id}: {person_sessions} sessions, {plans} care plan versions, "
        f"{assignments} assignments (the longest history at {prison.code})"
    )
    print(f"{repeat} timed runs after one warm-up; load average {load_average()}")

    lead, password, device = bench_lead(prison)
    last_week = iso_week(today - dt.timedelta(days=today.weekday() + 7))
    app = authenticator_for(device)
    floor_name = "floor: accessibility, signed in"
    pages = [
        (floor_name, reverse("accessibility")),
        ("home page (action lists)", reverse("home")),
        ("buddy list", reverse("buddy-list", args=[prison.code])),
        ("person's page", reverse("recipient-detail", args=[prison.code, person_id])),
        ("weekly sheet, this week", None),  # where week-sheet-current redirects to
        ("weekly sheet, last week", reverse("week-sheet", args=[prison.code, last_week])),
        ("pay sheet, this month", reverse("pay-sheet", args=[prison.code])),
    ]

    # 1. The test client, in this process.
    client = Client()
    test_client_sign_in(client, lead.username, password, app)
    week = client.get(reverse("week-sheet-current", args=[prison.code]))
    if week.status_code != 302:
        raise RuntimeError(f"week-sheet-current: HTTP {week.status_code}")
    pages = [(name, path or week["Location"]) for name, path in pages]

    def test_client_get(path, cpu: list[float]):
        """One request; this process's CPU time for it is added to `cpu` (in ms)."""

        def get():
            started = time.process_time()
            response = client.get(path)
            cpu.append((time.process_time() - started) * 1000)
            check(path, response.status_code, response["Content-Type"], response.content)

        return get

    in_process = {}
    for name, path in pages:
        cpu: list[float] = []
        median, p95, queries = measure(test_client_get(path, cpu), repeat)
        log = QueryLog()
        with connection.execute_wrapper(log):
            test_client_get(path, [])()
        in_process[name] = (median, p95, queries, statistics.median(cpu[1:]), log.queries)
        print(f"  test client, {name}: median {median:.1f} ms, p95 {p95:.1f} ms")

    # 2. gunicorn over loopback.
    print(f"Starting gunicorn ({workers} sync worker{'s' if workers != 1 else ''})")
    gunicorn = None
    over_http = {}
    try:
        gunicorn, base = start_gunicorn(url, workers)
        http = requests.Session()
        http_sign_in(http, base, lead.username, password, app)

        def http_get(path):
            def get():
                response = http.get(base + path, allow_redirects=False)
                check(
                    path,
                    response.status_code,
                    response.headers.get("Content-Type", ""),
                    response.content,
                )

            return get

        for name, path in pages:
            median, p95, _queries = measure(http_get(path), repeat)
            over_http[name] = (median, p95)
            print(f"  gunicorn, {name}: median {median:.1f} ms, p95 {p95:.1f} ms")
    finally:
        stop(gunicorn)

    floor_client = in_process[floor_name][0]
    floor_http = over_http[floor_name][0]
    print()
    print(f"{prison.code}, signed in as a social care lead; times in ms; x floor: median / floor's")
    print(f"{'':32} {'test client, in-process':^59}  {'gunicorn, loopback':^24}".rstrip())
    print(
        f"{'page':32} {'median':>7} {'p95':>7} {'x floor':>8} {'queries':>8} {'sql ms':>7}"
        f" {'cpu ms':>7} {'p95<150':>8}  {'median':>7} {'p95':>7} {'x floor':>8}"
    )
    missed = []
    for name, _path in pages:
        median, p95, queries, cpu_ms, logged = in_process[name]
        sql_ms = sum(q["ms"] for q in logged)
        met = p95 < TARGET_P95_MS
        if not met:
            missed.append(name)
        http_median, http_p95 = over_http[name]
        print(
            f"{name:32} {median:>7.1f} {p95:>7.1f} {median / floor_client:>8.1f} {queries:>8}"
            f" {sql_ms:>7.1f} {cpu_ms:>7.1f} {'yes' if met else 'NO':>8}"
            f"  {http_median:>7.1f} {http_p95:>7.1f} {http_median / floor_http:>8.1f}"
        )
    print(
        "(sql ms: time in SQL during one more run; cpu ms: median CPU time of this process per"
        " request, Python's share without PostgreSQL's and without waiting for a core;"
    )
    print(f" target: p95 under {TARGET_P95_MS} ms in the test client; DEBUG {settings.DEBUG})")
    print(f"Load average after: {load_average()}")

    # The slowest queries of each page that missed the target, explained.
    EXPLAIN_DIR.mkdir(exist_ok=True)
    for stale in EXPLAIN_DIR.glob("lead-pages-*.txt"):
        stale.unlink()
    for name in missed:
        median, _p95, queries, cpu_ms, logged = in_process[name]
        selects = [q for q in logged if q["sql"].lstrip().upper().startswith("SELECT")]
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        sql_ms = sum(q["ms"] for q in logged)
        print(
            f"{name} missed the target: median {median:.1f} ms, of which {sql_ms:.1f} ms in SQL"
            f" ({queries} queries) and {cpu_ms:.1f} ms of CPU here; its slowest SELECTs:"
        )
        for rank, query in enumerate(sorted(selects, key=lambda q: -q["ms"])[:3], start=1):
            path = EXPLAIN_DIR / f"lead-pages-{slug}-{rank}.txt"
            explain(
                query["sql"],
                query["params"],
                path,
                f"{name} at {prison.code}, slowest SELECT {rank} ({query['ms']:.1f} ms when run)",
            )
            print(f"  {query['ms']:.1f} ms: saved {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
