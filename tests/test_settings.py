"""Settings come from the environment; production is secure or does not start."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="peercare.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_ENV=production" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="k8#Qz2!vR7m@Lp4^Xw9&Tn6*Jb3(Hd5)Fs1_Gy0+Uc8=Ae2~Ni7",
        DJANGO_ALLOWED_HOSTS="peercare.example",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_development_without_database_url_uses_sqlite_under_var():
    code = "from django.conf import settings; d = settings.DATABASES['default']; print(d['ENGINE'], d['NAME'])"
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60, check=True,
    )
    engine, name = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert Path(name) == ROOT / "var" / "peercare.sqlite3"


def test_debug_is_off_unless_set_to_1():
    code = "from django.conf import settings; print(settings.DEBUG)"
    outputs = []
    for value in [None, "0", "true", "1"]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        environment["DJANGO_SETTINGS_MODULE"] = "config.settings"
        if value is not None:
            environment["DJANGO_DEBUG"] = value
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60, check=True,
        )
        outputs.append(result.stdout.strip())
    assert outputs == ["False", "False", "False", "True"]
