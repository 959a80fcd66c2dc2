"""The dbt step's fixed cost: no `dbt --version` subprocess, partial parsing per warehouse,
unit tests left to `make test`."""

from __future__ import annotations

import os
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace

import pytest
from dagster_dbt.core import resource as dagster_dbt_resource

from orchestration.dbt import (
    PIPELINE_BUILD_ARGS,
    ContactsDbtCli,
    _manifest_is_stale,
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
    # Beside the warehouse, hidden: it goes when the warehouse's folder goes.
    assert first.parent == tmp_path
    assert first.name.startswith(".a.duckdb.dbt-")


def test_pipeline_builds_skip_unit_tests_only():
    assert PIPELINE_BUILD_ARGS == ("build", "--exclude-resource-type", "unit_test")


def test_the_manifest_is_stale_when_a_project_file_is_newer_but_not_a_run_folder(tmp_path: Path):
    project_dir = tmp_path / "dbt_project"
    manifest = project_dir / "target" / "manifest.json"
    model = project_dir / "models" / "marts" / "fct_meetings.sql"
    dbt_output = project_dir / "target" / "compiled" / "contacts" / "fct_meetings.sql"
    for path in (manifest, model, dbt_output):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}", encoding="utf-8")
    project = SimpleNamespace(project_dir=project_dir, manifest_path=manifest)

    os.utime(model, (1_000, 1_000))
    os.utime(manifest, (2_000, 2_000))
    os.utime(dbt_output, (3_000, 3_000))
    assert not _manifest_is_stale(project)  # what runs write under target/ is not an input

    os.utime(model, (4_000, 4_000))
    assert _manifest_is_stale(project)

    manifest.unlink()
    assert _manifest_is_stale(project)
