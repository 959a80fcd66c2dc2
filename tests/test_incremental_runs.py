"""Incremental operation: only new or changed articles are extracted, versions tell the UI what is
stale, the inbox sensor starts runs, and the rebuild job redoes everything."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterInstance, RunRequest, SensorResult, SkipReason, build_sensor_context
from dagster._core.definitions.data_version import StaleCauseCategory, StaleStatus
from dagster._utils.test.data_versions import get_stale_status_resolver

from orchestration import assets as raw
from orchestration.checks import raw_checks
from orchestration.resources import InboxResource
from orchestration.sensors import inbox_sensor
from tests.runs import EXTRACTED, RecordingExtractor, column, materialize_raw, metadata, tables

NEW_ARTICLE = (
    "date 2025-06-02\nBundeskanzler Merz traf in Kiew den Außenminister Sybiha. Es ging um die Ukraine."
)
MENTIONS = AssetKey(["raw", "contact_mentions"])


@pytest.fixture
def built(warehouse_path: Path, inbox: Path) -> dict[str, list[tuple]]:
    materialize_raw(RecordingExtractor())
    EXTRACTED.clear()
    return tables(warehouse_path)


def test_adding_one_article_extracts_only_that_article(built, warehouse_path: Path, inbox: Path):
    (inbox / "merz-sybiha-kiew.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    meta = metadata(materialize_raw(RecordingExtractor()))

    assert EXTRACTED == ["merz-sybiha-kiew"]
    assert meta["contact_mentions"]["articles_extracted"] == 1
    assert meta["contact_mentions"]["extracted_doc_ids"] == ["merz-sybiha-kiew"]
    assert meta["articles"]["inserted"] == 1
    after = tables(warehouse_path)
    # The other articles' rows, including when they were extracted, are untouched.
    for name in (
        "articles",
        "extraction_state",
        "contact_mentions",
        "contact_participants",
        "entity_mentions",
    ):
        assert set(built[name]) <= set(after[name]), name
        added = {
            row[list(raw.wh.TABLES[name].schema).index("doc_id")]
            for row in set(after[name]) - set(built[name])
        }
        assert added == {"merz-sybiha-kiew"}, name


def test_unchanged_inbox_extracts_nothing(built, warehouse_path: Path):
    meta = metadata(materialize_raw(RecordingExtractor()))
    assert EXTRACTED == []
    assert meta["contact_mentions"]["articles_extracted"] == 0
    assert tables(warehouse_path) == built


def test_changed_file_replaces_its_old_records(built, warehouse_path: Path, inbox: Path):
    (inbox / "merz-macron.txt").write_text(
        "Bundeskanzler Friedrich Merz telefonierte mit Emmanuel Macron.", encoding="utf-8"
    )
    meta = metadata(materialize_raw(RecordingExtractor()))
    assert EXTRACTED == ["merz-macron"]
    assert meta["articles"]["updated"] == 1
    rows = tables(warehouse_path)
    mentions = {(r[1], r[2]) for r in rows["contact_mentions"]}
    assert ("merz-macron", "phone_call") in mentions
    assert ("merz-macron", "meeting") not in mentions
    texts = {r[0]: r[6] for r in rows["articles"]}
    assert texts["merz-macron"].startswith("Bundeskanzler Friedrich Merz telefonierte")
    # Old entity mentions of the article are gone too: only the new text's offsets remain.
    evidence = [r for r in rows["entity_mentions"] if r[1] == "merz-macron"]
    assert {r[4] for r in evidence} == {"Merz", "Macron"}
    assert all(texts["merz-macron"][r[2] : r[3]] == r[4] for r in evidence)


def test_a_new_extractor_version_re_extracts_every_article(built, warehouse_path: Path):
    materialize_raw(RecordingExtractor(version_tag="fake-2"))
    assert sorted(EXTRACTED) == column(warehouse_path, "articles", "doc_id")
    assert set(column(warehouse_path, "contact_mentions", "extractor_version")) == {"fake-2"}


def test_rebuild_tag_re_extracts_everything_with_the_same_result(built, warehouse_path: Path):
    meta = metadata(materialize_raw(RecordingExtractor(), tags={raw.FULL_REFRESH_TAG: "true"}))
    assert sorted(EXTRACTED) == column(warehouse_path, "articles", "doc_id")
    assert meta["contact_mentions"]["rebuild"] is True
    after = tables(warehouse_path)
    for name in raw.wh.EXTRACTION_TABLES:
        assert after[name] == built[name], name
    # Only the extraction time moved.
    state_without_time = [row[:3] for row in after["extraction_state"]]
    assert state_without_time == [row[:3] for row in built["extraction_state"]]


def test_progress_is_logged_every_batch(built, inbox: Path, monkeypatch: pytest.MonkeyPatch):
    for n in range(5):
        (inbox / f"neu-{n}.txt").write_text(f"Merz traf Macron zum {n + 1}. Mal.", encoding="utf-8")
    monkeypatch.setenv("CONTACTS_EXTRACTION_BATCH", "2")
    instance = DagsterInstance.ephemeral()
    result = materialize_raw(RecordingExtractor(), instance=instance)
    progress = [
        entry.user_message.split(" in ")[0]
        for entry in instance.all_logs(result.run_id)
        if entry.step_key == "raw_extractions" and entry.user_message.startswith("extracted ")
    ]
    assert progress == ["extracted 2/5 article(s)", "extracted 4/5 article(s)", "extracted 5/5 article(s)"]
    assert sorted(EXTRACTED) == [f"neu-{n}" for n in range(5)]


def test_a_crash_between_batches_keeps_the_finished_batches(
    built, warehouse_path: Path, inbox: Path, monkeypatch: pytest.MonkeyPatch
):
    for n in range(4):
        (inbox / f"neu-{n}.txt").write_text(f"Merz traf Macron zum {n + 1}. Mal.", encoding="utf-8")
    monkeypatch.setenv("CONTACTS_EXTRACTION_BATCH", "2")

    class CrashingExtractor(RecordingExtractor):
        def extract(self, articles):
            if any(a.doc_id == "neu-2" for a in articles):
                raise RuntimeError("extractor crashed (simulated)")
            return super().extract(articles)

    from tests.runs import run_raw

    with pytest.raises(Exception, match="simulated"):
        run_raw(CrashingExtractor())
    state = column(warehouse_path, "extraction_state", "doc_id")
    assert {"neu-0", "neu-1"} <= set(state)
    assert not {"neu-2", "neu-3"} & set(state)
    EXTRACTED.clear()
    materialize_raw(RecordingExtractor())
    assert EXTRACTED == ["neu-2", "neu-3"]


# --- versions: what the UI shows as stale ------------------------------------------------


def test_code_version_follows_the_extractor_sources_and_knowledge_base(knowledge_base: Path):
    before = raw.extractor_code_version()
    assert raw.extractor_code_version() == before
    persons = knowledge_base / "persons.csv"
    persons.write_text(persons.read_text(encoding="utf-8") + "Kaja Kallas,EST,f,Kallas\n", encoding="utf-8")
    assert raw.extractor_code_version() != before


def test_definitions_give_the_extraction_assets_the_code_version():
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    versions = {graph.get(raw.raw_key(name)).code_version for name in raw.wh.EXTRACTION_TABLES}
    assert len(versions) == 1 and None not in versions


def test_ui_staleness_follows_new_articles_and_extractor_changes(warehouse_path: Path, inbox: Path):
    instance = DagsterInstance.ephemeral()
    assets_v1 = [raw.raw_inbox, raw.raw_knowledge, raw.build_raw_extractions("v1")]
    inbox_keys = [raw.raw_key("articles"), raw.raw_key("rejected_inputs")]

    def status(assets) -> tuple[StaleStatus, set[StaleCauseCategory]]:
        resolver = get_stale_status_resolver(instance, assets)
        causes = {cause.category for cause in resolver.get_stale_causes(MENTIONS)}
        return resolver.get_status(MENTIONS), causes

    materialize_raw(assets=assets_v1, instance=instance)
    assert status(assets_v1) == (StaleStatus.FRESH, set())

    # Reloading an unchanged inbox keeps the articles' data version: nothing to do.
    materialize_raw(assets=assets_v1, instance=instance, selection=inbox_keys)
    assert status(assets_v1) == (StaleStatus.FRESH, set())

    # A new article: the extraction is stale until it runs again.
    (inbox / "merz-sybiha-kiew.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    materialize_raw(assets=assets_v1, instance=instance, selection=inbox_keys)
    assert status(assets_v1) == (StaleStatus.STALE, {StaleCauseCategory.DATA})
    materialize_raw(assets=assets_v1, instance=instance)
    assert status(assets_v1) == (StaleStatus.FRESH, set())

    # Another extractor (code or knowledge base): stale until re-extracted.
    assets_v2 = [raw.raw_inbox, raw.raw_knowledge, raw.build_raw_extractions("v2")]
    assert status(assets_v2) == (StaleStatus.STALE, {StaleCauseCategory.CODE})
    materialize_raw(assets=assets_v2, instance=instance)
    assert status(assets_v2) == (StaleStatus.FRESH, set())


# --- the inbox sensor ------------------------------------------------------------------


def evaluate(cursor: str | None):
    context = build_sensor_context(cursor=cursor, resources={"inbox": InboxResource()})
    return inbox_sensor(context)


def test_sensor_starts_a_run_when_files_arrive_or_change(inbox: Path):
    first = evaluate(None)
    assert isinstance(first, SensorResult)
    assert [type(r) for r in first.run_requests] == [RunRequest]
    cursor = first.cursor
    assert isinstance(evaluate(cursor), SkipReason)

    # Not an article file: no run.
    (inbox / "notiz.md").write_text("egal", encoding="utf-8")
    assert isinstance(evaluate(cursor), SkipReason)

    (inbox / "neu.jsonl").write_text('{"id": "n1", "text": "Merz traf Macron."}\n', encoding="utf-8")
    arrived = evaluate(cursor)
    assert isinstance(arrived, SensorResult) and arrived.cursor != cursor
    cursor = arrived.cursor

    # Same name and size, later modification time: changed.
    path = inbox / "merz-macron.txt"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    changed = evaluate(cursor)
    assert isinstance(changed, SensorResult) and changed.cursor != cursor

    path.unlink()
    assert isinstance(evaluate(changed.cursor), SensorResult)


def test_sensor_skips_a_missing_inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CONTACTS_INBOX", str(tmp_path / "gibt-es-nicht"))
    result = evaluate(None)
    assert isinstance(result, SkipReason)
    assert "does not exist" in result.skip_message


def test_sensor_schedule_and_jobs_are_in_the_definitions():
    from orchestration.definitions import defs
    from orchestration.jobs import JOB_NAME, REBUILD_JOB_NAME

    sensor = defs.resolve_sensor_def("inbox_sensor")
    assert sensor.job_name == JOB_NAME
    rebuild = defs.resolve_job_def(REBUILD_JOB_NAME)
    assert raw.is_full_refresh(rebuild.tags)
    assert not raw.is_full_refresh(defs.resolve_job_def(JOB_NAME).tags)
    assert rebuild.executor_def.name == "in_process"
    graph = defs.resolve_asset_graph()
    everything = {key for key in graph.get_all_asset_keys() if graph.get(key).is_materializable}
    assert set(rebuild.asset_layer.selected_asset_keys) == everything
    # The raw-layer checks run with every job.
    check_names = {key.name for key in graph.asset_check_keys}
    assert check_names >= {spec.name for check in raw_checks for spec in check.check_specs}
