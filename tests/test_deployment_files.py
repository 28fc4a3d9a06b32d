"""The deployment files: docker-compose.yml, the Dockerfile and the README's configuration table
agree with each other, with the Makefile and with the code.

This machine's docker has no compose plugin, so the compose file is read with PyYAML and checked
here; where `docker compose` is installed it must also accept the file (`config -q`)."""

import re
import shlex
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_PATH = ROOT / "docker-compose.yml"
APP_SERVICES = ["migrate", "web", "worker", "scheduler"]
LONG_RUNNING = ["db", "web", "worker", "scheduler"]  # migrate runs once and stops
# Values that must be kept like passwords (the README's "secret" column says the same).
SECRETS = {
    "DATABASE_URL",
    "DJANGO_SECRET_KEY",
    "PEERCARE_PSEUDONYM_KEY",
    "PEERCARE_PASSWORD",
    "RESTORE_DATABASE_URL",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_PATH.read_text())


def readme_configuration() -> dict[str, dict]:
    """The README's configuration table: {variable: {"default": ..., "secret": ...}}."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    table = {}
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split(" | ")]
        assert len(cells) == 4, f"variable | default | secret | meaning: {row}"
        name, default, secret, meaning = cells
        table[name.strip("`")] = {"default": default, "secret": secret, "meaning": meaning}
    return table


def variables_the_code_reads() -> set[str]:
    """Environment variables read by the service's Python code (tests and benchmarks aside)."""
    reads = re.compile(
        r"""(?:env\.\w+|environ\.get|environ\.setdefault|getenv)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
        r"""|_VARIABLE\s*=\s*["']([A-Z][A-Z0-9_]+)["']"""
    )
    names = set()
    for path in ROOT.glob("**/*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", "tests", "bench", "node_modules", "var"}:
            continue
        for match in reads.finditer(path.read_text()):
            names.add(match.group(1) or match.group(2))
    return names


def interpolated(text: str) -> set[str]:
    """Variables the compose file takes from the environment it runs in: ${NAME...}."""
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))


def test_docker_compose_accepts_the_file_where_it_is_installed(compose):
    assert set(compose) == {"services", "volumes"}
    docker = shutil.which("docker")
    version = (
        subprocess.run(  # noqa: S603 - our own fixed command
            [docker, "compose", "version"], capture_output=True, check=False, text=True
        )
        if docker
        else None
    )
    if version is not None and version.returncode == 0:
        checked = subprocess.run(  # noqa: S603 - our own fixed command
            [docker, "compose", "-f", str(COMPOSE_PATH), "config", "-q"],
            capture_output=True,
            check=False,
            text=True,
            env={"DJANGO_SECRET_KEY": "x" * 50, "PATH": "/usr/bin:/bin:/usr/local/bin"},
        )
        assert checked.returncode == 0, checked.stderr


def test_the_services_are_the_database_migrate_web_worker_and_scheduler(compose):
    assert list(compose["services"]) == ["db", "migrate", "web", "worker", "scheduler"]
    commands = {name: compose["services"][name].get("command") for name in APP_SERVICES}
    assert commands["migrate"] == "python manage.py migrate --noinput"
    assert commands["web"] is None  # the image's gunicorn
    assert commands["worker"] == "python manage.py db_worker --no-reload"


def test_every_application_service_builds_the_dockerfile_with_the_same_environment(compose):
    services = compose["services"]
    for name in APP_SERVICES:
        assert services[name]["build"] == ".", name
        # One YAML anchor: PyYAML gives every alias of it the very same dict.
        assert services[name]["environment"] is services["migrate"]["environment"], name
    assert "environment: &app-environment" in COMPOSE_PATH.read_text()
    assert services["migrate"]["environment"]["DJANGO_ENV"] == "production"
    assert services["migrate"]["environment"]["DJANGO_PROXY_COUNT"] == "${DJANGO_PROXY_COUNT:-0}"


def test_every_long_running_service_has_a_health_check(compose):
    services = compose["services"]
    for name in LONG_RUNNING:
        assert services[name]["healthcheck"]["test"][0] in {"CMD", "CMD-SHELL"}, name
    assert services["web"]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "-m",
        "common.health",
        "http://127.0.0.1:8000/readyz",
    ]
    assert services["worker"]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "manage.py",
        "check",
        "--database",
        "default",
    ]
    # The scheduler is healthy while its last successful run is under 25 hours old.
    scheduler_check = services["scheduler"]["healthcheck"]["test"][-1]
    assert "/tmp/housekeeping-done" in scheduler_check  # noqa: S108 - the container's own /tmp
    assert "90000" in scheduler_check
    assert "healthcheck" not in services["migrate"]


def test_the_application_waits_for_migrate_and_migrate_for_the_database(compose):
    services = compose["services"]
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ["web", "worker", "scheduler"]:
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }, name


def test_the_scheduler_runs_daily_housekeeping_once_a_day(compose):
    command = compose["services"]["scheduler"]["command"]
    assert command[:2] == ["sh", "-c"]
    loop = command[2]
    assert loop.startswith("while true; do python manage.py daily_housekeeping && touch ")
    assert loop.endswith("sleep 86400; done")
    assert get_commands()["daily_housekeeping"] == "common"


