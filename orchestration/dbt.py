"""The dbt project (dbt_project/) as Dagster assets; its data tests become asset checks."""

# No `from __future__ import annotations`: Dagster inspects the `context` annotation.
import hashlib
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache, cached_property
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
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
    for folder, subfolders, files in os.walk(project.project_dir):
        if Path(folder) == Path(project.project_dir):
            # Pruned, not filtered: dbt's output under target/ can run to tens of
            # thousands of files, and walking them cost 1.5 s per start.
            subfolders[:] = [name for name in subfolders if name not in _NOT_PARSE_INPUTS]
        for name in files:
            if os.stat(os.path.join(folder, name)).st_mtime > built:
                return True
    return False


def dbt_executable() -> str:
    """The dbt next to this interpreter: `.venv/bin/python -m ...` does not put .venv/bin on PATH."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


class ContactsDbtCli(DbtCliResource):
    """``DbtCliResource`` without two fixed costs per invocation that this project never uses.

    Before every dbt command dagster-dbt 0.29 (i) runs ``dbt --version`` in a subprocess to
    learn the dbt version, which also asks PyPI for the latest release (3 CPU seconds, 5 s
    wall, and a network call on every run), and (ii) builds a dbt adapter in this process,
    used only by ``fetch_row_counts()`` / ``fetch_column_metadata()``, which the assets
    here do not call. When the executable is the dbt installed next to this interpreter
    (the default, ``dbt_executable()``), its version is that of the installed dbt-core
    package; any other executable is asked as before.
    """

    @cached_property
    def _cli_version(self):
        from packaging import version

        if Path(self.dbt_executable).resolve() == Path(sys.executable).with_name("dbt").resolve():
            try:
                return version.parse(package_version("dbt-core"))
            except PackageNotFoundError:
                pass
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args):
        # dagster-dbt treats "no adapter" as "no metadata fetching" (DbtCliInvocation.adapter
        # is Optional); the dbt subprocess itself is unaffected.
        return None


# dbt commands of a pipeline run skip the unit tests (fixed SQL fixtures that test the model
# logic, not the data: they cannot fail because new articles arrived); `make test` and CI run
# them (tests/test_dbt_project.py runs `dbt build` with everything).
PIPELINE_BUILD_ARGS = ("build", "--exclude-resource-type", "unit_test")


def run_target_path(project: DbtProject, warehouse: Path) -> Path:
    """The dbt target folder of pipeline runs on ``warehouse``: kept beside the warehouse file.

    dbt's partial parsing is only valid for the same profile, and the profile contains the
    warehouse path; dagster-dbt's default, a fresh folder per run seeded with the
    project's ``target/partial_parse.msgpack`` (parsed with whatever CONTACTS_WAREHOUSE was
    set then), made dbt re-parse the whole project on every run (3 CPU seconds). In a
    folder kept per warehouse, each run finds the parse state the previous run left.
    Beside the warehouse, that state goes when the warehouse goes (in the project's
    target/ a folder per warehouse ever used piled up: 12 MB each, one per test run).
    The name carries the project folder, so two checkouts never share parse state.
    """
    digest = hashlib.sha256(str(project.project_dir).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return warehouse.parent / f".{warehouse.name}.dbt-{digest}"


def _parse(project: DbtProject) -> None:
    dbt = ContactsDbtCli(project_dir=project, dbt_executable=dbt_executable())
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
            args = [*PIPELINE_BUILD_ARGS]
            if is_full_refresh(context.run.tags):
                args.append("--full-refresh")
            target = run_target_path(project, warehouse.path())
            yield from dbt.cli(args, context=context, target_path=target).stream()

    return dbt_models
