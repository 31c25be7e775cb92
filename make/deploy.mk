# Deployment to AWS (docs/deploy.md). Included by the Makefile (-include make/*.mk).
#
#   make infra STAGE=prod        once, and again whenever you like: the data stack (tables, key,
#                                SES, topics, queue, alarms, dashboard), the token secret, and the
#                                reconcile step (Chalice's record from what exists; the safety net)
#   .venv-deploy/bin/chalice deploy --stage prod     every release (plain Chalice, Python 3.13)
#   make deploy STAGE=prod       both, then the API stage's throttling and access log, the edge, the site
#   make destroy STAGE=dev       removes the app, the API and the site; keeps the data
#   make destroy STAGE=dev KEEP_DATA=false    ...and deletes tables, key, secret, logs
#   make package [STAGE=dev]     chalice package into build/ (a SAM template and zip), Python 3.13
#   make bytecode                vendor/: the package's .pyc for Chalice to ship (tools/bytecode.py);
#                                run by infra, deploy and package before Chalice packages the app
#   make check-deploy            the offline checks: cfn-lint, schemas, IAM, the deploy simulation
#   make deploy-simulation       chalice deploy against moto, interrupted at every AWS call in turn
#   make rotate-origin-secret STAGE=prod   a new secret between CloudFront and the API
#
# Optional settings (environment or make variables): AWS_REGION (default eu-west-2),
# ALARM_EMAIL, HOSTED_ZONE_ID, SITE_DOMAIN + CERTIFICATE_ARN, WEB_ACL_ARN,
# IDENTITY_PROVIDER_ORIGIN (the officer console's sign-in; default https://login.microsoftonline.com),
# THROTTLE_RATE (default 50 requests/s), THROTTLE_BURST (100).

STAGE ?= dev
KEEP_DATA ?= true
DEPLOY_REGION := $(or $(AWS_REGION),$(AWS_DEFAULT_REGION),eu-west-2)
DEPLOY := $(PY) -m infra.deploy

# Chalice gives Lambda the runtime of the Python that runs it: deploys run from
# their own virtualenv on Python 3.13 (pyenv's, or DEPLOY_PYTHON=...), while
# `make run` and `make test` stay on .venv.
DEPLOY_PYTHON ?= $(or $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13),python3.13)
DEPLOY_VENV := .venv-deploy
DEPLOY_STAMP := $(DEPLOY_VENV)/.installed
CHALICE := $(DEPLOY_VENV)/bin/chalice

infra deploy destroy package rotate-origin-secret rotate-token-secret deploy-venv bytecode: export AWS_REGION = $(DEPLOY_REGION)
infra deploy destroy package rotate-origin-secret rotate-token-secret deploy-venv bytecode: export AWS_DEFAULT_REGION = $(DEPLOY_REGION)

.PHONY: infra deploy destroy package check-deploy deploy-check-stage rotate-origin-secret deploy-venv \
	deploy-simulation bytecode

deploy-check-stage:
	@case "$(STAGE)" in dev|prod) ;; *) echo "STAGE must be dev or prod"; exit 1;; esac

