"""Reading only new or changed inbox files (raw.inbox_files): an unchanged file is not read
again, a touched, changed or replaced one is, a deleted one is forgotten, and the outcome is
always that of reading every file."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

import transforms.articles as articles
import transforms.inbox as inbox_reading
from orchestration import assets as raw
from tests.runs import RecordingExtractor, materialize_raw, metadata, tables
from transforms import warehouse as wh
from transforms.articles import read_inbox
from transforms.inbox import reader_version, scan_inbox

COPY = "Bundeskanzler Friedrich Merz traf in Berlin den Präsidenten Emmanuel Macron. Es ging um Europa."


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files whose bytes are read."""
    seen: list[str] = []
    original = articles._read_bytes

    def recording(path: Path) -> bytes:
        seen.append(path.name)
        return original(path)

    monkeypatch.setattr(articles, "_read_bytes", recording)
    return seen


def remember(folder: Path, con: duckdb.DuckDBPyConnection, stored: dict | None = None):
    """One incremental scan with what ``con`` knows, noted there as raw_inbox does."""
    known = wh.known_inbox_files(con, reader_version())
    scan = scan_inbox(folder, known, stored=stored)
    frame = wh.inbox_files_frame(scan.outcomes, reader_version(), datetime.now(UTC))
    wh.replace_inbox_files(con, frame, sorted(set(known) - set(scan.unchanged_files)), reader_version())
    return scan


def outcome(scan) -> tuple:
    """What a scan decided, comparable between a full and an incremental read."""
    current = [*scan.articles, *getattr(scan, "unchanged", [])]
    kept = sorted((a.doc_id, a.content_hash, a.source_path) for a in current)
    refused = sorted((r.source_path, r.doc_id, r.reason, r.content_hash) for r in scan.rejections)
    return kept, refused


def full(folder: Path, stored: dict | None = None) -> tuple:
    return outcome(read_inbox(folder, stored=stored))


def names(folder: Path) -> list[str]:
    return [p.name for p in articles.article_paths(folder)]


def stored_after(scan, stored: dict) -> dict:
    """``stored`` after the upsert of ``scan.articles``."""
    return {**stored, **{a.doc_id: (a.content_hash, a.source_path) for a in scan.articles}}


def test_unchanged_files_are_not_read_again(inbox: Path, reads: list[str]):
    con = duckdb.connect()
    first = remember(inbox, con)
    assert sorted(reads) == names(inbox)
    reads.clear()
    stored = stored_after(first, {})

    second = remember(inbox, con, stored)
    assert reads == []
    assert second.articles == [] and second.outcomes == []
    assert len(second.unchanged) == len(first.articles)
    assert outcome(second) == full(inbox, stored)


def test_touched_changed_new_and_deleted_files(inbox: Path, reads: list[str]):
    con = duckdb.connect()
    stored = stored_after(remember(inbox, con), {})
    reads.clear()
    files = names(inbox)
    touched, changed, deleted = files[0], files[1], files[2]
    stat = (inbox / touched).stat()
    os.utime(inbox / touched, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    (inbox / changed).write_text("Merz telefonierte mit Macron.", encoding="utf-8")
    (inbox / deleted).unlink()
    (inbox / "neu.txt").write_text("Wadephul traf Rubio in Washington.", encoding="utf-8")

    scan = remember(inbox, con, stored)
    assert sorted(reads) == sorted([touched, changed, "neu.txt"])
    assert outcome(scan) == full(inbox, stored)
    # The deleted file is forgotten; every present file is known with its current stat.
    known = wh.known_inbox_files(con, reader_version())
    assert sorted(Path(k).name for k in known) == names(inbox)
    for key, file in known.items():
        assert (file.size, file.mtime_ns) == (Path(key).stat().st_size, Path(key).stat().st_mtime_ns)


def test_duplicate_rules_see_unread_files(inbox: Path, reads: list[str]):
    """A copy loses to its original; when the original changes, the unread copy wins and is read."""
    con = duckdb.connect()
    (inbox / "a-original.txt").write_text(COPY, encoding="utf-8")
    (inbox / "b-kopie.txt").write_text(COPY, encoding="utf-8")
    first = remember(inbox, con)
    stored = stored_after(first, {})
    assert "b-kopie" not in stored
    reads.clear()

    second = remember(inbox, con, stored)
    assert reads == []
    assert outcome(second) == full(inbox, stored)
    assert any(r.doc_id == "b-kopie" and r.reason.startswith("duplicate") for r in second.rejections)

    (inbox / "a-original.txt").write_text(COPY + " Ein Nachtrag.", encoding="utf-8")
    reads.clear()
    third = remember(inbox, con, stored)
    # The copy is no longer a duplicate: it has to be loaded, so its text is read.
    assert sorted(reads) == ["a-original.txt", "b-kopie.txt"]
    assert "b-kopie" in {a.doc_id for a in third.articles}
    assert all(a.text for a in third.articles)
    assert outcome(third) == full(inbox, stored)


def test_jsonl_lines_and_rejections_are_remembered(inbox: Path, reads: list[str]):
    con = duckdb.connect()
    lines = [
        {"id": "feed-1", "title": "Eins", "published": "2025-05-01", "text": "Merz traf Macron in Paris."},
        "kein json",
        {"id": "feed-2", "published": "2025-02-30", "text": "Wadephul traf Rubio."},
        {"id": "feed-3", "text": "Wadephul telefonierte mit Sybiha."},
    ]
    (inbox / "feed.jsonl").write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines), encoding="utf-8"
    )
    (inbox / "leer.txt").write_bytes(b"")
    first = remember(inbox, con)
    stored = stored_after(first, {})
    reads.clear()
    second = remember(inbox, con, stored)
    # leer.txt was rejected after it was read (empty): its rejection is remembered too.
    assert reads == []
    assert outcome(second) == outcome(first) == full(inbox, stored)


