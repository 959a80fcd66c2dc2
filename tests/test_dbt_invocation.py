"""The dbt step's fixed cost: no `dbt --version` subprocess, partial parsing per warehouse,
unit tests left to `make test`."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest
from dagster_dbt.core import resource as dagster_dbt_resource

from orchestration.dbt import (
    PIPELINE_BUILD_ARGS,
    ContactsDbtCli,
    dbt_executable,
    dbt_project,
    run_target_path,
)


def test_the_dbt_version_comes_from_the_installed_package(monkeypatch: pytest.MonkeyPatch):
    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"dbt was started: {args}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_subprocess)
    dbt = ContactsDbtCli(project_dir=dbt_project(), dbt_executable=dbt_executable())
    assert str(dbt._cli_version) == version("dbt-core")
    assert dbt._initialize_dbt_core_adapter(["build"]) is None


def test_another_dbt_executable_is_asked(tmp_path: Path):
    other = tmp_path / "dbt"
    other.write_text("#!/bin/sh\necho 'Core:'\necho '  - installed: 1.9.9'\n", encoding="utf-8")
    other.chmod(0o755)
    dbt = ContactsDbtCli(project_dir=dbt_project(), dbt_executable=str(other))
    assert str(dbt._cli_version) == "1.9.9"


def test_one_target_folder_per_warehouse(tmp_path: Path):
    project = dbt_project()
    first = run_target_path(project, tmp_path / "a.duckdb")
    assert first == run_target_path(project, tmp_path / "a.duckdb")
    assert first != run_target_path(project, tmp_path / "b.duckdb")
    assert first.parent == project.target_path / "runs"


def test_pipeline_builds_skip_unit_tests_only():
    assert PIPELINE_BUILD_ARGS == ("build", "--exclude-resource-type", "unit_test")
