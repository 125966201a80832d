# The project's command vocabulary. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
export DEMO_MODE ?= 1
export CHROMIUM_PATH ?= /usr/bin/chromium

.PHONY: run test cluster-test lint security api-check check deps install-py install-npm migrate seed static bench bench-pdf clicks faults redis-server stop-db format clean messages untranslated compilemessages

$(VENV)/.installed: requirements/dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip uv
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements/dev.lock
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install-py: $(VENV)/.installed
install-npm: node_modules/.installed
deps: install-py install-npm compilemessages

# Translations (docs/adr/0030-i18n-nynorsk-and-english.md). Bokmål is the source language; the
# catalogues locale/nn and locale/en are committed, their .mo files are built here (msgfmt, when
# the .po is newer), never committed.
LOCALES := nn en
MO_FILES := $(foreach l,$(LOCALES),locale/$(l)/LC_MESSAGES/django.mo)
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check -o $@ $<
compilemessages: $(MO_FILES)

# Catch up with new strings: extract the marked strings of every app into nn and en (new ones
# empty, changed ones fuzzy), compile, and list what is left to translate.
MAKEMESSAGES_ARGS := $(foreach l,$(LOCALES),-l $(l)) --add-location file --no-obsolete \
	--ignore '.venv/*' --ignore 'node_modules/*' --ignore 'staticfiles/*' --ignore 'tests/*' --ignore '.data/*'
messages: install-py
	$(PY) manage.py makemessages $(MAKEMESSAGES_ARGS) --verbosity 0
	$(MAKE) --no-print-directory compilemessages
	$(PY) scripts/untranslated.py

# The entries of nn and en still untranslated or fuzzy, and template text not marked for translation.
untranslated: install-py
	$(PY) scripts/untranslated.py

migrate: deps
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# Collected (hashed and compressed) only when a source file changed: a second `make run` skips it.
STATIC_SOURCES := $(shell find static -type f 2>/dev/null) package-lock.json
staticfiles/staticfiles.json: $(STATIC_SOURCES) | deps
	$(PY) manage.py collectstatic --noinput --verbosity 0

static: deps staticfiles/staticfiles.json

run: seed static
	./scripts/run.sh

test: deps
	$(PY) -m pytest $(PYTEST_ARGS)

# Two web nodes on a PostgreSQL primary with a real streaming replica of its own, and the
# load test through both (tests/deploy/test_cluster.py, docs/deployment.md). About two
# minutes, so not in `make test`; bounded at 15 minutes. CI runs it (.ci/run).
cluster-test: static
	CLUSTER_TEST=1 timeout 900 $(PY) -m pytest tests/deploy/test_cluster.py -s -p no:cacheprovider

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

# Static security analysis (bandit: no medium or high finding) and known-vulnerable pins
# (pip-audit; skips with a message when the vulnerability database is unreachable).
# BANDIT_PATHS names every app of INSTALLED_APPS (tests/bti/test_static_checks.py).
BANDIT_PATHS := bti cases stafettlogg handlingsveileder consent samarbeid oversikt undersokelse implementering kommuneadmin samordning familie arkiv demo scripts
security: deps
	$(VENV)/bin/bandit -q -r $(BANDIT_PATHS) -x '*/migrations/*' -ll
	$(PY) scripts/pip_audit.py

# The API against its OpenAPI schema (schemathesis, in-process; also part of `make test`).
api-check: deps
	$(PY) -m pytest tests/bti/test_api_schemathesis.py -q $(PYTEST_ARGS)

format: deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# `manage.py check --deploy` with production-like settings.
check: deps
	DEBUG=0 DEMO_MODE=0 HTTPS=1 ALLOWED_HOSTS=bti.example.kommune.no \
	SECRET_KEY="check-deploy-$$(head -c 32 /dev/urandom | base64 | tr -d '/+=')" \
	FIELD_ENCRYPTION_KEYS="$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
	LOG_INTEGRITY_KEYS="$$(head -c 32 /dev/urandom | base64 | tr -d '/+=')" \
	CASE_KEY_MASTER="$$(head -c 32 /dev/urandom | base64)" \
	$(PY) manage.py check --deploy --fail-level WARNING

bench: static
	$(PY) manage.py bench $(BENCH_ARGS)

# Clicks per step of the README walkthrough (docs/walkthrough.md), in Chromium, against a
# running server on a freshly seeded demo (`make run` in another terminal; CLICKS_URL to change).
CLICKS_URL ?= http://127.0.0.1:8000
clicks: deps
	$(PY) scripts/clicks.py --base-url $(CLICKS_URL)

# The fault suite (docs/reliability.md, ~15 minutes): its own PostgreSQL, Redis, gunicorn, workers,
# relay and beat on ports 20710-20740 (FAULTS_ARGS="--port N" moves them), never the machine's services.
# Redis for the fault suite's own broker (Debian's package, when missing and we are root).
redis-server:
	@command -v redis-server >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null; }

faults: static redis-server
	$(PY) scripts/faults.py --out bench-results/faults.json $(FAULTS_ARGS)

# The case page's p95 while 2,000-entry PDFs render, against idle (the same stack as `make faults`).
bench-pdf: static redis-server
	$(PY) scripts/faults.py --scenarios pdf-load --out bench-results/pdf-load.json $(FAULTS_ARGS)

stop-db: deps
	$(PY) manage.py stop_embedded_db

clean:
	rm -rf staticfiles .pytest_cache .mypy_cache .ruff_cache