def test_every_variable_the_compose_file_passes_is_in_the_readme_table(compose):
    documented = set(readme_configuration())
    passed = set(compose["services"]["migrate"]["environment"]) | interpolated(
        COMPOSE_PATH.read_text()
    )
    assert passed - documented == set()
    assert "DJANGO_PROXY_COUNT" in passed


def test_every_variable_the_code_reads_is_in_the_readme_table():
    read = variables_the_code_reads()
    # A few the scan must find, so that a broken scan fails here rather than passing.
    assert {
        "DATABASE_URL",
        "DJANGO_SECRET_KEY",
        "PEERCARE_PSEUDONYM_KEY",
        "DJANGO_LOG_FORMAT",
    } <= read
    assert read - set(readme_configuration()) == set()


def test_the_readme_table_gives_a_default_and_says_which_values_are_secret():
    table = readme_configuration()
    assert all(row["default"] and row["meaning"] for row in table.values())
    assert {row["secret"] for row in table.values()} == {"yes", "no"}
    assert {name for name, row in table.items() if row["secret"] == "yes"} == SECRETS


def test_no_secret_in_the_compose_file_has_a_value_but_the_demo_database_password(compose):
    """The secret key must come from the environment compose runs in, with no default (`:?`
    stops compose without it). The one literal secret is the demo database's password in
    DATABASE_URL: the db service publishes no port, so only the compose network reaches it, and
    a real deployment gives DATABASE_URL for its own PostgreSQL."""
    services = compose["services"]
    environment = services["migrate"]["environment"]
    for name in SECRETS & set(environment) - {"DATABASE_URL"}:
        assert re.fullmatch(rf"\$\{{{name}:\?[^}}]*\}}", environment[name]), name
    assert environment["DJANGO_SECRET_KEY"] == "${DJANGO_SECRET_KEY:?set DJANGO_SECRET_KEY}"

    database = urlsplit(environment["DATABASE_URL"])
    db = services["db"]
    assert (database.hostname, database.username, database.password) == (
        "db",
        db["environment"]["POSTGRES_USER"],
        db["environment"]["POSTGRES_PASSWORD"],
    )
    assert "ports" not in db
    # Nothing else in the file looks like a password or key with a value.
    for service in services.values():
        for name, value in (service.get("environment") or {}).items():
            if re.search(r"PASSWORD|SECRET|KEY|TOKEN", name) and name != "POSTGRES_PASSWORD":
                assert str(value).startswith("${"), name


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(instruction, arguments) for each instruction, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            instructions.append((keyword.upper(), " ".join(arguments.split())))
    return instructions


def stages() -> list[list[tuple[str, str]]]:
    found = []
    for keyword, arguments in dockerfile_instructions():
        if keyword == "FROM":
            found.append([])
        found[-1].append((keyword, arguments))
    return found


def test_the_dockerfile_builds_in_one_stage_and_runs_from_slim_debian_in_another():
    builder, runtime = stages()
    assert builder[0] == ("FROM", "python:3.11-slim-bookworm AS builder")
    assert runtime[0] == ("FROM", "python:3.11-slim-bookworm AS runtime")
    builder_runs = " ".join(arguments for keyword, arguments in builder if keyword == "RUN")
    assert "uv sync --locked --no-dev" in builder_runs
    assert "manage.py collectstatic --noinput" in builder_runs
    copies = [arguments for keyword, arguments in runtime if keyword == "COPY"]
    assert copies == ["--from=builder /opt/venv /opt/venv", "--from=builder /app /app"]
    runtime_runs = " ".join(arguments for keyword, arguments in runtime if keyword == "RUN")
    assert "uv" not in runtime_runs.split()


def test_the_image_runs_as_a_user_that_is_not_root():
    _builder, runtime = stages()
    keywords = [keyword for keyword, _arguments in runtime]
    users = [arguments for keyword, arguments in runtime if keyword == "USER"]
    assert users == ["peercare"]
    assert keywords.index("USER") < keywords.index("CMD")
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k in {"RUN", "COPY"})


def test_the_image_checks_its_health_with_python_and_serves_without_gunicorns_access_log():
    _builder, runtime = stages()
    instructions = dict(runtime)
    healthcheck = instructions["HEALTHCHECK"]
    assert healthcheck.endswith(
        'CMD ["python", "-m", "common.health", "http://127.0.0.1:8000/healthz"]'
    )
    assert "curl" not in healthcheck
    assert instructions["CMD"] == (
        '["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]'
    )


def test_the_image_installs_exactly_the_makefiles_weasyprint_packages():
    makefile = (ROOT / "Makefile").read_text()
    [app_packages] = re.findall(r"^APP_PACKAGES := (.+)$", makefile, re.M)
    _builder, runtime = stages()
    installs = []
    for keyword, arguments in runtime:
        if keyword != "RUN":
            continue
        for command in arguments.split("&&"):
            words = shlex.split(command)
            if words[:2] == ["apt-get", "install"]:
                installs.append([word for word in words[2:] if not word.startswith("-")])
    assert installs == [app_packages.split()]
    assert app_packages.split() == [
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz-subset0",
        "fonts-liberation",
        "fonts-dejavu-core",
    ]
