"""Reading only new or changed inbox files (raw.inbox_files): an unchanged file is not read
again, a touched, changed or replaced one is, a deleted one is forgotten, and the outcome is
always that of reading every file."""

from __future__ import annotations

import json
import os
import random
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
from transforms.records import articles_frame

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


def remember(folder: Path, con: duckdb.DuckDBPyConnection, version: str | None = None):
    """One incremental scan of what ``con`` knows, stored and noted there as raw_inbox does.

    Returns the scan and what was stored before it (``stored`` of the equivalent full read).
    """
    version = version or reader_version()
    stored = wh.stored_articles(con)
    scan = scan_inbox(con, folder, version)
    now = datetime.now(UTC)
    wh.upsert_articles(con, articles_frame(scan.articles, now))
    wh.replace_inbox_files(
        con, wh.inbox_files_frame(scan.outcomes, version, now), scan.unchanged_files, version
    )
    return scan, stored


def names(folder: Path) -> list[str]:
    return [p.name for p in articles.article_paths(folder)]


def kept(articles) -> list[tuple]:
    return sorted((a.doc_id, a.content_hash, a.source_path) for a in articles)


def refused(rejections) -> list[tuple]:
    return sorted((r.source_path, r.doc_id, r.reason, r.content_hash) for r in rejections)


def assert_same_as_full(scan, folder: Path, stored: dict) -> None:
    """The incremental scan decided what reading every file (``read_inbox``) decides."""
    everything = read_inbox(folder, stored=stored)
    assert refused(scan.rejections) == refused(everything.rejections)
    # The same rejections of the same parsed articles leave the same articles kept: the
    # ones read now, and the others stored with that content (an upsert would leave them
    # as they are, even when they come from another file now).
    full_kept = kept(everything.articles)
    assert set(kept(scan.articles)) <= set(full_kept)
    not_read = [a for a in full_kept if a not in set(kept(scan.articles))]
    assert all(stored.get(doc_id, ("",))[0] == digest for doc_id, digest, _ in not_read)
    assert scan.unchanged == len(not_read)
    # Articles read now carry their text, as a full read gives it.
    texts = {a.doc_id: a.text for a in everything.articles}
    assert all(a.text == texts[a.doc_id] for a in scan.articles)


def test_unchanged_files_are_not_read_again(inbox: Path, reads: list[str]):
    con = duckdb.connect()
    first, stored = remember(inbox, con)
    assert sorted(reads) == names(inbox)
    assert_same_as_full(first, inbox, stored)
    reads.clear()

    second, stored = remember(inbox, con)
    assert reads == []
    assert second.articles == [] and second.outcomes == []
    assert second.unchanged == len(first.articles)
    assert_same_as_full(second, inbox, stored)


