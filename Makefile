# defnews: `make demo` and `make test` work on a fresh machine (they install what they need).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
UV_VERSION := 0.13.9
# Use the machine's uv when it has one; otherwise bring our own from PyPI into .tools/.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: help install demo test lint eval bench parse-diff clean

help:
	@echo "make install   create .venv with every pinned dependency (idempotent)"
	@echo "make demo      the sample feeds on loopback through Airflow, DuckDB, dbt and GX; prints a summary"
	@echo "make test      install, lint, then the whole test suite"
	@echo "make lint      ruff (with Airflow's AIR rules) and sqlfluff on dbt_project/"
	@echo "make eval      precision, recall and F1 of actor and topic extraction on the labelled sets in eval/"
	@echo "make bench     the benchmark, one JSON object (QUICK=1 for a smaller run)"
	@echo "make parse-diff  the fast parse path against feedparser over ../shared/corpora (CORPORA=... elsewhere)"

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# The packages' bytecode compiled once, at install: where PYTHONDONTWRITEBYTECODE is set (this CI machine sets it)
# Python would otherwise compile every module of theirs it imports from source, in every process (GX's import:
# 12 s -> 6 s). The recipe is part of what is installed: a change to this file installs again.
$(VENV)/.installed: pyproject.toml uv.lock Makefile | $(UV)
	$(UV) sync --frozen --extra celery --python $(PYTHON) --compile-bytecode
	touch $@

# The matcher's C extension (ingest/extract/_scan.c), built beside its source for this interpreter.
# Without a C compiler build_native.py says so and builds nothing: extraction then runs in Python.
NATIVE := ingest/extract/_scan$(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
$(NATIVE): ingest/extract/_scan.c ingest/extract/build_native.py $(VENV)/.installed
	$(BIN)/python ingest/extract/build_native.py

dbt_project/target/manifest.json: $(VENV)/.installed $(shell find dbt_project/models dbt_project/macros dbt_project/tests -type f) dbt_project/dbt_project.yml
	$(BIN)/defnews manifest --data-dir data

install: $(VENV)/.installed $(NATIVE) dbt_project/target/manifest.json

demo: install
	$(BIN)/defnews demo --data-dir data

bench: install
	@$(BIN)/python bench/bench.py $(if $(QUICK),--quick)

parse-diff: install
	$(BIN)/python bench/parse_diff.py $(or $(CORPORA),../shared/corpora) samples/feeds

eval: install
	$(BIN)/defnews eval
	$(BIN)/defnews eval eval/labelled_zh_ar.jsonl

lint: install
	$(BIN)/ruff check ingest expectations dags tests samples bench
	$(BIN)/ruff format --check ingest expectations dags tests samples bench
	$(BIN)/mypy
	cd dbt_project && DEFNEWS_WAREHOUSE=$(CURDIR)/data/lint.duckdb ../$(BIN)/sqlfluff lint models --processes 1

test: install lint
	$(BIN)/pytest

clean:
	rm -rf data .cache .pytest_cache .ruff_cache .mypy_cache dbt_project/target dbt_project/logs ingest/extract/_scan.*.so
