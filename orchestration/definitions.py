"""The one Dagster code location of the project (loaded by workspace.yaml)."""

from __future__ import annotations

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    Definitions,
    ScheduleDefinition,
    define_asset_job,
    in_process_executor,
)
from dagster_dbt import DbtCliResource

from orchestration.assets import raw_assets
from orchestration.dbt import build_dbt_assets, dbt_executable, dbt_project
from orchestration.resources import ContactsWarehouse, ExtractorResource, InboxResource

JOB_NAME = "refresh_contacts"
# Runs carrying this tag are limited to one at a time by the run queue (dagster.yaml).
WRITER_TAG = {"contacts/warehouse": "writer"}

dbt_models = build_dbt_assets()

refresh_contacts = define_asset_job(
    JOB_NAME,
    selection=AssetSelection.all(),
    description="Read the inbox, extract contacts, load the knowledge base, build all dbt models and tests.",
    # One process, steps one after another: DuckDB takes a single writer.
    executor_def=in_process_executor,
    tags=WRITER_TAG,
)

daily_refresh = ScheduleDefinition(
    name="daily_refresh_contacts",
    job=refresh_contacts,
    cron_schedule="0 6 * * *",
    execution_timezone="Europe/Berlin",
    default_status=DefaultScheduleStatus.STOPPED,
)

defs = Definitions(
    assets=[*raw_assets, dbt_models],
    jobs=[refresh_contacts],
    schedules=[daily_refresh],
    resources={
        "warehouse": ContactsWarehouse(),
        "inbox": InboxResource(),
        "extractor": ExtractorResource(),
        "dbt": DbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable()),
    },
    # Ad-hoc materializations from the UI run in-process too, for the same reason.
    executor=in_process_executor,
)
