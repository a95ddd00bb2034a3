# The whole development loop. See README.md.
#   make test    set-up, lint, fresh database, install log check, every test (tours included)
#   make demo    set-up, then database $(DB) with demo data, served on http://localhost:$(PORT)
#   make bench   set-up, then the benchmarks at SCALE=small|medium|large (bench/RESULTS.md)
#   make lint    only the linters

DB ?= crm_demo
PORT ?= 8069
SCALE ?= medium

.PHONY: test demo bench lint setup

setup:
	bash tools/setup.sh

test:
	bash tools/test.sh

demo:
	DB=$(DB) PORT=$(PORT) bash tools/demo.sh

bench:
	SCALE=$(SCALE) bash tools/bench.sh

lint: setup
	bash tools/lint.sh
