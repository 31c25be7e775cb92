# The victim site (site/): static pages, CSS and ES modules built with Node
# from govuk-frontend (npm, pinned in site/package-lock.json) into site/dist.
# Included by the Makefile (-include make/*.mk).

SITE_MODULES := site/node_modules/.package-lock.json

.PHONY: site site-clean site-unit-test browser-deps browser-test

$(SITE_MODULES): site/package.json site/package-lock.json
	cd site && npm ci --no-audit --no-fund --loglevel=error

# Always rebuilt (about a second): the force's config can come from
# SITE_CONFIG=/path/to/force.json, which make cannot see change.
site: $(SITE_MODULES)
	cd site && node build.mjs

site-clean:
	rm -rf site/dist site/node_modules

# The unit tests of src/js, beside the modules (*.test.mjs), in Node's own
# test runner with a small DOM stand-in (site/test-support); no browser needed.
site-unit-test:
	cd site && npm test --silent

# The browser tests drive Debian's Chromium (Playwright cannot download a browser here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; }

browser-test: $(STAMP) site browser-deps
	$(PY) -m pytest -m browser tests/browser $(PYTEST_ARGS)

# The main Makefile expands $(RUN_DEPS)/$(TEST_DEPS) in its rule lines before
# this file is included, so add the prerequisites to its targets directly.
run: site
test: site site-unit-test browser-deps
