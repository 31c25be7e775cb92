# The message catalogues, English and Welsh (chalicelib/core/locale, site/locale):
# `make messages` compiles chalicelib's .po to the .mo the Lambda reads, then
# checks every pair (same keys, placeholders and markup; none empty).
# Included by the Makefile (-include make/*.mk).

.PHONY: messages

messages: $(STAMP)
	$(PY) -m tools.catalogues
