"""Request ids and structured logs (common/request_id.py): an id on every request, taken from the
proxy's X-Request-ID only when it is a short safe token; one JSON object per log line, with the
request id; one access line per request, without the query string or who the user is beyond
their id; JSON in production, readable text for developers."""

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from common.request_id import JsonFormatter, RequestIdFilter

ROOT = Path(__file__).resolve().parent.parent
NEW_ID = re.compile(r"[0-9a-f]{32}")


class Lines(logging.Handler):
    """Keeps each record as the production handler would write it."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.addFilter(RequestIdFilter())
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def logged():
    """The JSON lines of the access log and of Django's request errors."""
    handler = Lines()
    loggers = [logging.getLogger("peercare.access"), logging.getLogger("django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler.lines
    for logger in loggers:
        logger.removeHandler(handler)


def test_the_proxys_request_id_is_kept_and_sent_back(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.2_Z")
    assert response["X-Request-ID"] == "lb-7f3a.2_Z"


@pytest.mark.parametrize(
    "sent",
    [
        "A1234BC Smith",  # a space: not a token (and could be personal data)
        'x"}\n{"level": "CRITICAL"',  # an attempt to forge a log line
        "a" * 65,  # too long
        "",
    ],
)
def test_an_unsafe_request_id_is_replaced_by_a_new_one(client, sent):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)
    assert NEW_ID.fullmatch(response["X-Request-ID"])


def test_a_request_without_an_id_gets_a_new_one_each_time(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert NEW_ID.fullmatch(first) and NEW_ID.fullmatch(second)
    assert first != second


@pytest.mark.django_db
def test_the_access_line_is_one_json_object_without_the_query_string(client, logged):
    response = client.get("/help/?q=Smith+A1234BC", HTTP_X_REQUEST_ID="trace-42")
    assert response.status_code == 200

    [line] = logged
    assert "\n" not in line
    entry = json.loads(line)
    assert set(entry) == {
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "method",
        "path",
        "status",
        "duration_ms",
        "user_id",
    }
    assert (entry["level"], entry["logger"], entry["request_id"]) == (
        "INFO",
        "peercare.access",
        "trace-42",
    )
    assert (entry["method"], entry["path"], entry["status"], entry["user_id"]) == (
        "GET",
        "/help/",
        200,
        None,
    )
    assert entry["message"] == f"GET /help/ 200 {entry['duration_ms']} ms"
    assert entry["duration_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", entry["time"])
    assert "Smith" not in line and "A1234BC" not in line


def test_the_access_line_names_the_signed_in_user_by_id_only(client, lead, logged):
    client.force_login(lead)
    client.get("/", HTTP_X_REQUEST_ID="home-1")
    [entry] = [json.loads(line) for line in logged if json.loads(line)["path"] == "/"]
    assert (entry["user_id"], entry["status"], entry["request_id"]) == (lead.pk, 200, "home-1")
    for identifying in (lead.username, lead.first_name, lead.last_name):
        assert identifying not in logged[-1]


@pytest.mark.django_db
def test_other_log_lines_of_a_request_carry_its_id_but_not_its_query_string(client, logged):
    response = client.get("/no-such-page/?name=Smith", HTTP_X_REQUEST_ID="lost-1")
    assert response.status_code == 404

    # Django logs the 404 after the middleware has answered, so after the access line.
    entries = [json.loads(line) for line in logged]
    assert [(e["logger"], e["level"], e["request_id"]) for e in entries] == [
        ("peercare.access", "INFO", "lost-1"),
        ("django.request", "WARNING", "lost-1"),
    ]
    assert entries[1]["message"] == "Not Found: /no-such-page/"
    assert entries[1]["status_code"] == 404  # Django's own field; its request object is left out
    assert all("Smith" not in line for line in logged)


def test_a_line_outside_any_request_and_an_exception(client):
    client.get("/healthz", HTTP_X_REQUEST_ID="done-1")  # over: its id is no longer current
    handler = Lines()
    logger = logging.getLogger("tests.request_logging")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("the reason")
        except ValueError:
            logger.exception("Failed %s", "here", extra={"prison_count": 3})
    finally:
        logger.removeHandler(handler)
    [entry] = [json.loads(line) for line in handler.lines]
    assert (entry["message"], entry["request_id"], entry["prison_count"]) == (
        "Failed here",
        "-",
        3,
    )
    assert entry["level"] == "ERROR"
    assert entry["exception"].startswith("Traceback (most recent call last):")
    assert entry["exception"].endswith("ValueError: the reason")


def log_format(**environ: str) -> str:
    """The console handler's formatter the settings choose with these variables."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ENV", "DJANGO_LOG_FORMAT", "DJANGO_SECRET_KEY"}
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings as s; print(s.LOGGING['handlers']['console']['formatter'])",
        ],
        cwd=ROOT,
        env={**env, **environ},
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or result.stderr.strip().splitlines()[-1]


def test_logs_are_json_in_production_and_text_for_developers():
    assert log_format() == "text"
    assert log_format(DJANGO_LOG_FORMAT="json") == "json"
    assert log_format(DJANGO_ENV="production", DJANGO_SECRET_KEY="x" * 50) == "json"
    assert log_format(DJANGO_LOG_FORMAT="xml") == (
        "django.core.exceptions.ImproperlyConfigured: DJANGO_LOG_FORMAT must be 'json' or 'text'."
    )
