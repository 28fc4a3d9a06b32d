"""A request id on every request and every log line, and one access line per request.

RequestIdMiddleware, first in MIDDLEWARE, takes the `X-Request-ID` header a load balancer or proxy
sent when it is a short token of safe characters (anything else could forge log lines or carry
personal data into the logs), or makes one; keeps it for the request's log lines (a context
variable, so each thread or task has its own); sends it back in the response's `X-Request-ID`;
and logs one access line: method, path, status, duration in ms, request id, user id.

The access line never holds the query string (it can carry search terms: names, prison numbers)
nor who the user is beyond their id.

RequestIdFilter gives every log record a `request_id` ("-" outside a request), and JsonFormatter
writes each record as one JSON object: time, level, logger, message, request_id and any fields
passed in `extra`. config/settings.py LOGGING chooses JSON or readable text.
"""

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver
from django.utils.functional import SimpleLazyObject, empty

HEADER = "X-Request-ID"
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
NO_REQUEST = "-"

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default=NO_REQUEST
)
access_logger = logging.getLogger("peercare.access")


def request_id_from(header: str | None) -> str:
    """The incoming id when it is a short safe token, else a new one (32 hex digits)."""
    if header and SAFE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def user_id_of(request) -> int | None:
    """The signed-in user's id, if the request has already looked up who is signed in: the
    access line never costs a query of its own (a health check reads no session)."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(HEADER))
        request.request_id = request_id
        # Kept until the response is closed (forget_request_id), not only while the middleware
        # runs: Django logs "Not Found" and the like after the last middleware has answered.
        current_request_id.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = request_id
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        access_logger.info(
            "%s %s %s %s ms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user_id_of(request),
            },
        )
        return response


@receiver(request_finished)
def forget_request_id(**kwargs):
    current_request_id.set(NO_REQUEST)


class RequestIdFilter(logging.Filter):
    """Adds the current request's id to every record (put it on the handler)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True


# What every LogRecord has: anything else on a record came from `extra` and is written out.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
_PLAIN = (str, int, float, bool, type(None))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, the
    record's `extra` fields, and the exception's traceback when there is one."""

    def format(self, record):
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", current_request_id.get()),
        }
        for key, value in vars(record).items():
            # Plain values only: Django's own records carry the request object, whose text
            # holds the query string.
            if key not in _STANDARD and key not in entry and isinstance(value, _PLAIN):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry)
