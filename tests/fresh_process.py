"""Django started in a fresh process with a chosen environment: settings are read from the
environment once, at start-up, so each environment needs a process of its own."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k8#Qz2!vR7m@Lp4^Xw9&Tn6*Jb3(Hd5)Fs1_Gy0+Uc8=Ae2~Ni7"
# The least a production start needs.
PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": STRONG_KEY,
    "DJANGO_ALLOWED_HOSTS": "peercare.example",
}


def clean_environment(**env):
    """This process's environment without any DJANGO_ or DATABASE_ variable, plus `env`."""
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))
    }
    return {**environment, **env}


def run(args, **env):
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=ROOT,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_django(code, **env):
    """Run `code` after django.setup() with the application's settings; return what it printed."""
    result = run(
        ["-c", f"import django; django.setup()\n{code}"],
        DJANGO_SETTINGS_MODULE="config.settings",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def setting(expression, **env):
    """The value of a settings expression when Django starts with `env`."""
    return run_django(f"from django.conf import settings; print({expression})", **env)


def settings_values(names, **env):
    """{name: value} of the named settings when Django starts with `env` (tuples as lists)."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(names)!r}}}))"
    )
    return json.loads(run_django(code, **env))
