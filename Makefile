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

.PHONY: help install run test dev lint

help:
	@echo "make run      materialize everything on data/samples/articles into warehouse/contacts.duckdb"
	@echo "make test     run the test suite"
	@echo "make dev      Dagster UI on http://127.0.0.1:3000"
	@echo "make lint     ruff check, ruff format --check, sqlfluff lint"
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
