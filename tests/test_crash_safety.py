"""A run killed with SIGKILL in any phase leaves no partial records, and the next run ends with
exactly the tables of an uninterrupted run.

The pipeline runs as ``python -m orchestration.cli run`` would, in a subprocess (through
tests/crash_runner.py, which adds the fault-injection point and the fake extractor), on a
warehouse built from an earlier inbox; the new inbox adds an article and changes one.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ARTICLES, KNOWLEDGE_BASE
from transforms import warehouse as wh

pytestmark = pytest.mark.e2e

RUNNER = Path(__file__).resolve().parent / "crash_runner.py"
RUN_TIMEOUT = 300

NEW = {
    "2025-06-02-merz-sybiha.txt": (
        "date 2025-06-02\nBundeskanzler Merz traf in Kiew den Außenminister Sybiha. Es ging um die Ukraine."
    ),
    # Changed: the old version's records must go.
    "merz-macron.txt": "date 2025-05-07\nMerz telefonierte mit Macron über die Nato.",
}


def environment(root: Path, warehouse: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTACTS_") and k != "DAGSTER_HOME"}
    env.update(
        CONTACTS_INBOX=str(root / "inbox"),
        CONTACTS_WAREHOUSE=str(warehouse),
        CONTACTS_KB_DIR=str(root / "kb"),
        # One batch per run: the kill in the load lands in the one extraction transaction.
        CONTACTS_EXTRACTION_BATCH="100",
    )
    return env


def run(root: Path, warehouse: Path, phase: str = "none", marker: Path | None = None) -> subprocess.Popen:
    marker = marker or root / f"marker-{phase}"
    return subprocess.Popen(
        [sys.executable, str(RUNNER), phase, str(marker)],
        env=environment(root, warehouse),
        cwd=str(RUNNER.parent.parent),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        # Its own process group: the kill takes dbt (a child process) down with it.
        start_new_session=True,
    )


def run_to_end(root: Path, warehouse: Path) -> None:
    process = run(root, warehouse)
    _, stderr = process.communicate(timeout=RUN_TIMEOUT)
    assert process.returncode == 0, stderr[-4000:]


def run_and_kill(root: Path, warehouse: Path, phase: str) -> None:
    marker = root / f"marker-{phase}-{time.monotonic_ns()}"
    process = run(root, warehouse, phase, marker)
    deadline = time.monotonic() + RUN_TIMEOUT
    try:
        while not marker.exists():
            if process.poll() is not None:
                pytest.fail(f"the run ended before reaching {phase}: {process.stderr.read()[-4000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"the run did not reach {phase} within {RUN_TIMEOUT} s")
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL


def snapshot(database: Path) -> dict[str, list[tuple]]:
    """Every table and view of the warehouse, without its timestamp columns (load times)."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        relations = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_catalog = current_database() ORDER BY ALL"
        ).fetchall()
        result = {}
        for schema, name in relations:
            columns = [
                column
                for column, data_type in con.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
                    [schema, name],
                ).fetchall()
                if not data_type.startswith("TIMESTAMP")
            ]
            # Identifiers from the catalog of the test's own database.
            select = ", ".join(f'"{c}"' for c in columns)
            result[f"{schema}.{name}"] = con.execute(
                f'SELECT {select} FROM "{schema}"."{name}" ORDER BY ALL'
            ).fetchall()
        return result
    finally:
        con.close()


def raw_tables(database: Path, names) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return {
            name: con.execute(f"SELECT * FROM {wh.qualified(name)} ORDER BY ALL").fetchall() for name in names
        }
    finally:
        con.close()