$(DEPLOY_STAMP): requirements.txt requirements-dev.txt
	@$(DEPLOY_PYTHON) -c 'import sys; assert sys.version_info >= (3, 13), sys.version' \
	  || { echo "deploys need Python 3.13 (DEPLOY_PYTHON=/path/to/python3.13)"; exit 1; }
	test -x $(DEPLOY_VENV)/bin/python || $(DEPLOY_PYTHON) -m venv $(DEPLOY_VENV)
	$(DEPLOY_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt \
	  $$(grep -E '^chalice==' requirements-dev.txt)
	touch $(DEPLOY_STAMP)

deploy-venv: $(DEPLOY_STAMP)

# Chalice rebuilds the zip on every deploy and ships no bytecode (Lambda would compile
# every module at each cold start): it does copy vendor/ into the zip's root, so this
# fills a generated, git-ignored vendor/ with checked-hash .pyc of the zip's sources,
# compiled by the deploy Python, and checks them against the zip Chalice then caches
# and `chalice deploy` reuses. A source edited afterwards is compiled from source at
# cold start (checked-hash), never run from old bytecode: run it again to regain the speed.
bytecode: $(DEPLOY_STAMP)
	$(DEPLOY_VENV)/bin/python -m tools.bytecode build

infra: $(STAMP) $(DEPLOY_STAMP) deploy-check-stage bytecode
	$(DEPLOY) infra $(STAGE)
	@echo "next: $(CHALICE) deploy --stage $(STAGE)   (after a first deploy, make infra STAGE=$(STAGE) once more: the API's throttling and access log)"

# Before anything changes: prod is served on its own name only (TLS 1.2 at least).
deploy: deploy-check-prod-name
.PHONY: deploy-check-prod-name
deploy-check-prod-name:
	@if [ "$(STAGE)" = prod ] && { [ -z "$(SITE_DOMAIN)" ] || [ -z "$(CERTIFICATE_ARN)" ]; }; then \
	  echo "prod needs SITE_DOMAIN and CERTIFICATE_ARN: on its own cloudfront.net name CloudFront accepts TLS 1.0 and 1.1 (docs/deploy.md)"; exit 1; fi

deploy: deploy-check-prod-name infra
	# 1. The functions and API: plain Chalice (the app reads the stream's ARN itself), with
	#    vendor/'s bytecode (`make bytecode`, run by infra); then its .pyc checked against the
	#    sources of the zip just deployed (Chalice keeps it in .chalice/deployments).
	$(CHALICE) deploy --stage $(STAGE)
	@$(DEPLOY_VENV)/bin/python -m tools.bytecode check \
	  || echo "warning: the deployed package's bytecode is stale (correct, but cold starts slower): make bytecode, then deploy again"
	# 2. The safety net on anything the deploy created; the stage's throttling and access log.
	$(DEPLOY) reconcile $(STAGE)
	$(DEPLOY) api $(STAGE)
	# 3. The site's bucket and distribution (needs the API's domain), then the site.
	$(DEPLOY) edge $(STAGE)
	$(MAKE) site
	$(DEPLOY) upload $(STAGE)

destroy: $(STAMP) deploy-check-stage
	$(DEPLOY) destroy $(STAGE) $(if $(filter false,$(KEEP_DATA)),--delete-data)

# A new X-Origin-Verify value: the API accepts it at once (and the old one), and
# CloudFront sends it once the edge stack is updated, after the API's 5-minute cache.
rotate-origin-secret: $(STAMP) deploy-check-stage
	$(DEPLOY) rotate-origin-secret $(STAGE)
	sleep 330
	$(DEPLOY) edge $(STAGE)

.PHONY: rotate-token-secret
rotate-token-secret: $(STAMP) deploy-check-stage
	$(DEPLOY) rotate-token-secret $(STAGE)

package: $(STAMP) bytecode
	rm -rf build
	$(CHALICE) package --stage $(STAGE) build

# CHECK_DEPLOY=1: also tests/deploy/test_bytecode_package.py (make bytecode's zip, with
# Python 3.13 from .venv-deploy; about a minute), which `make test` skips.
check-deploy: $(STAMP) $(DEPLOY_STAMP)
	CHECK_DEPLOY=1 $(PY) -m pytest tests/infra tests/deploy $(PYTEST_ARGS)

# The thorough variant of tests/deploy: a deploy interrupted at each AWS call
# in turn, then `make infra` + `chalice deploy` again. 38 points: about 17 minutes on 2 cores.
# The points are read when pytest collects, from the calls a first deploy made
# (test-artifacts/deploy-calls.txt): a first deploy records them, then the run.
deploy-simulation: $(STAMP)
	$(PY) -m pytest -q tests/deploy -k first_deploy_makes_one
	rm -f test-artifacts/deploy-simulation.txt
	DEPLOY_SIMULATION=every-call $(PY) -m pytest tests/deploy $(PYTEST_ARGS)