def test_touched_changed_new_and_deleted_files(inbox: Path, reads: list[str]):
    con = duckdb.connect()
    remember(inbox, con)
    reads.clear()
    files = names(inbox)
    touched, changed, deleted = files[0], files[1], files[2]
    stat = (inbox / touched).stat()
    os.utime(inbox / touched, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    (inbox / changed).write_text("Merz telefonierte mit Macron.", encoding="utf-8")
    (inbox / deleted).unlink()
    (inbox / "neu.txt").write_text("Wadephul traf Rubio in Washington.", encoding="utf-8")

    scan, stored = remember(inbox, con)
    assert sorted(reads) == sorted([touched, changed, "neu.txt"])
    assert_same_as_full(scan, inbox, stored)
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
    remember(inbox, con)
    assert "b-kopie" not in wh.stored_articles(con)
    reads.clear()

    second, stored = remember(inbox, con)
    assert reads == []
    assert_same_as_full(second, inbox, stored)
    assert any(r.doc_id == "b-kopie" and r.reason.startswith("duplicate") for r in second.rejections)

    (inbox / "a-original.txt").write_text(COPY + " Ein Nachtrag.", encoding="utf-8")
    reads.clear()
    third, stored = remember(inbox, con)
    # The copy is no longer a duplicate: it has to be loaded, so its text is read.
    assert sorted(reads) == ["a-original.txt", "b-kopie.txt"]
    assert "b-kopie" in {a.doc_id for a in third.articles}
    assert all(a.text for a in third.articles)
    assert_same_as_full(third, inbox, stored)


def test_every_duplicate_rule_matches_a_full_read(inbox: Path, reads: list[str]):
    """Copies under new names, a doc_id in two files, a stored article whose file left the
    inbox while its copy stays: after every change, and again with nothing changed, the
    incremental scan decides what reading every file decides."""
    con = duckdb.connect()
    (inbox / "a-original.txt").write_text(COPY, encoding="utf-8")
    (inbox / "b-kopie.txt").write_text(COPY, encoding="utf-8")
    (inbox / "c-zwilling.txt").write_text("Wadephul traf Rubio.", encoding="utf-8")
    feed = [{"id": "c-zwilling", "text": "Wadephul traf Sybiha."}, {"id": "d-feed", "text": COPY}]
    (inbox / "feed.jsonl").write_text("\n".join(json.dumps(line) for line in feed), encoding="utf-8")
    changes = [
        lambda: None,
        lambda: (inbox / "a-original.txt").unlink(),  # stored original gone: its copies stay duplicates
        lambda: (inbox / "c-zwilling.txt").unlink(),  # the feed's c-zwilling takes the doc_id over
        lambda: (inbox / "e-kopie.txt").write_text("Wadephul traf Sybiha.", encoding="utf-8"),
        lambda: (inbox / "b-kopie.txt").write_text(COPY + " Neu.", encoding="utf-8"),
        lambda: (inbox / "a-original.txt").write_text(COPY, encoding="utf-8"),  # back again
    ]
    reasons: set[str] = set()
    for change in changes:
        change()
        scan, stored = remember(inbox, con)
        assert_same_as_full(scan, inbox, stored)
        again, stored = remember(inbox, con)
        assert_same_as_full(again, inbox, stored)
        assert again.articles == [] and refused(again.rejections) == refused(scan.rejections)
        reasons |= {
            r.reason.split(":")[0] + (", loaded earlier" in r.reason) * " earlier" for r in scan.rejections
        }
    # Every rule was put to the test.
    assert {"duplicate doc_id", "duplicate", "duplicate earlier"} <= reasons


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
    first, _ = remember(inbox, con)
    reads.clear()
    second, stored = remember(inbox, con)
    # leer.txt was rejected after it was read (empty): its rejection is remembered too.
    assert reads == []
    assert refused(second.rejections) == refused(first.rejections)
    assert second.unchanged == len(first.articles)
    assert_same_as_full(second, inbox, stored)


def test_files_over_the_size_limit_and_symlinks_are_checked_every_time(
    inbox: Path, tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
):
    con = duckdb.connect()
    (inbox / "verweis.txt").symlink_to(inbox / "merz-macron.txt")
    remember(inbox, con)
    reads.clear()
    remember(inbox, con)
    assert reads == ["verweis.txt"]
    reads.clear()
    monkeypatch.setenv("CONTACTS_MAX_FILE_MB", "0.0001")  # 104 bytes
    scan, stored = remember(inbox, con)
    assert_same_as_full(scan, inbox, stored)
    assert any(r.reason.startswith("file too large") for r in scan.rejections)


def test_another_reader_version_reads_everything(inbox: Path, reads: list[str]):
    con = duckdb.connect()
    remember(inbox, con)
    reads.clear()
    assert wh.known_inbox_files(con, "another") == {}
    scan, stored = remember(inbox, con, version="another")
    assert sorted(reads) == names(inbox)
    assert_same_as_full(scan, inbox, stored)
    # The rows of the other version are forgotten.
    assert wh.known_inbox_files(con, reader_version()) == {}


def test_rescan_reads_everything(inbox: Path, reads: list[str]):
    con = duckdb.connect()
    remember(inbox, con)
    reads.clear()
    stored = wh.stored_articles(con)
    scan = scan_inbox(con, inbox, reader_version(), rescan=True)
    assert sorted(reads) == names(inbox)
    assert_same_as_full(scan, inbox, stored)


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


def test_random_inbox_histories_match_full_reads(inbox: Path):
    """Random edits (copies, doc_ids in two files, JSONL feeds, changes, deletions, files that
    come back), each followed by an incremental scan compared with reading every file."""
    rng = random.Random(20261121)
    texts = [f"Wadephul traf Rubio am {day}. Mai." for day in range(1, 6)] + [COPY]
    con = duckdb.connect()
    reasons: set[str] = set()
    for _ in range(40):
        for _ in range(rng.randint(1, 3)):
            name = f"{rng.choice('abcdefgh')}"
            action = rng.random()
            if action < 0.5:
                (inbox / f"{name}.txt").write_text(rng.choice(texts), encoding="utf-8")
            elif action < 0.7:
                feed = [
                    {"id": rng.choice("abcdefgh"), "text": rng.choice(texts)}
                    for _ in range(rng.randint(1, 3))
                ]
                (inbox / f"{name}.jsonl").write_text(
                    "\n".join(json.dumps(line) for line in feed), encoding="utf-8"
                )
            else:
                for path in inbox.glob(f"{name}.*"):
                    path.unlink()
        scan, stored = remember(inbox, con)
        assert_same_as_full(scan, inbox, stored)
        reasons |= {
            r.reason.split(":")[0] + (", loaded earlier" in r.reason) * " earlier" for r in scan.rejections
        }
    assert {"duplicate doc_id", "duplicate", "duplicate earlier"} <= reasons