def test_files_over_the_size_limit_and_symlinks_are_checked_every_time(
    inbox: Path, tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
):
    con = duckdb.connect()
    (inbox / "verweis.txt").symlink_to(inbox / "merz-macron.txt")
    stored = stored_after(remember(inbox, con), {})
    reads.clear()
    remember(inbox, con, stored)
    assert reads == ["verweis.txt"]
    reads.clear()
    monkeypatch.setenv("CONTACTS_MAX_FILE_MB", "0.0001")  # 104 bytes
    scan = remember(inbox, con, stored)
    assert outcome(scan) == full(inbox, stored)
    assert any(r.reason.startswith("file too large") for r in scan.rejections)


def test_another_reader_version_reads_everything(inbox: Path, reads: list[str]):
    con = duckdb.connect()
    stored = stored_after(remember(inbox, con), {})
    reads.clear()
    assert wh.known_inbox_files(con, "another") == {}
    known = wh.known_inbox_files(con, "another")
    scan = scan_inbox(inbox, known, stored=stored)
    assert sorted(reads) == names(inbox)
    assert outcome(scan) == full(inbox, stored)


# --- through the raw_inbox asset --------------------------------------------------------


def without_times(rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The tables without the columns that record when something happened."""
    out = {}
    for name, table_rows in rows.items():
        columns = list(wh.TABLES[name].schema)
        keep = [
            i
            for i, c in enumerate(columns)
            if c not in ("ingested_at", "loaded_at", "rejected_at", "extracted_at", "read_at", "mtime_ns")
        ]
        out[name] = sorted(tuple(row[i] for i in keep) for row in table_rows)
    return out


def test_runs_give_the_tables_of_a_full_re_read(
    warehouse_path: Path, inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reads: list[str]
):
    materialize_raw(RecordingExtractor())
    (inbox / "merz-macron.txt").write_text("Bundeskanzler Merz telefonierte mit Macron.", encoding="utf-8")
    (inbox / "kopie.txt").write_text((inbox / "2025-04-sybiha-telefonat.txt").read_text("utf-8"), "utf-8")
    (inbox / "neu.txt").write_text("Wadephul traf Rubio in Washington.", encoding="utf-8")
    (inbox / "leer.txt").write_bytes(b"")
    reads.clear()
    meta = metadata(materialize_raw(RecordingExtractor()))
    assert sorted(reads) == ["kopie.txt", "leer.txt", "merz-macron.txt", "neu.txt"]
    assert meta["articles"]["files_read"] == 4
    assert meta["articles"]["files_unchanged"] == len(names(inbox)) - 4
    assert meta["articles"]["articles_read"] == 4  # three known, one new; the copy is refused
    assert meta["articles"]["inserted"] == 1 and meta["articles"]["updated"] == 1
    assert meta["articles"]["unchanged"] == 2
    (inbox / "2025-03-14-wadephul-rubio.txt").unlink()
    materialize_raw(RecordingExtractor())
    incremental = tables(warehouse_path)

    # The same inbox history, every file read every time (CONTACTS_INBOX_RESCAN).
    shutil.copy(warehouse_path, tmp_path / "incremental.duckdb")
    monkeypatch.setenv("CONTACTS_INBOX_RESCAN", "true")
    reads.clear()
    meta = metadata(materialize_raw(RecordingExtractor()))
    assert sorted(reads) == names(inbox)
    assert meta["articles"]["files_unchanged"] == 0
    assert without_times(tables(warehouse_path)) == without_times(incremental)
    # ...and the rebuild job reads every file too.
    monkeypatch.delenv("CONTACTS_INBOX_RESCAN")
    reads.clear()
    materialize_raw(RecordingExtractor(), tags={raw.FULL_REFRESH_TAG: "true"})
    assert sorted(reads) == names(inbox)


def test_a_deleted_file_keeps_its_article_and_is_forgotten(warehouse_path: Path, inbox: Path):
    materialize_raw(RecordingExtractor())
    (inbox / "merz-macron.txt").unlink()
    meta = metadata(materialize_raw(RecordingExtractor()))
    assert meta["articles"]["files_read"] == 0
    after = tables(warehouse_path)
    assert "merz-macron" in {row[0] for row in after["articles"]}
    assert not any(row[0].endswith("merz-macron.txt") for row in after["inbox_files"])
    # A file of that name comes back: it is unknown now, so it is read.
    (inbox / "merz-macron.txt").write_text("Wieder da.", encoding="utf-8")
    meta = metadata(materialize_raw(RecordingExtractor()))
    assert meta["articles"]["files_read"] == 1


def test_listing_is_article_paths(inbox: Path, tmp_path: Path):
    (inbox / ".versteckt.txt").write_text("x", encoding="utf-8")
    (inbox / "GROSS.TXT").write_text("Merz traf Macron.", encoding="utf-8")
    (inbox / "ordner.txt").mkdir()
    (inbox / "verweis.txt").symlink_to(inbox / "merz-macron.txt")
    (inbox / "kaputt.jsonl").symlink_to(tmp_path / "gibt-es-nicht.jsonl")
    (inbox / "seite.htm").write_text("<html></html>", encoding="utf-8")
    listed = inbox_reading.listing(inbox)
    assert [key for key, _ in listed] == [str(p) for p in articles.article_paths(inbox)]
    stats = dict(listed)
    assert stats[str(inbox / "verweis.txt")] is None
    assert stats[str(inbox / "GROSS.TXT")] == (
        (inbox / "GROSS.TXT").stat().st_size,
        (inbox / "GROSS.TXT").stat().st_mtime_ns,
    )
