"""Health checks (common/health.py): /healthz answers while the process runs, without the
database; /readyz answers 200 only when the database answers and every migration is applied, and
says which check failed otherwise. Both are open to everyone, past two-factor sign-in, and never
in the audit log. The container's probe sends a host the service accepts."""

import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse

from audit.models import AuditEvent
from common import health
from tests.two_factor import password_only_login

READY = {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}


def test_the_health_check_urls_are_fixed():
    # Load balancers and docker-compose.yml ask for these exact paths.
    assert (reverse("healthz"), reverse("readyz")) == ("/healthz", "/readyz")


def test_healthz_answers_ok_signed_out_with_no_database_at_all(client):
    # Without the django_db mark any query would fail the request.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "Set-Cookie" not in response


@pytest.mark.django_db
def test_healthz_makes_no_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_readyz_answers_ok_signed_out_when_the_database_is_migrated(
    client, django_assert_num_queries
):
    # SELECT 1; whether the migrations table exists; which migrations it records.
    with django_assert_num_queries(3):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == READY


@pytest.mark.django_db
def test_readyz_answers_503_naming_the_migrations_when_one_is_not_applied(client, caplog):
    # The files app's only migration, which no other migration depends on: as if a new
    # release's migration had not yet been run.
    deleted, _ = MigrationRecorder.Migration.objects.filter(
        app="files", name="0001_initial"
    ).delete()
    assert deleted == 1

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "migrations": "1 not applied"},
    }
    assert "Readiness: 1 migration(s) not applied: files.0001_initial" in caplog.messages


@pytest.mark.django_db
def test_readyz_answers_503_when_the_database_cannot_be_reached(client, monkeypatch, caplog):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "unreachable", "migrations": "not checked"},
    }
    assert "Readiness: the database cannot be reached" in caplog.messages


@pytest.mark.django_db
def test_healthz_answers_while_the_database_cannot_be_reached(client, monkeypatch):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_open_before_the_second_factor_and_are_not_audited(client, lead, path):
    password_only_login(client, lead)
    events = AuditEvent.objects.count()  # the sign-in's own
    response = client.get(path)
    assert (response.status_code, response["Content-Type"]) == (200, "application/json")
    assert AuditEvent.objects.count() == events
    client.force_login(lead)
    events = AuditEvent.objects.count()
    response = client.get(path)
    assert (response.status_code, response["Content-Type"]) == (200, "application/json")
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_answer_only_reads(client, path):
    assert client.post(path).status_code == 405
    assert client.head(path).status_code == 200


def test_the_probe_asks_with_an_allowed_host_and_the_proxys_header():
    assert health.probe_headers({"DJANGO_ALLOWED_HOSTS": "peercare.example.org,10.0.0.5"}) == {
        "Host": "peercare.example.org"
    }
    assert health.probe_headers(
        {"DJANGO_ALLOWED_HOSTS": ".example.org", "DJANGO_PROXY_SSL_HEADER": "X-Forwarded-Proto"}
    ) == {"Host": "example.org", "X-Forwarded-Proto": "https"}
    assert health.probe_headers({"DJANGO_ALLOWED_HOSTS": "*"}) == {"Host": "localhost"}
    assert health.probe_headers({}) == {"Host": "localhost"}


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers /ok with 200, /moved with a redirect to /ok, anything else 503; keeps the
    headers it was sent."""

    seen: list = []

    def do_GET(self):
        Recorder.seen.append(dict(self.headers))
        status = {"/ok": 200, "/moved": 302}.get(self.path, 503)
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/ok")
        self.end_headers()

    def log_message(self, *args):
        return None


@pytest.fixture
def recorder():
    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Recorder.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_probe_passes_on_200_only_and_follows_no_redirect(recorder):
    environ = {"DJANGO_ALLOWED_HOSTS": "peercare.example.org"}
    assert health.probe(f"{recorder}/ok", environ) is True
    assert health.probe(f"{recorder}/down", environ) is False
    # A redirect (to HTTPS, say) means the probe is not reaching the page: a failure.
    assert health.probe(f"{recorder}/moved", environ) is False
    assert [seen["Host"] for seen in Recorder.seen] == ["peercare.example.org"] * 3
    assert health.probe("http://127.0.0.1:9/healthz", environ, timeout=1) is False


def test_the_containers_health_check_command_exits_0_on_200_and_1_otherwise(recorder):
    """The Dockerfile's HEALTHCHECK, as the container runs it: no settings module, only the
    service's variables."""
    root = Path(__file__).resolve().parent.parent
    env = {"PATH": os.environ["PATH"], "DJANGO_ALLOWED_HOSTS": "peercare.example.org"}
    codes = [
        subprocess.run(  # noqa: S603 - our own fixed command
            [sys.executable, "-m", "common.health", f"{recorder}{path}"],
            cwd=root,
            env=env,
            check=False,
            capture_output=True,
        ).returncode
        for path in ("/ok", "/down")
    ]
    assert codes == [0, 1]
    assert [seen["Host"] for seen in Recorder.seen] == ["peercare.example.org"] * 2
