"""Jobs and the schedule: the daily incremental refresh and the full rebuild."""

from __future__ import annotations

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    ScheduleDefinition,
    define_asset_job,
    in_process_executor,
)

from orchestration.assets import FULL_REFRESH_TAG

JOB_NAME = "refresh_contacts"
REBUILD_JOB_NAME = "rebuild_contacts"
# Runs carrying this tag are limited to one at a time by the run queue (dagster.yaml).
WRITER_TAG = {"contacts/warehouse": "writer"}

refresh_contacts = define_asset_job(
    JOB_NAME,
    selection=AssetSelection.all(),
    description=(
        "Read the inbox, extract contacts from new or changed articles, load the knowledge base, "
        "build all dbt models and tests."
    ),
    # One process, steps one after another: DuckDB takes a single writer.
    executor_def=in_process_executor,
    tags=WRITER_TAG,
)

rebuild_contacts = define_asset_job(
    REBUILD_JOB_NAME,
    selection=AssetSelection.all(),
    description=(
        "Everything from scratch: re-extract every article (even unchanged ones) and rebuild the dbt "
        "models with --full-refresh. For after a change the automatic versions cannot see."
    ),
    executor_def=in_process_executor,
    tags={**WRITER_TAG, FULL_REFRESH_TAG: "true"},
)

daily_refresh = ScheduleDefinition(
    name="daily_refresh_contacts",
    job=refresh_contacts,
    cron_schedule="0 6 * * *",
    execution_timezone="Europe/Berlin",
    default_status=DefaultScheduleStatus.STOPPED,
)
