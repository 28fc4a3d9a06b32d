"""Settings come from the environment; production does not start without its secret key.
What production sends for security, and Django's deployment checklist: test_security_headers.py."""

from tests.fresh_process import ROOT, run, setting


def test_production_refuses_to_start_without_a_secret_key():
    result = run(
        ["manage.py", "check"], DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="peercare.example"
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_ENV=production" in result.stderr


def test_without_database_url_the_database_is_sqlite_under_var():
    expected = f"django.db.backends.sqlite3 {ROOT / 'var' / 'peercare.sqlite3'}"
    engine_and_name = (
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME']"
    )
    assert setting(engine_and_name) == expected
    assert setting(engine_and_name, DATABASE_URL="") == expected


def test_a_postgres_database_url_is_used():
    value = setting(
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['HOST']",
        DATABASE_URL="postgres://u:p@db.internal:5432/peercare",
    )
    assert value == "django.db.backends.postgresql db.internal"


def test_debug_is_off_unless_set_to_1():
    assert setting("settings.DEBUG") == "False"
    assert setting("settings.DEBUG", DJANGO_DEBUG="true") == "False"
    assert setting("settings.DEBUG", DJANGO_DEBUG="1") == "True"


def test_allowed_hosts_are_read_comma_separated():
    assert setting("settings.ALLOWED_HOSTS", DJANGO_ALLOWED_HOSTS="a.example,b.example") == (
        "['a.example', 'b.example']"
    )
