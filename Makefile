# Track My Crime. `make run` starts the whole service locally; `make test` sets up and tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint officer-token openapi bank-holidays clean help venv
.DEFAULT_GOAL := help

help:
	@echo "make run            start the whole service locally (embedded AWS, API, site)"
	@echo "make test           set up, lint and run every test"
	@echo "make officer-token  print an officer token for the running local stack (FORCE=, ROLE=)"
	@echo "make bench          run the benchmarks"

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP) $(RUN_DEPS)
	$(PY) -m local.stack

officer-token: $(STAMP)
	@$(PY) -m local.dev_issuer --force "$(or $(FORCE),lincs)" --role "$(or $(ROLE),officer)"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m pytest -q -p no:cacheprovider tests/unit/test_architecture.py

# Two pytest-xdist workers (TEST_WORKERS=0 for one process): a module's tests
# stay on one worker, the browser tests share one (tests/conftest.py).
TEST_WORKERS ?= 2
test: $(STAMP) $(TEST_DEPS) lint
	$(PY) -m pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadgroup) $(PYTEST_ARGS)

openapi: $(STAMP)
	$(PY) -m chalicelib.web.openapi > openapi.json

bank-holidays: $(STAMP)
	$(PY) -m tools.bank_holidays

clean:
	rm -rf .local test-artifacts .pytest_cache

# Fragments for the site, deployment and benchmarks add targets and RUN_DEPS/TEST_DEPS.
-include make/*.mk
