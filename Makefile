# Track My Crime. `make run` starts the whole service locally; `make test` sets up and tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint officer-token openapi bank-holidays clean help venv
.DEFAULT_GOAL := help

help:
	@echo "Local:"
	@echo "  make run              the whole service locally (embedded AWS, API, site);"
	@echo "                        ports: API_PORT=8000 SITE_PORT=8080 MOTO_PORT=5005 ISSUER_PORT=8001"
	@echo "  make officer-token    an officer token for the running local stack (FORCE=, ROLE=)"
	@echo "  make test             set up, lint and run every test"
	@echo "  make lint             ruff, mypy and the architecture check"
	@echo "  make site             build the victim site (site/dist)"
	@echo "  make browser-test     the browser tests (Chromium)"
	@echo "  make fuzz             schemathesis and the odd-input properties, thoroughly (FUZZ_EXAMPLES=)"
	@echo "  make bench            the benchmarks, then docs/performance.md"
	@echo "  make openapi          write openapi.json from the code"
	@echo "  make bank-holidays    write the bank-holiday data file"
	@echo "  make clean            remove .local, test artifacts and caches"
	@echo "Deploy (docs/deploy.md; STAGE=dev|prod):"
	@echo "  make infra            the data stack, token secret and reconcile step (re-runnable)"
	@echo "  .venv-deploy/bin/chalice deploy --stage STAGE    every release (Python 3.13)"
	@echo "  make deploy           infra, chalice deploy, reconcile, API stage settings, edge, site"
	@echo "  make destroy          remove the app, API and site (KEEP_DATA=false: the data too)"
	@echo "  make package          chalice package into build/ (Python 3.13, with make bytecode)"
	@echo "  make bytecode         vendor/: the Lambda package's .pyc (run by infra, deploy, package)"
	@echo "  make check-deploy     cfn-lint, IAM and schema checks, the deploy simulation"
	@echo "  make deploy-simulation    chalice deploy against moto, interrupted at every AWS call"
	@echo "  make deploy-venv      the Python 3.13 virtualenv deploys run from (.venv-deploy)"
	@echo "  make rotate-origin-secret / rotate-token-secret   new secrets (docs/runbook.md)"

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP) $(RUN_DEPS)
	API_PORT=$(API_PORT) SITE_PORT=$(SITE_PORT) MOTO_PORT=$(MOTO_PORT) ISSUER_PORT=$(ISSUER_PORT) $(PY) -m local.stack

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