def run_in_process(root: Path, warehouse: Path) -> None:
    """The same command in this process (no interpreter start-up), for the runs that are not killed."""
    from orchestration import cli
    from orchestration.resources import ExtractorResource
    from tests.conftest import fake_extract

    with pytest.MonkeyPatch.context() as patch:
        for name in [k for k in os.environ if k.startswith("CONTACTS_")] + ["DAGSTER_HOME"]:
            patch.delenv(name, raising=False)
        for name, value in environment(root, warehouse).items():
            if name.startswith("CONTACTS_"):
                patch.setenv(name, value)
        # As in crash_runner.install: the fake extractor in place of spaCy.
        patch.setattr(ExtractorResource, "version", lambda self: "fake-1")
        patch.setattr(
            ExtractorResource, "extract", lambda self, articles: [fake_extract(a) for a in articles]
        )
        patch.setattr(
            ExtractorResource,
            "extract_batches",
            lambda self, batches: ((k, a, self.extract(a)) for k, a in batches),
        )
        assert cli.main(["run"]) == 0


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built on the first inbox (base.duckdb), then the inbox updated, and the
    tables of an uninterrupted run on the updated inbox from scratch (reference.duckdb)."""
    root = tmp_path_factory.mktemp("crash")
    (root / "kb").mkdir()
    for name, text in KNOWLEDGE_BASE.items():
        (root / "kb" / name).write_text(text, encoding="utf-8")
    inbox = root / "inbox"
    inbox.mkdir()
    for name, text in ARTICLES.items():
        (inbox / name).write_text(text, encoding="utf-8")
    # The same inbox folder throughout: articles remember their source path.
    run_in_process(root, root / "base.duckdb")
    for name, text in NEW.items():
        (inbox / name).write_text(text, encoding="utf-8")
    run_in_process(root, root / "reference.duckdb")
    return root


def test_runs_killed_in_every_phase_leave_nothing_partial_and_the_next_run_completes(
    scenario: Path, tmp_path: Path
):
    """One warehouse, one crash after the other (as on a machine that keeps failing): killed in
    the article load, then in the extraction, in the extraction load, in dbt; then a run that
    completes. After each kill, what that run was writing is not there, not even in part."""
    warehouse = tmp_path / "contacts.duckdb"
    shutil.copy(scenario / "base.duckdb", warehouse)
    base = raw_tables(scenario / "base.duckdb", wh.TABLES)
    extraction = (*wh.EXTRACTION_TABLES, "extraction_state")

    run_and_kill(scenario, warehouse, "load_articles")
    assert raw_tables(warehouse, wh.TABLES) == base

    run_and_kill(scenario, warehouse, "extraction")
    killed = raw_tables(warehouse, wh.TABLES)
    assert killed["articles"] != base["articles"]  # the article load before it was committed
    assert {name: killed[name] for name in extraction} == {name: base[name] for name in extraction}

    run_and_kill(scenario, warehouse, "load_extractions")
    killed = raw_tables(warehouse, wh.TABLES)
    assert {name: killed[name] for name in extraction} == {name: base[name] for name in extraction}

    reference = snapshot(scenario / "reference.duckdb")
    run_and_kill(scenario, warehouse, "dbt")
    raw_after_dbt_kill = {k: v for k, v in snapshot(warehouse).items() if k.startswith("raw.")}
    assert raw_after_dbt_kill == {k: v for k, v in reference.items() if k.startswith("raw.")}

    run_to_end(scenario, warehouse)
    after = snapshot(warehouse)
    assert sorted(after) == sorted(reference), "relations differ (leftovers of a killed run?)"
    for relation in reference:
        assert after[relation] == reference[relation], relation
    assert any(name.startswith("marts.") and rows for name, rows in reference.items())


def test_the_reference_differs_from_the_base(scenario: Path):
    """Guard: the updated inbox really changes the tables, so the comparisons above mean something."""
    base, reference = snapshot(scenario / "base.duckdb"), snapshot(scenario / "reference.duckdb")
    assert base["raw.articles"] != reference["raw.articles"]
    assert base["raw.contact_mentions"] != reference["raw.contact_mentions"]
    assert base["marts.fct_meetings"] != reference["marts.fct_meetings"]
