"""The one Dagster code location of the project (loaded by workspace.yaml)."""

from __future__ import annotations

from dagster import Definitions, in_process_executor

from orchestration.assets import raw_assets
from orchestration.checks import raw_checks
from orchestration.dbt import ContactsDbtCli, build_dbt_assets, dbt_executable, dbt_project
from orchestration.jobs import (  # noqa: F401  (JOB_NAME, WRITER_TAG: imported from here by callers)
    JOB_NAME,
    REBUILD_JOB_NAME,
    WRITER_TAG,
    daily_refresh,
    rebuild_contacts,
    refresh_contacts,
)
from orchestration.resources import ContactsWarehouse, ExtractorResource, InboxResource
from orchestration.sensors import inbox_sensor
from orchestration.serving import build_serving_asset

dbt_models = build_dbt_assets()
# The copy of the marts for BI tools, published after every successful build.
serving_marts = build_serving_asset(dbt_models)

defs = Definitions(
    assets=[*raw_assets, dbt_models, serving_marts],
    asset_checks=raw_checks,
    jobs=[refresh_contacts, rebuild_contacts],
    schedules=[daily_refresh],
    sensors=[inbox_sensor],
    resources={
        "warehouse": ContactsWarehouse(),
        "inbox": InboxResource(),
        "extractor": ExtractorResource(),
        "dbt": ContactsDbtCli(project_dir=dbt_project(), dbt_executable=dbt_executable()),
    },
    # Ad-hoc materializations from the UI run in-process too, for the same reason.
    executor=in_process_executor,
)
