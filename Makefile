# election_app — the two commands are `make run` and `make test`.
PY      ?= python3.11
VENV    := .venv
BIN     := $(VENV)/bin
HOST    ?= 0.0.0.0
HTTPS   ?=
PORT    ?= 5000
WORKERS ?= 2
# test processes (pytest-xdist): three on this 2-core machine, because the browser, gunicorn and PDF tests
# wait on other processes part of the time (measured: 1,674 tests in 3 min 39 s with 3, 3 min 37 s with 4)
TEST_PROCS ?= 3
FLASK   := $(BIN)/flask --app election_app

.PHONY: run serve test test-unit test-integration test-pg test-e2e bench fuzz deps deps-dev sysdeps i18n clean

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "Cần Python 3.11 ($(PY))"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	@touch $@

$(VENV)/.deps-dev: requirements.txt requirements-dev.txt $(VENV)/.deps
	$(BIN)/pip install -q -r requirements-dev.txt
	@touch $@

deps: $(VENV)/.deps
deps-dev: $(VENV)/.deps-dev

sysdeps:
	@bash scripts/system-deps.sh

## make run: install what is missing, migrate, seed the demo once, serve on $(HOST):$(PORT)
run: sysdeps deps
	$(FLASK) db upgrade
	$(FLASK) demo seed
	@if [ -n "$(HTTPS)" ]; then bash scripts/tls-cert.sh instance/tls $$(hostname -I 2>/dev/null); fi
	@$(BIN)/python scripts/print_addresses.py $(HOST) $(PORT) $(if $(HTTPS),https,http)
	$(BIN)/gunicorn --workers $(WORKERS) --threads 8 --worker-class gthread --bind $(HOST):$(PORT) \
	  $(if $(HTTPS),--certfile instance/tls/cert.pem --keyfile instance/tls/key.pem) \
	  --access-logfile - --access-logformat '%(h)s "%(m)s %(U)s" %(s)s %(L)ss' \
	  'election_app:create_app()'

## make test: the whole suite (unit, integration on SQLite, browser tests in Chromium)
test: deps-dev
	@bash scripts/system-deps.sh --browser
	$(BIN)/python -m pytest -n $(TEST_PROCS) --dist worksteal tests

test-unit: deps-dev
	$(BIN)/python -m pytest tests/unit

## make test-pg: the integration suite again on PostgreSQL (a fresh database per run)
test-pg: deps-dev
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
	  $(BIN)/python -m pytest -n $(TEST_PROCS) --dist worksteal tests/integration

## make fuzz: Schemathesis over /api/v1/openapi.json against a live server on a seeded database
## (every operation reached with real ids; ≥ 10,000 requests, 0 server errors, 0 answers the
## document contradicts; about 4 minutes; reports under test-artifacts/fuzz/)
fuzz: deps-dev
	$(BIN)/python scripts/fuzz_api.py

## make bench: every benchmark (bench/results/*.json, run.json: seconds per bench). The camera
## bench reads OMR_BENCH_BALLOTS ballots (here 200 by default, ~3 min; its full 2,000 take ~35 min on
## two cores: `OMR_BENCH_BALLOTS=2000 make bench` or `python -m bench omr`)
bench: deps-dev
	OMR_BENCH_BALLOTS=$${OMR_BENCH_BALLOTS:-200} $(BIN)/python -m bench

i18n: deps
	$(BIN)/pybabel -q extract -F babel.cfg -k _ -k _l -o translations/messages.pot .
	$(BIN)/pybabel -q update -N -i translations/messages.pot -d translations
	$(BIN)/pybabel -q compile -d translations

clean:
	rm -rf $(VENV) .pytest_cache
