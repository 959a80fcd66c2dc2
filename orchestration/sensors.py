"""The inbox sensor: a refresh run whenever files arrive in, change in or leave the inbox."""

# No `from __future__ import annotations`: Dagster inspects the resource annotations.
from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from orchestration.jobs import refresh_contacts
from orchestration.resources import InboxResource
from transforms.articles import inbox_fingerprint

SENSOR_NAME = "inbox_sensor"
TRIGGER_TAG = "contacts/trigger"


@sensor(
    name=SENSOR_NAME,
    job=refresh_contacts,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description=(
        "Starts refresh_contacts when article files in $CONTACTS_INBOX are added, changed or removed "
        "(names, sizes and modification times). Off until switched on in the UI."
    ),
)
def inbox_sensor(context: SensorEvaluationContext, inbox: InboxResource):
    folder = inbox.path()
    try:
        fingerprint = inbox_fingerprint(folder)
    except FileNotFoundError:
        return SkipReason(f"inbox folder {folder} does not exist")
    if fingerprint == context.cursor:
        return SkipReason(f"no new or changed files in {folder}")
    # The cursor is the listing's fingerprint, not a run key: a run key would also suppress
    # a legitimate run when the inbox returns to an earlier state. A file still being
    # written shows a new size or time on the next tick and triggers another run, which
    # replaces the partial version.
    return SensorResult(
        run_requests=[RunRequest(tags={TRIGGER_TAG: SENSOR_NAME})],
        cursor=fingerprint,
    )
