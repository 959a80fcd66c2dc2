"""The raw-layer writers against a temporary DuckDB file."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest

from transforms import warehouse as wh
from transforms.articles import read_inbox
from transforms.records import articles_frame, extraction_frames, rejections_frame

T0 = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
T1 = T0 + timedelta(days=1)


@pytest.fixture
def con(warehouse_path: Path):
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(warehouse_path))
    yield connection
    connection.close()


@pytest.fixture
def scan(inbox: Path):
    return read_inbox(inbox)


def rows(con, table: str, order: str) -> list[tuple]:
    # Test-only helper: `table` and `order` are literals from the tests themselves.
    return con.execute(f"SELECT * FROM raw.{table} ORDER BY {order}").fetchall()


def snapshot(con) -> dict[str, list[tuple]]:
    return {name: rows(con, name, "ALL") for name in wh.TABLES}


# --- DDL -----------------------------------------------------------------------------


def test_schema_and_tables_follow_the_frame_schemas(con):
    wh.ensure_schema(con)
    wh.ensure_schema(con)  # idempotent
    for name, table in wh.TABLES.items():
        columns = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'raw' AND table_name = ? ORDER BY ordinal_position",
            [name],
        ).fetchall()
        assert [c for c, _ in columns] == list(table.schema), name
        assert [t for _, t in columns] == [wh.duckdb_type(d) for d in table.schema.values()], name
    key = con.execute(
        "SELECT constraint_column_names FROM duckdb_constraints() WHERE schema_name = 'raw' "
        "AND table_name = 'contact_participants' AND constraint_type = 'PRIMARY KEY'"
    ).fetchone()
    assert key is not None and list(key[0]) == ["mention_id", "actor_id"]


def test_duckdb_types():
    assert wh.duckdb_type(pl.String) == "VARCHAR"
    assert wh.duckdb_type(pl.Int32) == "INTEGER"
    assert wh.duckdb_type(pl.Date) == "DATE"
    assert wh.duckdb_type(pl.Datetime("us", "UTC")) == "TIMESTAMP WITH TIME ZONE"
    with pytest.raises(TypeError):
        wh.duckdb_type(pl.List(pl.String))


def test_unknown_table_is_refused(con):
    with pytest.raises(ValueError, match="unknown raw table"):
        wh.replace_table(con, "articles; DROP TABLE raw.articles", pl.DataFrame())


# --- articles ------------------------------------------------------------------------


def test_upsert_is_idempotent_and_keeps_ingested_at(con, scan):
    first = wh.upsert_articles(con, articles_frame(scan.articles, T0))
    assert first == wh.UpsertResult(inserted=3, updated=0, unchanged=0)
    before = rows(con, "articles", "doc_id")

    again = wh.upsert_articles(con, articles_frame(scan.articles, T1))
    assert again == wh.UpsertResult(inserted=0, updated=0, unchanged=3)
    assert rows(con, "articles", "doc_id") == before
    assert {r[-1] for r in before} == {T0}


def test_upsert_replaces_changed_content_and_inserts_new(con, scan):
    wh.upsert_articles(con, articles_frame(scan.articles, T0))
    changed = replace(scan.articles[0], text="Neuer Text.", content_hash="changed")
    new = replace(scan.articles[1], doc_id="neu", source_path="/inbox/neu.txt")
    result = wh.upsert_articles(con, articles_frame([changed, new, *scan.articles[1:]], T1))
    assert result == wh.UpsertResult(inserted=1, updated=1, unchanged=2)
    stored = {
        r[0]: r
        for r in con.execute("SELECT doc_id, text, content_hash, ingested_at FROM raw.articles").fetchall()
    }
    assert stored[changed.doc_id][1:] == ("Neuer Text.", "changed", T1)
    assert stored["neu"][3] == T1
    assert stored[scan.articles[2].doc_id][3] == T0
    # An article whose file left the inbox stays (the inbox may be a drop folder).
    wh.upsert_articles(con, articles_frame([new], T1))
    assert len(rows(con, "articles", "doc_id")) == 4


def test_upsert_refuses_duplicate_doc_ids(con, scan):
    frame = articles_frame([scan.articles[0], scan.articles[0]], T0)
    with pytest.raises(ValueError, match="duplicate doc_id"):
        wh.upsert_articles(con, frame)
    assert rows(con, "articles", "doc_id") == []


def test_values_are_bound_not_formatted(con, scan):
    odd = replace(scan.articles[0], doc_id="o'brien\"; DROP TABLE raw.articles; --")
    wh.upsert_articles(con, articles_frame([odd], T0))
    assert [r[0] for r in rows(con, "articles", "doc_id")] == [odd.doc_id]


# --- rejections ----------------------------------------------------------------------


def test_rejections_are_the_current_set(con, scan, inbox):
    wh.record_rejections(con, rejections_frame(scan.rejections, T0))
    assert len(rows(con, "rejected_inputs", "source_path")) == 3

    # Unchanged rejections keep their timestamp.
    wh.record_rejections(con, rejections_frame(scan.rejections, T1))
    assert {r[-1] for r in rows(con, "rejected_inputs", "source_path")} == {T0}

    # A fixed file disappears on the next load.
    (inbox / "leer.txt").write_text("Merz traf Macron.", encoding="utf-8")
    rescan = read_inbox(inbox)
    wh.record_rejections(con, rejections_frame(rescan.rejections, T1))
    names = {Path(r[0]).name for r in rows(con, "rejected_inputs", "source_path")}
    assert names == {"kaputt.txt", "undecodable.txt"}


# --- knowledge -----------------------------------------------------------------------


def test_replace_table_replaces_the_content(con):
    countries = pl.DataFrame(
        {"country_iso3": ["DEU", "FRA"], "country_name": ["Deutschland", "Frankreich"]},
        schema=wh.KNOWLEDGE_COUNTRIES_SCHEMA,
    )
    assert wh.replace_table(con, "knowledge_countries", countries) == 2
    assert wh.replace_table(con, "knowledge_countries", countries.head(1)) == 1
    assert rows(con, "knowledge_countries", "country_iso3") == [("DEU", "Deutschland")]


def test_replace_table_needs_every_column(con):
    with pytest.raises(ValueError, match="lacks columns"):
        wh.replace_table(con, "knowledge_countries", pl.DataFrame({"country_iso3": ["DEU"]}))


# --- extractions ---------------------------------------------------------------------


def load_extractions(con, scan, extractor, version="fake-1"):
    wh.upsert_articles(con, articles_frame(scan.articles, T0))
    frames = extraction_frames(extractor.extract(scan.articles), version)
    ids = [a.doc_id for a in scan.articles]
    wh.replace_extractions(con, ids, frames, wh.extraction_state_frame(scan.articles, version, T0))
    return frames


def test_replace_extractions_swaps_rows_of_the_given_articles(con, scan, fake_extractor):
    frames = load_extractions(con, scan, fake_extractor)
    assert frames.contact_mentions.height == 3
    counts = wh.table_counts(con, wh.EXTRACTION_TABLES)
    assert counts == {name: frame.height for name, frame in frames.as_dict().items()}

    # Re-extract one article into no contacts: only its rows go.
    target = scan.articles[0].doc_id
    empty = extraction_frames([], "fake-1")
    wh.replace_extractions(con, [target], empty)
    remaining = {r[0] for r in con.execute("SELECT DISTINCT doc_id FROM raw.contact_mentions").fetchall()}
    assert remaining == {a.doc_id for a in scan.articles[1:]}
    # Rows without a recorded state are due for extraction again.
    assert wh.plan_extraction(con, "fake-1").to_extract == [target]


def test_replace_extractions_is_all_or_nothing_on_a_database_error(con, scan, fake_extractor):
    load_extractions(con, scan, fake_extractor)
    before = snapshot(con)
    frames = extraction_frames(fake_extractor.extract(scan.articles), "fake-2")
    # The entity table is written after the deletes and the other inserts; a duplicate
    # primary key there fails the statement mid-way.
    broken = frames.as_dict()
    broken["entity_mentions"] = pl.concat([frames.entity_mentions, frames.entity_mentions.head(1)])
    with pytest.raises(duckdb.ConstraintException):
        wh.replace_extractions(con, [a.doc_id for a in scan.articles], broken)
    assert snapshot(con) == before


def test_replace_extractions_is_all_or_nothing_on_any_error(con, scan, fake_extractor, monkeypatch):
    load_extractions(con, scan, fake_extractor)
    before = snapshot(con)
    real_insert = wh._insert

    def failing_insert(con_, name, view, where=""):
        if name == "contact_topics":
            raise RuntimeError("disk full (simulated)")
        real_insert(con_, name, view, where)

    monkeypatch.setattr(wh, "_insert", failing_insert)
    frames = extraction_frames(fake_extractor.extract(scan.articles), "fake-2")
    with pytest.raises(RuntimeError, match="simulated"):
        wh.replace_extractions(
            con,
            [a.doc_id for a in scan.articles],
            frames,
            wh.extraction_state_frame(scan.articles, "fake-2", T1),
        )
    assert snapshot(con) == before


def test_replace_extractions_refuses_rows_of_other_articles(con, scan, fake_extractor):
    frames = extraction_frames(fake_extractor.extract(scan.articles), "fake-1")
    with pytest.raises(ValueError, match="outside the replaced set"):
        wh.replace_extractions(con, [scan.articles[0].doc_id], frames)


def test_plan_extraction_finds_new_changed_and_outdated_articles(con, scan, fake_extractor):
    wh.upsert_articles(con, articles_frame(scan.articles, T0))
    everything = sorted(a.doc_id for a in scan.articles)
    assert wh.plan_extraction(con, "fake-1").to_extract == everything

    load_extractions(con, scan, fake_extractor)
    plan = wh.plan_extraction(con, "fake-1")
    assert (plan.to_extract, plan.orphaned, plan.up_to_date) == ([], [], 3)

    # Another extractor version (code or knowledge base changed): everything again.
    assert wh.plan_extraction(con, "fake-2").to_extract == everything

    # Changed content: just that article.
    changed = replace(scan.articles[1], text="Merz telefonierte mit Macron.", content_hash="new")
    wh.upsert_articles(con, articles_frame([changed], T1))
    assert wh.plan_extraction(con, "fake-1").to_extract == [changed.doc_id]


def test_plan_extraction_reports_orphaned_rows(con, scan, fake_extractor):
    load_extractions(con, scan, fake_extractor)
    gone = scan.articles[0].doc_id
    con.execute("DELETE FROM raw.articles WHERE doc_id = ?", [gone])
    assert wh.plan_extraction(con, "fake-1").orphaned == [gone]


def test_read_articles_round_trips_the_stored_articles(con, scan):
    wh.upsert_articles(con, articles_frame(scan.articles, T0))
    ids = [a.doc_id for a in scan.articles]
    assert wh.read_articles(con, ids) == sorted(scan.articles, key=lambda a: a.doc_id)
    assert wh.read_articles(con, []) == []


# --- layout changes ------------------------------------------------------------------


def test_a_changed_derived_table_is_rebuilt_and_re_extracted(con, scan, fake_extractor):
    load_extractions(con, scan, fake_extractor)
    con.execute("ALTER TABLE raw.contact_topics ADD COLUMN legacy VARCHAR")
    assert wh.ensure_schema(con) == ["contact_topics"]
    assert wh.table_counts(con, ["contact_topics"]) == {"contact_topics": 0}
    # The other extraction rows stay, but every article is due for extraction again.
    assert wh.table_counts(con, ["contact_mentions"])["contact_mentions"] == 3
    assert wh.plan_extraction(con, "fake-1").to_extract == sorted(a.doc_id for a in scan.articles)
    assert wh.ensure_schema(con) == []


def test_a_changed_articles_table_is_an_error(con, scan):
    wh.upsert_articles(con, articles_frame(scan.articles, T0))
    con.execute("ALTER TABLE raw.articles DROP COLUMN title")
    with pytest.raises(wh.WarehouseSchemaError, match="raw.articles"):
        wh.ensure_schema(con)
    assert len(rows(con, "articles", "doc_id")) == 3
