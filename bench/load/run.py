"""Load test: a social care lead's day (bench/load/locustfile.py) against gunicorn on loopback.

    uv run python bench/load/run.py [--seconds 60] [--users 10,25,50] [--step-users 75,100,150]

1. The database: LOAD_DATABASE_URL if set (it must hold the demo data and the load accounts of
   bench/load/accounts.py: each simulated user signs in as its own lead of NGT, with a code from
   an authenticator app). Otherwise a scratch PostgreSQL database, copied from a template
   database `peercare_load_template` that is migrated and filled by `seed_demo` and the load
   accounts when missing or made on an earlier day (the demo's sessions are dated from today),
   and dropped at the end.
2. gunicorn on 127.0.0.1 at a free port, production settings (bench/load/settings.py: DEBUG off,
   hashed static files, only what needs TLS turned off), sync workers (--workers, 3 by default).
3. locust headless at 10, 25 and 50 users for --seconds each, then the step-up (--step-users,
   --step-seconds) until a step breaks: p95 above --p95-ms (2000) or any error. Each day of the
   journey signs in (password, then code), and the sign-in POST is slow on purpose (PBKDF2, a
   million rounds), so the breaking point is given twice: over all requests, and over all but
   the sign-in POSTs (the password's and the code's).
4. A table: users, requests/s, p50/p95/p99 in ms over all requests and without the sign-in POSTs,
   the sign-in's p95, errors (failed requests plus days abandoned because a page answered
   unexpectedly), sessions the quick log recorded and refused, and the breaking points. Locust's
   CSV files and gunicorn's log stay in var/load/<time>/.

Why sync workers, and three: every page is a short burst of Python and SQL, with no long-lived
connection to keep open, so a sync worker per request is the simplest model and the one gunicorn
recommends for such an app. The machine has two cores shared with locust and PostgreSQL: one
worker per core keeps them busy, and a third covers the time a worker waits on PostgreSQL. More
workers would only queue for the same two cores.

Everything listens on 127.0.0.1. gunicorn and locust are stopped on exit, Ctrl+C included.
"""

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent
SERVER = "postgres://peercare:peercare@127.0.0.1:5432"
TEMPLATE = "peercare_load_template"
# load_lead_1 ... _1000 (bench/load/accounts.py). Each locust run takes accounts no earlier run
# used: a code works once, and a new locust process does not know which codes the last one gave.
LOAD_ACCOUNTS = 1000


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def admin_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        dbname="postgres",
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        autocommit=True,
    )


