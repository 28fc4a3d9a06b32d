"""Production settings (DJANGO_ENV=production) for the load test on loopback, over plain HTTP.

Everything is as in production except what needs TLS: production marks the session and CSRF
cookies Secure, which an HTTP client never sends back over http://127.0.0.1, and redirects to
HTTPS (run.py sets DJANGO_SECURE_SSL_REDIRECT=0; HSTS would mean nothing without TLS). Static
files are collected under var/load-static so the main staticfiles/ is left alone.
"""

import os

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, PRODUCTION

if not PRODUCTION:
    raise RuntimeError("bench.load.settings is for DJANGO_ENV=production only")

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STATIC_ROOT = os.environ.get("LOAD_STATIC_ROOT", str(BASE_DIR / "var" / "load-static"))
# Hashed names as in production, without WhiteNoise's compression: compressing the vendored files
# takes minutes on a busy machine, and the load test fetches pages, not static files.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
