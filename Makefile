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

.PHONY: help install run test dev lint eval

help:
	@echo "make run      materialize everything on data/samples/articles into warehouse/contacts.duckdb"
	@echo "make test     run the test suite"
	@echo "make dev      Dagster UI on http://127.0.0.1:3000"
	@echo "make lint     ruff check, ruff format --check, sqlfluff lint"
	@echo "make eval     score the extraction on the sample gold and ../shared/eval"
	@echo "make install  bootstrap uv if needed and sync .venv from uv.lock"

install:
	@if ! command -v uv >/dev/null 2>&1 && ! $(PYTHON) -m uv --version >/dev/null 2>&1; then \
		echo "uv not found; installing it with pip"; \
		$(PYTHON) -m pip install --user --quiet uv \
			|| $(PYTHON) -m pip install --quiet uv \
			|| $(PYTHON) -m pip install --user --quiet --break-system-packages uv; \
	fi
	$(UV) sync --frozen

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