def schema_stamp() -> str:
    """Today's date and a digest of every migration file: the template is remade when either
    changes."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    digest.update((ROOT / "bench" / "load" / "accounts.py").read_bytes())
    return f"seeded {dt.date.today().isoformat()} {digest.hexdigest()[:16]}"


def django_env(database_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="bench.load.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.pop("DJANGO_PROXY_SSL_HEADER", None)  # nothing in front of gunicorn sets it
    env.update(extra)
    return env


def manage(database_url: str, *args: str) -> None:
    subprocess.run(  # noqa: S603
        [str(VENV_BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=django_env(database_url),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def scratch_database(server: str) -> tuple[str, str]:
    """Copy the seeded template into a new database; (its URL, its name)."""
    from psycopg import sql

    stamp = schema_stamp()
    with admin_connection(server) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [TEMPLATE],
        ).fetchone()
        if row is None or row[0] != stamp:
            log(f"seeding the template database {TEMPLATE} (migrate, seed_demo: a few minutes)")
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(TEMPLATE)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEMPLATE)))
            template_url = with_database(server, TEMPLATE)
            manage(template_url, "migrate", "--noinput")
            manage(template_url, "seed_demo")
            # An account per simulated user (bench/load/accounts.py): codes work once.
            manage(
                template_url,
                "shell",
                "-c",
                f"from bench.load.accounts import create; create({LOAD_ACCOUNTS})",
            )
            conn.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                    sql.Identifier(TEMPLATE), sql.Literal(stamp)
                )
            )
        name = f"peercare_load_{os.getpid()}"
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(TEMPLATE)
            )
        )
    return with_database(server, name), name


def drop_database(server: str, name: str) -> None:
    from psycopg import sql

    with admin_connection(server) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen | None) -> None:
    """Stop a process started in its own session, and its children (gunicorn's workers)."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        return  # it ended on its own between the check above and the signal


def wait_until_up(base: str, gunicorn: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if gunicorn.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with code {gunicorn.returncode}")
        try:
            with urllib.request.urlopen(base + "/sign-in/", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer within {seconds} s")


def run_locust(base: str, users: int, seconds: int, out: Path, first_account: int) -> dict:
    prefix = out / f"u{users}"
    outcomes = out / f"u{users}-outcomes.json"
    command = [
        str(VENV_BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "load" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(5, users // 5)),  # everyone in within about 5 seconds
        "--run-time",
        f"{seconds}s",
        "--host",
        base,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = dict(
        os.environ,
        LOAD_OUTCOMES_FILE=str(outcomes),
        LOAD_FIRST_ACCOUNT=str(first_account),
        PYTHONPATH=str(ROOT),
    )
    with open(out / f"u{users}.log", "w") as logfile:
        locust = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=env,
            stdout=logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            locust.wait(timeout=seconds + 60)
        finally:
            stop(locust)
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = {(row["Type"], row["Name"]): row for row in csv.DictReader(stats)}
    total = rows[("", "Aggregated")]
    signin = rows.get(("POST", "sign-in"))
    done = json.loads(outcomes.read_text()) if outcomes.exists() else {}
    failed = int(total["Failure Count"])
    return {
        "users": users,
        "requests": int(total["Request Count"]),
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"] or 0),
        "p95": float(total["95%"] or 0),
        "p99": float(total["99%"] or 0),
        "failed": failed,
        "abandoned": done.get("abandoned", 0),
        "pages_p50": done.get("pages_p50", 0.0),
        "pages_p95": done.get("pages_p95", 0.0),
        "pages_p99": done.get("pages_p99", 0.0),
        "signin_p95": float(signin["95%"] or 0) if signin else 0.0,
        "errors": failed + done.get("abandoned", 0),
        "recorded": done.get("recorded", 0),
        "refused": done.get("refused", 0),
        "why_refused": done.get("refusals", []),
        "why_abandoned": done.get("abandoned_why", []),
    }


def table(results: list[dict], threshold: float, breaking: dict[str, int | None]) -> str:
    lines = [
        "                all requests               without the sign-in POST  sign-in",
        f"{'users':>5} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6}   {'p50':>6} {'p95':>6}"
        f" {'p99':>6}   {'p95':>6} {'errors':>6} {'requests':>8} {'logged':>6} {'refused':>7}",
    ]
    for r in results:
        lines.append(
            f"{r['users']:>5} {r['rps']:>6.1f} {r['p50']:>6.0f} {r['p95']:>6.0f} {r['p99']:>6.0f}"
            f"   {r['pages_p50']:>6.0f} {r['pages_p95']:>6.0f} {r['pages_p99']:>6.0f}"
            f"   {r['signin_p95']:>6.0f} {r['errors']:>6} {r['requests']:>8} {r['recorded']:>6}"
            f" {r['refused']:>7}"
        )
    lines.append("(times in ms; logged and refused: sessions through the quick log)")
    top = max(r["users"] for r in results)
    for scope, users in breaking.items():
        where = (
            f"{users} users, the first step with p95 > {threshold:.0f} ms or an error"
            if users
            else f"not reached up to {top} users"
        )
        lines.append(f"breaking point ({scope}): {where}")
    return "\n".join(lines)


def broken(result: dict, threshold: float, key: str) -> bool:
    return result[key] > threshold or result["errors"] > 0


def collect_static(env: dict[str, str]) -> None:
    """collectstatic into the environment's LOAD_STATIC_ROOT (hashed names, as in production)."""
    subprocess.run(  # noqa: S603
        [str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput", "--clear"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def launch_gunicorn(env: dict[str, str], *, workers: int, log_path: Path):
    """gunicorn (sync workers) on a free port of 127.0.0.1, its output in `log_path`, in a
    session of its own so `stop` ends its workers too; returns (process, base URL) at once,
    before it answers (`wait_until_up`)."""
    port = free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        gunicorn = subprocess.Popen(  # noqa: S603
            [
                str(VENV_BIN / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--timeout",
                "30",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return gunicorn, f"http://127.0.0.1:{port}"


def start_gunicorn(database_url: str, *, static_root: Path, workers: int, log_path: Path):
    """collectstatic into `static_root`, then gunicorn (sync workers, production settings from
    bench/load/settings.py) on a free port of 127.0.0.1, its output in `log_path`; returns
    (process, base URL) once it answers. Stop it with `stop`."""
    env = django_env(database_url, LOAD_STATIC_ROOT=str(static_root))
    collect_static(env)
    gunicorn, base = launch_gunicorn(env, workers=workers, log_path=log_path)
    try:
        wait_until_up(base, gunicorn)
    except BaseException:
        stop(gunicorn)
        raise
    return gunicorn, base


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", default="10,25,50", help="the measured levels")
    parser.add_argument("--seconds", type=int, default=60, help="run time of each level")
    parser.add_argument("--step-users", default="75,100,150", help="the step-up past the levels")
    parser.add_argument("--step-seconds", type=int, default=30)
    parser.add_argument("--p95-ms", type=float, default=2000, help="a step breaks above this p95")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    args = parser.parse_args()

    # Ctrl+C and a plain kill both end in the finally below, which stops gunicorn and locust.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    out = ROOT / "var" / "load" / time.strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True)
    server = os.environ.get("LOAD_SERVER_URL", SERVER)
    database_url, scratch = os.environ.get("LOAD_DATABASE_URL", ""), None
    gunicorn = None
    results: list[dict] = []
    breaking: dict[str, int | None] = {"all requests": None, "without the sign-in POST": None}
    try:
        if not database_url:
            database_url, scratch = scratch_database(server)
            log(f"scratch database {scratch}")
        gunicorn, base = start_gunicorn(
            database_url,
            static_root=ROOT / "var" / "load-static",
            workers=args.workers,
            log_path=out / "gunicorn.log",
        )
        log(f"gunicorn on {base}, {args.workers} sync workers; load average {os.getloadavg()}")
        levels = [int(n) for n in args.users.split(",") if n]
        first_account = 1
        steps = [int(n) for n in args.step_users.split(",") if n]
        for users, seconds in [(n, args.seconds) for n in levels] + [
            (n, args.step_seconds) for n in steps
        ]:
            if users in steps and all(breaking.values()):
                break
            log(f"{users} users for {seconds} s")
            if first_account + users - 1 > LOAD_ACCOUNTS:
                raise SystemExit(f"more users than the {LOAD_ACCOUNTS} load accounts")
            result = run_locust(base, users, seconds, out, first_account)
            first_account += users
            results.append(result)
            log(
                f"  {result['rps']:.1f} req/s, p95 {result['p95']:.0f} ms, {result['errors']} errors;"
                f" load average {os.getloadavg()}"
            )
            for scope, key in [("all requests", "p95"), ("without the sign-in POST", "pages_p95")]:
                if broken(result, args.p95_ms, key) and breaking[scope] is None:
                    breaking[scope] = users
    except KeyboardInterrupt:
        log("interrupted")
    finally:
        stop(gunicorn)
        if scratch:
            drop_database(server, scratch)
            log(f"dropped {scratch}")
    if results:
        print()
        print(table(results, args.p95_ms, breaking))
        for r in results:
            if r["why_refused"] or r["why_abandoned"]:
                print(
                    f"{r['users']} users: refused {r['why_refused']}; abandoned {r['why_abandoned']}"
                )
        (out / "summary.json").write_text(json.dumps(results, indent=2))
        print(f"locust CSV files and gunicorn's log: {out.relative_to(ROOT)}")
    return 0 if results else 1


if __name__ == "__main__":
    raise SystemExit(main())
