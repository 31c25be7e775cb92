# `make bench`: every bench/bench_*.py, one after another, then docs/performance.md.
# Each prints its figures; its output and exit status are kept in build/bench/
# (a benchmark may also leave its own section there, build/bench/<name>.md), and
# bench/assemble.py writes the document from them with the machine and the date.
# A benchmark that misses its target (exit status 1) does not stop the others:
# every figure is printed and documented; `make bench` then fails, naming it.
BENCHES = $(sort $(wildcard bench/bench_*.py))
BENCH_OUT := build/bench

.PHONY: bench
bench: $(STAMP)
	@rm -rf $(BENCH_OUT); mkdir -p $(BENCH_OUT); missed=""; \
	for script in $(BENCHES); do \
		name=$$(basename $$script .py); echo "== $$script"; started=$$(date +%s); \
		$(PY) $$script 2>&1 | tee $(BENCH_OUT)/$$name.out; status=$${PIPESTATUS[0]}; \
		echo "$$status $$(( $$(date +%s) - started ))" > $(BENCH_OUT)/$$name.status; \
		if [ $$status -ne 0 ]; then missed="$$missed $$name"; fi; \
	done; \
	$(PY) bench/assemble.py; \
	if [ -n "$$missed" ]; then echo "bench: a target missed or a run failed in:$$missed"; exit 1; fi
