"""Settings for the test suite: the application's settings with a fast hasher and plain static storage."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The audit table's trigger refuses TRUNCATE (audit/migrations/0002_append_only_trigger.py) unless
# the database is a test database and its connection turns this on: Django's flush, between
# transactional tests, truncates every table. UPDATE and DELETE stay refused here too.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = f"{_options.get('options', '')} -c peercare.audit_truncate=on".strip()
