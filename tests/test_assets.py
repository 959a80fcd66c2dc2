"""The Dagster layer: raw assets materialized with a fake extractor, and the Definitions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, materialize

from orchestration.assets import WAREHOUSE_POOL, raw_assets
from orchestration.resources import ContactsWarehouse, ExtractorResource, InboxResource
from transforms import warehouse as wh

RAW_KEYS = {
    AssetKey(["raw", name])
    for name in (
        "articles",
        "rejected_inputs",
        "knowledge_actors",
        "knowledge_offices",
        "knowledge_countries",
        "contact_mentions",
        "contact_participants",
        "contact_topics",
        "entity_mentions",
        "extraction_state",
    )
}


def materialize_raw(extractor: ExtractorResource):
    # Resources without arguments: the paths come from the CONTACTS_* variables that the
    # fixtures set, exactly as in a real run.
    result = materialize(
        raw_assets,
        resources={"warehouse": ContactsWarehouse(), "inbox": InboxResource(), "extractor": extractor},
    )
    assert result.success
    return {
        mat.asset_key.path[-1]: {k: v.value for k, v in mat.metadata.items()}
        for mat in result.get_asset_materialization_events()
        for mat in [mat.event_specific_data.materialization]
    }


def table(warehouse: Path, name: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(f"SELECT * FROM {wh.qualified(name)} ORDER BY ALL").fetchall()
    finally:
        con.close()


def test_raw_assets_write_the_warehouse(warehouse_path, inbox, fake_extractor):
    meta = materialize_raw(fake_extractor)
    assert set(meta) == {key.path[-1] for key in RAW_KEYS}

    articles = meta["articles"]
    assert articles["articles_read"] == 3
    assert articles["inserted"] == 3
    assert articles["rejected_files"] == 3
    assert articles["dagster/row_count"] == 3
    reasons = {Path(r["file"]).name: r["reason"] for r in articles["rejections"]}
    assert reasons["leer.txt"] == "empty file"
    assert reasons["undecodable.txt"].startswith("undecodable")
    assert "undecodable.txt" in meta["rejected_inputs"]["rejections"]

    assert meta["contact_mentions"]["articles_extracted"] == 3
    assert meta["contact_mentions"]["extractor_version"] == "fake-1"
    assert meta["contact_mentions"]["dagster/row_count"] == 3
    assert meta["knowledge_countries"]["dagster/row_count"] > 0

    assert len(table(warehouse_path, "articles")) == 3
    assert len(table(warehouse_path, "rejected_inputs")) == 3
    mentions = table(warehouse_path, "contact_mentions")
    assert {(m[1], m[2]) for m in mentions} == {
        ("2025-03-14-wadephul-rubio", "meeting"),
        ("2025-04-sybiha-telefonat", "phone_call"),
        ("merz-macron", "meeting"),
    }
    participants = {r[2] for r in table(warehouse_path, "contact_participants")}
    assert {"Johann Wadephul", "Marco Rubio", "Andrij Sybiha"} <= participants


def test_rerun_on_the_same_inbox_changes_nothing(warehouse_path, inbox, fake_extractor):
    materialize_raw(fake_extractor)
    before = {name: table(warehouse_path, name) for name in wh.TABLES}
    meta = materialize_raw(fake_extractor)
    assert meta["articles"]["unchanged"] == 3
    assert meta["articles"]["inserted"] == meta["articles"]["updated"] == 0
    assert meta["contact_mentions"]["articles_extracted"] == 0
    assert {name: table(warehouse_path, name) for name in wh.TABLES} == before


def test_changed_article_and_extractor_are_re_extracted(warehouse_path, inbox, fake_extractor_cls):
    materialize_raw(fake_extractor_cls())
    (inbox / "merz-macron.txt").write_text("Merz telefonierte mit Macron.", encoding="utf-8")
    (inbox / "leer.txt").unlink()
    meta = materialize_raw(fake_extractor_cls())
    assert meta["articles"]["updated"] == 1
    assert meta["contact_mentions"]["articles_extracted"] == 1
    assert len(table(warehouse_path, "rejected_inputs")) == 2
    mention_types = {(m[1], m[2]) for m in table(warehouse_path, "contact_mentions")}
    assert ("merz-macron", "phone_call") in mention_types
    assert ("merz-macron", "meeting") not in mention_types

    meta = materialize_raw(fake_extractor_cls(version_tag="fake-2"))
    assert meta["contact_mentions"]["articles_extracted"] == 3
    versions = {m[-1] for m in table(warehouse_path, "contact_mentions")}
    assert versions == {"fake-2"}


def test_resources_read_the_environment_when_used(tmp_path, monkeypatch):
    warehouse, inbox = ContactsWarehouse(), InboxResource()
    monkeypatch.setenv("CONTACTS_WAREHOUSE", str(tmp_path / "a.duckdb"))
    monkeypatch.setenv("CONTACTS_INBOX", str(tmp_path / "in"))
    monkeypatch.setenv("CONTACTS_SPACY_BASE", "de_core_news_sm")
    assert warehouse.path() == tmp_path / "a.duckdb"
    assert inbox.path() == tmp_path / "in"
    assert ExtractorResource().base() == "de_core_news_sm"
    monkeypatch.delenv("CONTACTS_WAREHOUSE")
    monkeypatch.delenv("CONTACTS_INBOX")
    monkeypatch.delenv("CONTACTS_SPACY_BASE")
    repo = Path(__file__).resolve().parent.parent
    assert warehouse.path() == repo / "warehouse" / "contacts.duckdb"
    assert inbox.path() == repo / "data" / "samples" / "articles"
    assert ExtractorResource().base() is None
    # Explicit configuration wins over the environment.
    assert ContactsWarehouse(database=str(tmp_path / "b.duckdb")).path() == tmp_path / "b.duckdb"


def test_warehouse_resource_creates_the_parent_folder(tmp_path):
    path = tmp_path / "deep" / "er" / "contacts.duckdb"
    with ContactsWarehouse(database=str(path)).get_connection() as con:
        con.execute("SELECT 1")
    assert path.exists()


def test_warehouse_resource_waits_for_another_writer(tmp_path):
    path = tmp_path / "contacts.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('locked', flush=True);"
            " time.sleep(2); con.close()",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with (
            pytest.raises(duckdb.IOException),
            ContactsWarehouse(database=str(path), lock_timeout_seconds=0).get_connection(),
        ):
            pass
        with ContactsWarehouse(database=str(path), lock_timeout_seconds=30).get_connection() as con:
            assert con.execute("SELECT 1").fetchall() == [(1,)]
    finally:
        holder.wait(timeout=30)


# --- Definitions ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def defs():
    from orchestration.definitions import defs

    return defs


def test_definitions_have_the_raw_and_dbt_assets(defs):
    graph = defs.resolve_asset_graph()
    keys = set(graph.get_all_asset_keys())
    assert keys >= RAW_KEYS
    for name in ("fct_meetings", "fct_meeting_participants", "dim_actors", "rpt_topics_by_month"):
        assert AssetKey(["marts", name]) in keys
    assert any(k.path[0] == "staging" for k in keys)
    for key in keys:
        node = graph.get(key)
        assert node.group_name == key.path[0], key
        assert node.is_materializable, f"{key} has no producer"
    # dbt sources raw.X are the Python assets raw/X, not separate source assets.
    staging = graph.get(AssetKey(["staging", "stg_news__articles"]))
    assert AssetKey(["raw", "articles"]) in staging.parent_keys


def test_dbt_tests_are_asset_checks(defs):
    checks = defs.resolve_asset_graph().asset_check_keys
    assert checks
    assert any(c.asset_key == AssetKey(["marts", "fct_meetings"]) for c in checks)


def test_every_writer_is_in_the_warehouse_pool(defs):
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        assets_def = graph.get(key).assets_def
        assert assets_def.op.pool == WAREHOUSE_POOL, key


def test_job_and_schedule(defs):
    from orchestration.definitions import JOB_NAME

    job = defs.resolve_job_def(JOB_NAME)
    assert job.executor_def.name == "in_process"
    assert job.tags.get("contacts/warehouse") == "writer"
    schedule = defs.resolve_schedule_def("daily_refresh_contacts")
    assert schedule.job_name == JOB_NAME
    assert schedule.cron_schedule == "0 6 * * *"
    assert schedule.execution_timezone == "Europe/Berlin"


def test_instance_config_limits_the_pool(tmp_path):
    from dagster import DagsterInstance

    from orchestration.instance import prepare_dagster_home

    home = prepare_dagster_home(tmp_path / "dagster_home")
    config = (home / "dagster.yaml").read_text(encoding="utf-8")
    assert "enabled: false" in config
    with DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 1
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
        assert {"key": "contacts/warehouse", "value": "writer", "limit": 1} in limits


def test_dev_wrapper_restores_signals_and_starts_dagster_dev(tmp_path, monkeypatch):
    import signal

    from orchestration import dev

    calls = []
    monkeypatch.setattr(dev.os, "execv", lambda path, argv: calls.append(argv))
    monkeypatch.setattr(dev.os, "chdir", lambda path: None)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PATH", os.environ.get("PATH", ""))  # restored after: main() prepends to it
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        # As when make runs in the background: both signals ignored.
        for sig in saved:
            signal.signal(sig, signal.SIG_IGN)
        dev.main(["-p", "3333"])
        assert all(signal.getsignal(sig) == signal.SIG_DFL for sig in saved)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    [argv] = calls
    assert argv[1:] == ["dev", "-h", "127.0.0.1", "-w", "workspace.yaml", "-p", "3333"]
    assert (tmp_path / "home" / "dagster.yaml").read_text(encoding="utf-8").startswith("# Dagster instance")
