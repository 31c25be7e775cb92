# Security checks (issue 5). Included by the Makefile (-include make/*.mk).
#
#   make fuzz                      schemathesis against openapi.json and the local stack, thoroughly
#   make fuzz FUZZ_EXAMPLES=1000   ...more cases per operation
#   (then the odd-input properties, tests/security/test_odd_input.py, with ODD_INPUT_EXAMPLES each)
#
# `make test` runs a bounded fuzz as tests/security/test_fuzz.py (FUZZ_MAX_EXAMPLES=3)
# and the odd-input properties with 120 examples each.

FUZZ_EXAMPLES ?= 200
ODD_INPUT_EXAMPLES ?= 1000

.PHONY: fuzz

fuzz: $(STAMP)
	$(PY) -m tests.security.fuzz --max-examples $(FUZZ_EXAMPLES) --out test-artifacts/fuzz
	ODD_INPUT_EXAMPLES=$(ODD_INPUT_EXAMPLES) $(PY) -m pytest -q -p no:cacheprovider tests/security/test_odd_input.py
