# `make bench`: every bench/bench_*.py, one after another. Each prints its figures
# and exits non-zero when it misses its target; the first miss stops the run.
BENCHES = $(sort $(wildcard bench/bench_*.py))

.PHONY: bench
bench: $(STAMP)
	@set -e; for script in $(BENCHES); do echo "== $$script"; $(PY) $$script; done
