# Security checks (issue 5). Included by the Makefile (-include make/*.mk).
#
#   make fuzz                      schemathesis against openapi.json and the local stack, thoroughly
#   make fuzz FUZZ_EXAMPLES=1000   ...more cases per operation
#
# `make test` runs a bounded fuzz as tests/security/test_fuzz.py (FUZZ_MAX_EXAMPLES=3).

FUZZ_EXAMPLES ?= 200

.PHONY: fuzz

fuzz: $(STAMP)
	$(PY) -m tests.security.fuzz --max-examples $(FUZZ_EXAMPLES) --out test-artifacts/fuzz
