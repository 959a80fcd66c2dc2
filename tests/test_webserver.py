"""The Dagster UI as users start it (``make dev`` = ``python -m orchestration.dev``): up on a free
port with a throwaway DAGSTER_HOME, a full run launched through its GraphQL API, waited for,
then the server stopped cleanly.

The run is ``rebuild_contacts`` (everything, dbt with --full-refresh) with the real spaCy
extractor and knowledge base, on a small inbox of .txt, .jsonl and .html articles.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ARTICLES
from tests.runs import FIXTURES

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 180
RUN_TIMEOUT = 400
SHUTDOWN_TIMEOUT = 60

LOCATIONS = """
query {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on RepositoryLocation { name repositories { name jobs { name } } }
          ... on PythonError { message }
        }
      }
    }
  }
}
"""

LAUNCH_RUN = """
mutation LaunchRun($executionParams: ExecutionParams!) {
  launchRun(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message stack }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on Error { message }
  }
}
"""

RUN_STATUS = """
query RunStatus($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run { status tags { key value } }
    ... on Error { message }
  }
}
"""

RUN_LOGS = """
query RunLogs($runId: ID!, $afterCursor: String) {
  logsForRun(runId: $runId, afterCursor: $afterCursor, limit: 1000) {
    __typename
    ... on EventConnection {
      cursor
      hasMore
      events { __typename ... on MessageEvent { message stepKey level } }
    }
  }
}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def graphql(port: int, query: str, variables: dict | None = None) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode("utf-8")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = json.loads(response.read())
    assert not payload.get("errors"), payload["errors"]
    return payload["data"]


def wait_for_location(port: int, server: subprocess.Popen) -> tuple[str, str]:
    """Wait until the webserver answers and the code location is loaded; its (location, repository)."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last = None
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"dagster dev exited with {server.returncode}")
        try:
            data = graphql(port, LOCATIONS)
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last = exc
            time.sleep(1)
            continue
        entries = data["workspaceOrError"]["locationEntries"]
        for entry in entries:
            location = entry["locationOrLoadError"]
            if location and location["__typename"] == "PythonError":
                pytest.fail(f"code location failed to load: {location['message']}")
            if (
                entry["loadStatus"] == "LOADED"
                and location
                and location["__typename"] == "RepositoryLocation"
            ):
                repository = location["repositories"][0]
                assert {"refresh_contacts", "rebuild_contacts"} <= {j["name"] for j in repository["jobs"]}
                return location["name"], repository["name"]
        last = entries
        time.sleep(1)
    pytest.fail(f"the code location did not load within {STARTUP_TIMEOUT} s: {last}")


def run_logs(port: int, run_id: str) -> list[dict]:
    events, cursor = [], None
    while True:
        page = graphql(port, RUN_LOGS, {"runId": run_id, "afterCursor": cursor})["logsForRun"]
        events += page["events"]
        cursor = page["cursor"]
        if not page["hasMore"]:
            return events


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    for name in ("feed.jsonl", "merz-macron-paris.html"):
        shutil.copy(FIXTURES / name, folder / name)
    return folder


@pytest.fixture
def dagster_dev(tmp_path: Path, inbox: Path):
    """``python -m orchestration.dev`` on a free port; yields (port, warehouse path); stops it after."""
    port = free_port()
    warehouse = tmp_path / "warehouse" / "contacts.duckdb"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTACTS_", "DAGSTER_"))}
    env.update(
        DAGSTER_HOME=str(tmp_path / "dagster_home"),
        CONTACTS_INBOX=str(inbox),
        CONTACTS_WAREHOUSE=str(warehouse),
        # The real knowledge base and blank German spaCy pipeline, as a user's run.
    )
    log = (tmp_path / "dagster-dev.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "orchestration.dev", "-p", str(port)],
        cwd=str(REPO_ROOT),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield port, warehouse, server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        log.close()


def stop(server: subprocess.Popen, port: int) -> None:
    """Ctrl-C, as a user stops ``make dev``; everything must be down within the timeout."""
    os.killpg(server.pid, signal.SIGINT)
    server.wait(timeout=SHUTDOWN_TIMEOUT)
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "the webserver still listens"


def test_full_run_launched_through_graphql(dagster_dev, tmp_path: Path):
    port, warehouse, server = dagster_dev
    location, repository = wait_for_location(port, server)

    launched = graphql(
        port,
        LAUNCH_RUN,
        {
            "executionParams": {
                "selector": {
                    "repositoryLocationName": location,
                    "repositoryName": repository,
                    "jobName": "rebuild_contacts",
                },
                "runConfigData": {},
                "executionMetadata": {"tags": [{"key": "test", "value": "test_webserver"}]},
            }
        },
    )["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]

    deadline = time.monotonic() + RUN_TIMEOUT
    status = None
    while time.monotonic() < deadline:
        run = graphql(port, RUN_STATUS, {"runId": run_id})["runOrError"]
        status = run["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        time.sleep(2)
    events = run_logs(port, run_id)
    errors = [e["message"] for e in events if e.get("level") in ("ERROR", "CRITICAL")]
    assert status == "SUCCESS", (status, errors[:5], (tmp_path / "dagster-dev.log").read_text()[-3000:])
    tags = {t["key"]: t["value"] for t in run["tags"]}
    assert tags["contacts/full_refresh"] == "true"
    assert tags["test"] == "test_webserver"

    messages = [e.get("message", "") for e in events]
    dbt_builds = [m for m in messages if "dbt build" in m]
    assert dbt_builds and all("--full-refresh" in m for m in dbt_builds), "dbt did not get --full-refresh"
    assert any(m.startswith("extracted 7/7 article(s)") for m in messages), "no extraction progress logged"

    stop(server, port)

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        articles = con.execute(
            "SELECT doc_id, title, source_url FROM raw.articles ORDER BY doc_id"
        ).fetchall()
        assert len(articles) == 7
        titled = {doc_id: (title, url) for doc_id, title, url in articles if title}
        assert titled["merz-macron-paris"] == (
            "Merz und Macron beraten in Paris",
            "https://nachrichten.example.org/politik/merz-macron-paris",
        )
        assert con.execute("SELECT count(*) FROM marts.fct_meetings").fetchall()[0][0] > 0
    finally:
        con.close()
