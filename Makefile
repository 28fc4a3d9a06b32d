# PeerCare: `make run` serves the demo at http://127.0.0.1:8000, `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
MANAGE := $(UV) run --locked python manage.py

# Debian packages: WeasyPrint's libraries and fonts, then what the tests add (browser, PDF text).
APP_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation fonts-dejavu-core
TEST_PACKAGES := chromium poppler-utils

.PHONY: help run test lint format bench load backup restore vendor install system-packages test-system-packages

help:
	@echo "make run      set up and serve the demo on http://127.0.0.1:8000"
	@echo "make test     lint, then run the whole test suite (browser tests included)"
	@echo "make lint     ruff check and format check"
	@echo "make bench    run the benchmarks under bench/"
	@echo "make load     load test a lead's day with locust against gunicorn (about 6 minutes)"
	@echo "make backup   back up the PostgreSQL database of DATABASE_URL to var/backups/"
	@echo "make restore  restore BACKUP_FILE=... into an empty PostgreSQL database"

$(UV):
	@echo "Installing uv (the Python package manager) for this user"
	python3 -m pip install --user --quiet uv || python3 -m pip install --user --quiet --break-system-packages uv

install: $(UV)
	$(UV) sync --locked

system-packages:
	@scripts/system_packages.sh $(APP_PACKAGES)

test-system-packages:
	@scripts/system_packages.sh $(APP_PACKAGES) $(TEST_PACKAGES)

run: install system-packages
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo --if-empty
	@echo "PeerCare is at http://127.0.0.1:8000 (Ctrl+C stops it and its background worker)"
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) db_worker --no-reload & worker=$$!; \
	$(MANAGE) runserver 127.0.0.1:8000

lint: install
	$(UV) run --locked ruff check .
	$(UV) run --locked ruff format --check .

format: install
	$(UV) run --locked ruff format .
	$(UV) run --locked ruff check --fix .

test: install test-system-packages lint
	$(MANAGE) makemigrations --check --dry-run
	$(UV) run --locked pytest

bench: install test-system-packages
	$(UV) run --locked python bench/run.py

load: install
	$(UV) run --locked python bench/load/run.py

# Variables given on the command line (BACKUP_FILE, FORCE, RESTORE_DATABASE_URL) reach the scripts.
backup:
	@scripts/backup.sh

restore:
	@scripts/restore.sh

vendor:
	npm ci --no-audit --no-fund
	python3 scripts/vendor_frontend.py
