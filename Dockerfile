# PeerCare application image: gunicorn serving Django, static files by whitenoise.
#
# Two stages. The builder installs the locked dependencies into /opt/venv with uv and collects the
# static files; the runtime stage starts again from the slim image with only what WeasyPrint needs
# to run (the Makefile's APP_PACKAGES: Pango, HarfBuzz's subsetter, two fonts), the venv and the
# application, so no build tool, uv or package list is left in what runs.

FROM python:3.11-slim-bookworm AS builder

ENV PYTHONDONTWRITEBYTECODE=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy

RUN pip install --no-cache-dir uv

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project
COPY . .
RUN DJANGO_ENV=production DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=build \
    /opt/venv/bin/python manage.py collectstatic --noinput


FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH

# WeasyPrint's libraries and fonts: the same list as APP_PACKAGES in the Makefile
# (tests/test_deployment_files.py checks they agree).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --no-create-home --home-dir /app --shell /usr/sbin/nologin peercare

WORKDIR /app
# The venv's python links to /usr/local/bin/python3.11, which both stages have.
COPY --from=builder /opt/venv /opt/venv
# Owned by root and only readable by the service's user: it cannot change its own code.
COPY --from=builder /app /app

USER peercare
EXPOSE 8000
# The process answers (/healthz needs no database). No curl in the slim image: the probe is
# Python's urllib (common/health.py), sending a host name DJANGO_ALLOWED_HOSTS accepts.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-m", "common.health", "http://127.0.0.1:8000/healthz"]
# No gunicorn access log: RequestIdMiddleware writes one line per request, as JSON with the
# request id (common/request_id.py). gunicorn's own messages go to standard error.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
