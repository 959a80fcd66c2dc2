# Entry points: `make run` (pipeline on the bundled samples + summary), `make test`,
# `make dev` (Dagster UI), `make lint`. Everything runs from .venv, synced from uv.lock.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV_PY := .venv/bin/python
# Prefer a uv on PATH; otherwise the pip-installed one via `python3 -m uv`, which works
# even when pip put the uv binary in a directory that is not on PATH (~/.local/bin).
UV = $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")

# Dagster instance for `make run` and `make dev` (run history, pools, telemetry off);
# untracked. Tests use throwaway instances instead.
run dev: export DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: help install run test dev lint eval bench docs

help:
	@echo "make run      materialize everything on data/samples/articles into warehouse/contacts.duckdb"
	@echo "make test     run the test suite"
	@echo "make dev      Dagster UI on http://127.0.0.1:3000"
	@echo "make lint     ruff check, ruff format --check, sqlfluff lint"
	@echo "make eval     score the extraction on the sample gold and ../shared/eval"
	@echo "make bench    speed and scale benchmark on synthetic articles (long; BENCH_SIZES=10000 for a quick one)"
	@echo "make docs     dbt docs (models, columns, lineage) on http://127.0.0.1:8080"
	@echo "make install  bootstrap uv if needed and sync .venv from uv.lock"

# Bytecode is compiled at install: otherwise, where PYTHONDONTWRITEBYTECODE is set, the
# interpreter compiles the installed packages anew on every start (each pipeline run and
# each dbt subprocess: about 2 s apiece). It costs 9 s once; later syncs check it in 1 s.
install:
	@if ! command -v uv >/dev/null 2>&1 && ! $(PYTHON) -m uv --version >/dev/null 2>&1; then \
		echo "uv not found; installing it with pip"; \
		$(PYTHON) -m pip install --user --quiet uv \
			|| $(PYTHON) -m pip install --quiet uv \
			|| $(PYTHON) -m pip install --user --quiet --break-system-packages uv; \
	fi
	$(UV) sync --frozen --compile-bytecode

run: install
	$(VENV_PY) -m orchestration.cli run

test: install
	$(VENV_PY) -m pytest

dev: install
	$(VENV_PY) -m orchestration.dev

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/sqlfluff lint dbt_project/models

# Extraction quality: the annotated sample (project scorer) and, when ../shared is beside
# the project, the shared seeds with the official scorer.
SHARED_EVAL := ../shared/eval
eval: install
	@mkdir -p .eval
	$(VENV_PY) -m transforms.extract data/samples/articles -o .eval/sample.jsonl
	$(VENV_PY) -m transforms.evaluation data/samples/gold.jsonl .eval/sample.jsonl --docs data/samples/articles
	@if [ -d $(SHARED_EVAL)/seeds ]; then \
		$(VENV_PY) -m transforms.extract $(SHARED_EVAL)/seeds -o .eval/seeds.jsonl && \
		$(VENV_PY) $(SHARED_EVAL)/score.py $(SHARED_EVAL)/seeds-gold.jsonl .eval/seeds.jsonl --docs $(SHARED_EVAL)/seeds; \
	else echo "$(SHARED_EVAL) not present: the seeds are not scored"; fi

# Speed and scale (not part of `make test`): extraction words/s against spaCy's tokenizer,
# then `make run`-equivalent runs on BENCH_SIZES generated articles (full, unchanged,
# +100 new). Results: bench/results/*.json; see README "Speed" and docs/scaling.md.
BENCH_SIZES ?= 10000 100000
BENCH_ARGS ?=
bench: install
	$(VENV_PY) -m bench.run --sizes $(BENCH_SIZES) $(BENCH_ARGS)

# dbt docs for the warehouse the pipeline writes: $CONTACTS_WAREHOUSE (made absolute, as the
# pipeline does: dbt would resolve a relative path against dbt_project/), else
# warehouse/contacts.duckdb. `generate` opens that file, so not while a run holds it. Its
# own target folder keeps the manifest Dagster reads (dbt_project/target) untouched.
DOCS_WAREHOUSE = $(abspath $(or $(strip $(CONTACTS_WAREHOUSE)),warehouse/contacts.duckdb))
DBT_DOCS = CONTACTS_WAREHOUSE=$(DOCS_WAREHOUSE) .venv/bin/dbt
DBT_DOCS_ARGS = --project-dir dbt_project --profiles-dir dbt_project --target-path target/docs
docs: install
	@mkdir -p $(dir $(DOCS_WAREHOUSE))
	$(DBT_DOCS) docs generate $(DBT_DOCS_ARGS)
	$(DBT_DOCS) docs serve $(DBT_DOCS_ARGS) --host 127.0.0.1 --port 8080 --no-browser
