# Deployment to AWS (docs/deploy.md). Included by the Makefile (-include make/*.mk).
#
#   make deploy STAGE=prod       infra, then chalice deploy, then the site
#   make destroy STAGE=dev       removes the app, the API and the site; keeps the data
#   make destroy STAGE=dev KEEP_DATA=false    ...and deletes tables, key, secret, logs
#   make package [STAGE=dev]     chalice package into build/ (a SAM template and zip)
#   make check-deploy            the offline checks: chalice package, cfn-lint, schemas, IAM
#   make rotate-origin-secret STAGE=prod   a new secret between CloudFront and the API
#
# Optional settings (environment or make variables): AWS_REGION (default eu-west-2),
# ALARM_EMAIL, HOSTED_ZONE_ID, SITE_DOMAIN + CERTIFICATE_ARN, WEB_ACL_ARN,
# THROTTLE_RATE (default 50 requests/s), THROTTLE_BURST (100).

STAGE ?= dev
KEEP_DATA ?= true
DEPLOY_REGION := $(or $(AWS_REGION),$(AWS_DEFAULT_REGION),eu-west-2)
CHALICE := $(VENV)/bin/chalice
DEPLOY := $(PY) -m infra.deploy

# The optional settings reach infra/deploy.py as environment variables: make
# exports those given on its command line, and the environment's own.
deploy destroy package rotate-origin-secret: export AWS_REGION = $(DEPLOY_REGION)
deploy destroy package rotate-origin-secret: export AWS_DEFAULT_REGION = $(DEPLOY_REGION)

.PHONY: deploy destroy package check-deploy deploy-check-stage rotate-origin-secret

deploy-check-stage:
	@case "$(STAGE)" in dev|prod) ;; *) echo "STAGE must be dev or prod"; exit 1;; esac

# Before anything changes: prod is served on its own name only (TLS 1.2 at least).
deploy: deploy-check-prod-name
.PHONY: deploy-check-prod-name
deploy-check-prod-name:
	@if [ "$(STAGE)" = prod ] && { [ -z "$(SITE_DOMAIN)" ] || [ -z "$(CERTIFICATE_ARN)" ]; }; then \
	  echo "prod needs SITE_DOMAIN and CERTIFICATE_ARN: on its own cloudfront.net name CloudFront accepts TLS 1.0 and 1.1 (docs/deploy.md)"; exit 1; fi

deploy: $(STAMP) deploy-check-stage
	# 1. Tables, key, SES identity and configuration set, topics, log groups, alarms.
	$(DEPLOY) data $(STAGE)
	$(DEPLOY) secret $(STAGE)
	# 2. The functions and API (the app reads the stream's ARN from the table itself).
	$(CHALICE) deploy --stage $(STAGE)
	$(DEPLOY) api $(STAGE)
	# 3. The site's bucket and distribution (needs the API's domain).
	$(DEPLOY) edge $(STAGE)
	# 4. The site.
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

package: $(STAMP)
	rm -rf build
	$(CHALICE) package --stage $(STAGE) build

check-deploy: $(STAMP)
	$(PY) -m pytest tests/infra $(PYTEST_ARGS)
