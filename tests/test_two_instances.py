"""Two instances of PeerCare behind one database act as one service: a session begun on one is
signed in on the other, and a record made through one is read through the other. This is what
lets a load balancer send any request to any instance (README, Running at national scale).

Two gunicorn processes, started as the load test starts them (bench/load/run.py: production
settings except what needs TLS, the same DJANGO_SECRET_KEY given to both), on a database of
their own: on PostgreSQL (CI) a database created on the server of DATABASE_URL and dropped
afterwards; on SQLite a file both processes open. The migrations are applied by `migrate` as a
deployment would, and the user is made with the production password hasher."""

import os
import secrets
import time
from urllib.parse import urlsplit

import pytest
import requests

from bench.load import run
from bench.load.journey import csrf_token
from common import health
from tests.two_factor import TEST_TOTP_KEY, code_at

PRISON = "TWO"
USERNAME = "twin_lead"
PASSWORD = "correct-horse-battery-staple"  # tests/factories.py TEST_PASSWORD
# One process for both (Django starts once): migrate as a deployment does, then the lead.
MIGRATE_AND_MAKE_USER = f"""
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from tests.factories import PrisonFactory, UserFactory
prison = PrisonFactory(code="{PRISON}", name="HMP Twofold")
UserFactory(username="{USERNAME}", first_name="Tamsin", last_name="Twofold", prisons=[prison])
"""


@pytest.fixture
def database_url(tmp_path):
    """A migrated database of the test's own, with a lead of HMP Twofold in it."""
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith("postgres"):
        from psycopg import sql

        name = f"peercare_two_instances_{os.getpid()}"
        with run.admin_connection(configured) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        url = run.with_database(configured, name)
        try:
            yield url
        finally:
            run.drop_database(configured, name)
    else:
        yield f"sqlite:///{tmp_path / 'peercare.sqlite3'}"


@pytest.fixture
def two_instances(database_url, tmp_path):
    """(base URL of A, base URL of B), both answering; both stopped afterwards whatever happens."""
    env = run.django_env(
        database_url,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        LOAD_STATIC_ROOT=str(tmp_path / "static"),
    )
    # gunicorn's workers read the collected static files as they start, and need no database
    # until the first page that asks for it: they start while the database is migrated.
    run.collect_static(env)
    processes = []
    try:
        for name in ("a", "b"):
            processes.append(run.launch_gunicorn(env, workers=1, log_path=tmp_path / f"{name}.log"))
        run.manage(database_url, "shell", "-c", MIGRATE_AND_MAKE_USER)
        for process, base in processes:
            run.wait_until_up(base, process, seconds=60)
        yield processes[0][1], processes[1][1]
    finally:
        for process, _base in processes:
            run.stop(process)


def sign_in(http: requests.Session, base: str) -> None:
    """The password, then the code from the authenticator app, through the real forms."""
    form = http.get(f"{base}/sign-in/")
    answer = http.post(
        f"{base}/sign-in/",
        {"csrfmiddlewaretoken": csrf_token(form.text), "username": USERNAME, "password": PASSWORD},
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text
    verify = http.get(base + answer.headers["Location"])
    assert verify.status_code == 200
    answer = http.post(
        verify.url,
        {
            "csrfmiddlewaretoken": csrf_token(verify.text),
            "code": code_at(TEST_TOTP_KEY, time.time()),
        },
        allow_redirects=False,
    )
    assert (answer.status_code, answer.headers["Location"]) == (302, "/")


def test_a_session_and_a_record_made_on_one_instance_work_on_the_other(two_instances):
    a, b = two_instances
    assert urlsplit(a).port != urlsplit(b).port
    # Both ready: the container probe, as a load balancer would ask (production settings).
    environ = {"DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    assert health.probe(f"{a}/readyz", environ) and health.probe(f"{b}/readyz", environ)

    on_a = requests.Session()
    sign_in(on_a, a)

    # Only the session cookie from A goes to B.
    on_b = requests.Session()
    on_b.cookies.set("sessionid", on_a.cookies["sessionid"], domain="127.0.0.1")
    home = on_b.get(f"{b}/", allow_redirects=False, headers={"X-Request-ID": "home-on-b"})
    assert home.status_code == 200
    assert home.headers["X-Request-ID"] == "home-on-b"
    assert "Welcome, Tamsin" in home.text
    assert 'action="/sign-out/"' in home.text
    assert 'name="password"' not in home.text

    form = on_a.get(f"{a}/prisons/{PRISON}/staff/new/")
    made = on_a.post(
        f"{a}/prisons/{PRISON}/staff/new/",
        {
            "csrfmiddlewaretoken": csrf_token(form.text),
            "staff_ref": "OFF-12",
            "name": "Officer Pat Example",
            "role": "Equalities officer",
            "organisation": "prison",
            "band": "",
        },
        allow_redirects=False,
    )
    assert made.status_code == 302, made.text
    detail = made.headers["Location"]
    assert detail.startswith(f"/prisons/{PRISON}/staff/")

    read = on_b.get(b + detail, allow_redirects=False)
    assert read.status_code == 200
    assert "Officer Pat Example" in read.text
    assert "OFF-12" in read.text
    listed = on_b.get(f"{b}/prisons/{PRISON}/staff/", allow_redirects=False)
    assert "Officer Pat Example" in listed.text

    # Signing out on B ends the session on A too: it is one session, in the database.
    out = on_b.get(f"{b}/", allow_redirects=False)
    signed_out = on_b.post(
        f"{b}/sign-out/",
        {"csrfmiddlewaretoken": csrf_token(out.text)},
        allow_redirects=False,
    )
    assert signed_out.status_code == 302
    after = on_a.get(f"{a}/", allow_redirects=False)
    assert (after.status_code, after.headers["Location"]) == (302, "/sign-in/?next=/")
