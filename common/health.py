"""Health checks for load balancers, container platforms and monitoring.

- `/healthz`: the process is up and answering. No database query, so a database outage does not
  make every instance look dead at once (restarting them would not help).
- `/readyz`: this instance can serve pages: the database answers, and every migration this
  release holds has been applied (an instance of a new release started before `migrate` has run
  would otherwise fail on the first page using a new column). 503 with the failed check named.

Both are open to everyone (`login_not_required`, which also lets them past two-factor sign-in),
sit outside the access policy (so the audit log records nothing), and read neither the session
nor the user. They say nothing about the service's data: only "ok" or which check failed.

Run as a module, it is the probe a container's health check runs (the image has no curl):
`python -m common.health http://127.0.0.1:8000/readyz` exits 0 on 200 and 1 otherwise. It asks
with a host name from DJANGO_ALLOWED_HOSTS and, when DJANGO_PROXY_SSL_HEADER names a header,
with that header set to https, as the proxy in front would: so the probe passes the host check
without it being loosened for everyone. In production the two paths are also exempt from the
redirect to HTTPS (SECURE_REDIRECT_EXEMPT), so a load balancer may ask over plain HTTP.
"""

import logging
import os
import sys
import urllib.error
import urllib.request

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@login_not_required
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


def unapplied_migrations() -> list[str]:
    """Migrations on disk that the database has not recorded as applied, as "app.name", in the
    order `migrate` would apply them (squashed migrations are resolved as `migrate` does)."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


@login_not_required
@require_safe
def readyz(request):
    checks = {"database": "ok", "migrations": "ok"}
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Readiness: the database cannot be reached")
        checks = {"database": "unreachable", "migrations": "not checked"}
    else:
        try:
            unapplied = unapplied_migrations()
        except DatabaseError:
            logger.exception("Readiness: the applied migrations cannot be read")
            checks["migrations"] = "unreadable"
        else:
            if unapplied:
                logger.warning(
                    "Readiness: %d migration(s) not applied: %s",
                    len(unapplied),
                    ", ".join(unapplied),
                )
                checks["migrations"] = f"{len(unapplied)} not applied"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


def probe_headers(environ) -> dict[str, str]:
    """The headers the container's probe sends: a Host that DJANGO_ALLOWED_HOSTS accepts, and
    the TLS proxy's header when one is configured (see the module's docstring)."""
    hosts = [h.strip() for h in environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
    headers = {"Host": host}
    proxy_ssl_header = environ.get("DJANGO_PROXY_SSL_HEADER", "").strip()
    if proxy_ssl_header:
        headers[proxy_ssl_header] = "https"
    return headers


def probe(url: str, environ=os.environ, timeout: float = 5) -> bool:
    """Whether `url` answers 200 (redirects are not followed: a redirect is a failure)."""

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirects)
    request = urllib.request.Request(url, headers=probe_headers(environ))  # noqa: S310
    try:
        with opener.open(request, timeout=timeout) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


if __name__ == "__main__":
    sys.exit(
        0 if probe(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000/healthz") else 1
    )
