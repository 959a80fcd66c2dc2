"""The dbt project (dbt_project/) as Dagster assets; its data tests become asset checks."""

# No `from __future__ import annotations`: Dagster inspects the `context` annotation.
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from orchestration import settings
from orchestration.assets import WAREHOUSE_POOL, is_full_refresh
from orchestration.resources import ContactsWarehouse

# Folders whose files never change what `dbt parse` produces.
_NOT_PARSE_INPUTS = {"target", "dbt_packages", "logs"}


def _manifest_is_stale(project: DbtProject) -> bool:
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    for path in project.project_dir.rglob("*"):
        relative = path.relative_to(project.project_dir)
        if relative.parts[0] in _NOT_PARSE_INPUTS or not path.is_file():
            continue
        if path.stat().st_mtime > built:
            return True
    return False


def dbt_executable() -> str:
    """The dbt next to this interpreter: `.venv/bin/python -m ...` does not put .venv/bin on PATH."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def _parse(project: DbtProject) -> None:
    dbt = DbtCliResource(project_dir=project, dbt_executable=dbt_executable())
    if any(project.project_dir.joinpath(f).exists() for f in ("packages.yml", "dependencies.yml")):
        dbt.cli(["deps", "--quiet"], target_path=project.target_path).wait()
    dbt.cli(["parse", "--quiet"], target_path=project.target_path).wait()


@cache
def dbt_project() -> DbtProject:
    """The dbt project, with a manifest that matches the files on disk.

    ``prepare_if_dev`` re-parses only under ``dagster dev``; elsewhere (``make run``,
    pytest, CI in a fresh clone) the manifest is built here when it is missing or older
    than a project file, so nobody has to remember ``dbt parse``.
    """
    project = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)
    project.prepare_if_dev()
    if _manifest_is_stale(project):
        _parse(project)
    return project


class ContactsDbtTranslator(DagsterDbtTranslator):
    """Asset key = the DuckDB relation ([schema, name]); group = the model's layer folder."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        resource_type = dbt_resource_props["resource_type"]
        if resource_type == "source":
            # raw.articles -> raw/articles, the key of the Python asset that writes it.
            name = dbt_resource_props.get("identifier") or dbt_resource_props["name"]
            return AssetKey([dbt_resource_props["schema"], name])
        if resource_type in ("model", "seed", "snapshot"):
            name = dbt_resource_props.get("alias") or dbt_resource_props["name"]
            return AssetKey([dbt_resource_props["schema"], name])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return dbt_resource_props["schema"]
        # fqn is [project, folder..., name]; the first folder is the layer.
        fqn = dbt_resource_props.get("fqn") or []
        return fqn[1] if len(fqn) > 2 else "dbt"


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set variables for the dbt subprocess (it copies os.environ) and restore them after."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def build_dbt_assets():
    project = dbt_project()

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        name="dbt_models",
        dagster_dbt_translator=ContactsDbtTranslator(
            settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
        ),
        pool=WAREHOUSE_POOL,
    )
    def dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: ContactsWarehouse):
        # dbt's profile reads CONTACTS_WAREHOUSE; hand it the file the Python assets wrote,
        # as an absolute path (dbt resolves relative paths against dbt_project/).
        with _environment(**{settings.WAREHOUSE_ENV: str(warehouse.path())}):
            # The rebuild job (tag contacts/full_refresh) rebuilds incremental models from scratch.
            args = ["build", "--full-refresh"] if is_full_refresh(context.run.tags) else ["build"]
            yield from dbt.cli(args, context=context).stream()

    return dbt_models
