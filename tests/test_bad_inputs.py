"""Every kind of bad input, driven through a real run of the raw assets (Dagster ``materialize``,
temp warehouse, fake extractor).

Each case starts from a warehouse built on a good inbox (.txt, .jsonl and .html articles),
drops the bad input in, runs again and checks: the rejection and its reason, that every good
article is loaded and extracted, and that no other row of any raw table changed.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import ARTICLES, KNOWLEDGE_BASE
from tests.runs import EXTRACTED, FIXTURES, RecordingExtractor, column, rejections, run_raw, tables
from transforms import warehouse as wh

GOOD_DOC_IDS = sorted(
    [Path(name).stem for name in ARTICLES]
    + ["feed-wadephul-sybiha", "feed-merz-rubio", "feed-ohne-datum", "merz-macron-paris"]
)
LATIN1 = "date 2025-05-02\nAußenminister Wadephul traf in München den französischen Außenminister Barrot."
UTF16 = "date 2025-05-03\nAußenminister Wadephul traf in Köln die britische Außenministerin – „gut“."


def write_good_inbox(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    for name in ("feed.jsonl", "merz-macron-paris.html"):
        shutil.copy(FIXTURES / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built by a run on the good inbox, copied by every test (saves a run each).

    The inbox path is stored with the articles, so every test uses this same inbox
    folder, restored to its good state first.
    """
    root = tmp_path_factory.mktemp("bad_inputs")
    with pytest.MonkeyPatch.context() as patch:
        kb = root / "kb"
        kb.mkdir()
        for name, text in KNOWLEDGE_BASE.items():
            (kb / name).write_text(text, encoding="utf-8")
        patch.setenv("CONTACTS_KB_DIR", str(kb))
        patch.setenv("CONTACTS_INBOX", str(write_good_inbox(root / "inbox")))
        patch.setenv("CONTACTS_WAREHOUSE", str(root / "template.duckdb"))
        meta = run_raw(RecordingExtractor())
    assert meta["articles"]["rejected_inputs"] == 0
    assert column(root / "template.duckdb", "articles", "doc_id") == GOOD_DOC_IDS
    return root


@pytest.fixture
def good_inbox(template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = template / "inbox"
    for leftover in (folder, template / "ausserhalb"):
        shutil.rmtree(leftover, ignore_errors=True)
    write_good_inbox(folder)
    monkeypatch.setenv("CONTACTS_INBOX", str(folder))
    return folder


@pytest.fixture
def built(template: Path, good_inbox: Path, warehouse_path: Path) -> dict[str, list[tuple]]:
    """This test's copy of the built warehouse; returns its raw tables."""
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(template / "template.duckdb", warehouse_path)
    EXTRACTED.clear()
    return tables(warehouse_path)


@dataclass
class Case:
    """A bad input: how to put it into the inbox, and what the run must make of it."""

    add: Callable[[Path], None]
    rejected: dict[str, str]  # file name (or name:line) -> start of the reason
    accepted: list[str] = field(default_factory=list)  # doc_ids it must add (decodable inputs)
    env: dict[str, str] = field(default_factory=dict)


def write(name: str, data: bytes | str) -> Callable[[Path], None]:
    def add(inbox: Path) -> None:
        path = inbox / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    return add


def big_file(name: str, megabytes: float) -> Callable[[Path], None]:
    def add(inbox: Path) -> None:
        sentence = b"Bundeskanzler Merz traf in Berlin den Praesidenten Macron. "
        with (inbox / name).open("wb") as handle:
            for _ in range(int(megabytes * 1024 * 1024 / len(sentence)) + 1):
                handle.write(sentence)

    return add


def jsonl_with_broken_lines(inbox: Path) -> None:
    lines = [
        json.dumps({"id": "neu-1", "title": "Rubio bei Sybiha", "text": "Rubio traf Sybiha in Kiew."}),
        '{"id": "neu-2", "text": "Merz traf',
        json.dumps({"id": "neu-3", "published": "2025-02-30", "text": "Merz traf Macron."}),
        json.dumps({"id": "neu-4", "published": "2025-03", "text": "Macron telefonierte mit Sybiha."}),
    ]
    (inbox / "nachgeliefert.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def fixture_copy(source: str, name: str) -> Callable[[Path], None]:
    def add(inbox: Path) -> None:
        shutil.copy(FIXTURES / source, inbox / name)

    return add


def copy_of(source: str, name: str) -> Callable[[Path], None]:
    def add(inbox: Path) -> None:
        shutil.copy(inbox / source, inbox / name)

    return add


def symlink_out(inbox: Path) -> None:
    secret = inbox.parent / "ausserhalb" / "geheim.txt"
    secret.parent.mkdir()
    secret.write_text("Merz traf Macron in Rom.", encoding="utf-8")
    os.symlink(secret, inbox / "verweis.txt")


CASES = {
    "empty": Case(write("leer.txt", b""), {"leer.txt": "empty file"}),
    "whitespace": Case(write("leer.txt", b" \n\t \r\n"), {"leer.txt": "empty file"}),
    "empty-jsonl": Case(write("leer.jsonl", b"\n\n"), {"leer.jsonl": "empty file"}),
    "binary-nul": Case(
        write("kaputt.txt", b"date 2025-01-02\n\x00\x01\x02binary"), {"kaputt.txt": "binary content"}
    ),
    "binary-png-as-html": Case(
        write("bild.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), {"bild.html": "binary content"}
    ),
    "undecodable": Case(
        write("kodierung.txt", b"Au\x81enminister Wadephul in M\x8dnchen."),
        {"kodierung.txt": "undecodable: not UTF-8"},
    ),
    "latin-1-is-decoded": Case(write("latin1.txt", LATIN1.encode("latin-1")), {}, accepted=["latin1"]),
    "utf-16-bom-is-decoded": Case(write("utf16.txt", UTF16.encode("utf-16")), {}, accepted=["utf16"]),
    "utf-16-without-bom": Case(
        write("utf16-ohne-bom.txt", UTF16.encode("utf-16-le")), {"utf16-ohne-bom.txt": "binary content (NUL"}
    ),
    "50-mb": Case(
        big_file("riesig.txt", 50),
        {"riesig.txt": "file too large: 50.0 MB, the limit is 20.0 MB (CONTACTS_MAX_FILE_MB)"},
    ),
    "size-limit-from-env": Case(
        big_file("gross.jsonl", 1.5),
        {"gross.jsonl": "file too large: 1.5 MB, the limit is 1.0 MB"},
        env={"CONTACTS_MAX_FILE_MB": "1"},
    ),
    "malformed-date-marker": Case(
        write("datum.txt", "date 2025-13-01\nMerz traf Macron."),
        {"datum.txt": "malformed date marker '2025-13-01'"},
    ),
    "year-only-date-marker": Case(
        write("jahr.txt", "date 2025 Merz traf Macron."), {"jahr.txt": "malformed date marker '2025'"}
    ),
    "broken-jsonl-lines": Case(
        jsonl_with_broken_lines,
        {
            "nachgeliefert.jsonl:2": "line 2: invalid JSON",
            "nachgeliefert.jsonl:3": "line 3: malformed published date '2025-02-30'",
        },
        accepted=["neu-1", "neu-4"],
    ),
    "html-without-article": Case(
        fixture_copy("ressort-politik.html", "ressort.html"),
        {"ressort.html": "no article found in the HTML page"},
    ),
    "same-article-two-names": Case(
        copy_of("merz-macron.txt", "merz-macron-kopie.txt"),
        {"merz-macron-kopie.txt": "duplicate: same article as merz-macron"},
    ),
    "same-article-utf16-copy": Case(
        write("kopie-utf16.txt", ARTICLES["merz-macron.txt"].encode("utf-16")),
        {"kopie-utf16.txt": "duplicate: same article as merz-macron"},
    ),
    "same-doc-id-two-formats": Case(
        write("merz-macron.html", (FIXTURES / "merz-macron-paris.html").read_bytes()),
        # The stored article keeps its doc_id; the newcomer is refused.
        {"merz-macron.html": "duplicate doc_id: already read from"},
    ),
    "symlink-out-of-inbox": Case(symlink_out, {"verweis.txt": "symlink to"}),
}


def assert_nothing_else_changed(before: dict, after: dict, new_ids: list[str]) -> None:
    """Every row from before is still there, unchanged; new rows belong to new articles only."""
    for name, rows in before.items():
        # raw.inbox_files notes when each file was read: good_inbox rewrites the files
        # (new modification times), so the run reads and notes them again.
        if name in ("rejected_inputs", "inbox_files"):
            continue
        added = [row for row in after[name] if row not in rows]
        assert set(rows) <= set(after[name]), f"raw.{name} lost or changed rows"
        if name.startswith("knowledge_"):
            assert not added, f"raw.{name} changed"
        else:
            doc_id = list(wh.TABLES[name].schema).index("doc_id")
            assert {row[doc_id] for row in added} <= set(new_ids), f"raw.{name} has unexpected new rows"


@pytest.mark.parametrize("case_id", list(CASES))
def test_bad_input_is_rejected_and_nothing_else_changes(
    case_id: str, built, good_inbox: Path, warehouse_path: Path, monkeypatch: pytest.MonkeyPatch
):
    case = CASES[case_id]
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    case.add(good_inbox)

    meta = run_raw(RecordingExtractor())

    found = rejections(warehouse_path)
    assert set(found) == set(case.rejected), found
    for name, reason in case.rejected.items():
        assert found[name].startswith(reason), (name, found[name])
    # ...and the run says so in its metadata and the check.
    assert meta["articles"]["rejected_inputs"] == len(case.rejected)
    assert {Path(r["file"]).name: r["reason"] for r in meta["articles"]["rejections"]} == found
    assert meta["check:inbox_fully_read"]["passed"] == (not case.rejected)
    # Every good article is loaded (and only the accepted bad inputs on top)...
    assert column(warehouse_path, "articles", "doc_id") == sorted(GOOD_DOC_IDS + case.accepted)
    # ...only the new ones were extracted...
    assert sorted(EXTRACTED) == sorted(case.accepted)
    # ...and nothing else changed.
    assert_nothing_else_changed(built, tables(warehouse_path), case.accepted)


def test_decoded_inputs_keep_their_umlauts(built, good_inbox: Path, warehouse_path: Path):
    CASES["latin-1-is-decoded"].add(good_inbox)
    CASES["utf-16-bom-is-decoded"].add(good_inbox)
    run_raw(RecordingExtractor())
    rows = tables(warehouse_path, ["articles"])["articles"]
    texts = {row[0]: row[6] for row in rows}
    assert texts["latin1"] == LATIN1.split("\n", 1)[1]
    assert texts["utf16"] == UTF16.split("\n", 1)[1]


def test_all_bad_inputs_at_once(built, good_inbox: Path, warehouse_path: Path):
    everything = {k: c for k, c in CASES.items() if not c.env}
    for case in everything.values():
        case.add(good_inbox)
    run_raw(RecordingExtractor())
    found = rejections(warehouse_path)
    expected = {name: reason for case in everything.values() for name, reason in case.rejected.items()}
    # Several cases write the same file name (leer.txt): the last one written is in the inbox.
    assert set(found) == set(expected)
    accepted = [doc for case in everything.values() for doc in case.accepted]
    assert column(warehouse_path, "articles", "doc_id") == sorted(GOOD_DOC_IDS + accepted)
    assert sorted(EXTRACTED) == sorted(accepted)


def test_fixed_inputs_are_picked_up_on_the_next_run(built, good_inbox: Path, warehouse_path: Path):
    for case_id in ("empty", "malformed-date-marker", "broken-jsonl-lines", "html-without-article"):
        CASES[case_id].add(good_inbox)
    run_raw(RecordingExtractor())
    assert set(rejections(warehouse_path)) == {
        "leer.txt",
        "datum.txt",
        "nachgeliefert.jsonl:2",
        "nachgeliefert.jsonl:3",
        "ressort.html",
    }

    (good_inbox / "leer.txt").write_text("Merz traf Macron in Warschau.", encoding="utf-8")
    (good_inbox / "datum.txt").write_text("date 2025-12-01\nMerz traf Macron.", encoding="utf-8")
    feed = good_inbox / "nachgeliefert.jsonl"
    lines = feed.read_text(encoding="utf-8").splitlines()
    lines[1] = json.dumps({"id": "neu-2", "text": "Merz traf Sybiha."})
    lines[2] = json.dumps({"id": "neu-3", "published": "2025-02-28", "text": "Merz traf Macron in Rom."})
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (good_inbox / "ressort.html").unlink()
    EXTRACTED.clear()
    run_raw(RecordingExtractor())

    assert rejections(warehouse_path) == {}
    fixed = ["leer", "datum", "neu-2", "neu-3"]
    assert sorted(EXTRACTED) == sorted(fixed)
    assert column(warehouse_path, "articles", "doc_id") == sorted(GOOD_DOC_IDS + ["neu-1", "neu-4", *fixed])


def test_copy_arriving_after_the_original_left_is_a_duplicate(built, good_inbox: Path, warehouse_path: Path):
    # A drop folder: the original is gone, the same article arrives again under a new name.
    (good_inbox / "merz-macron.txt").rename(good_inbox.parent / "archiv.txt")
    (good_inbox / "merz-macron-nochmal.txt").write_bytes(
        codecs.BOM_UTF8 + ARTICLES["merz-macron.txt"].replace("\n", "\r\n").encode("utf-8")
    )
    run_raw(RecordingExtractor())
    assert rejections(warehouse_path) == {
        "merz-macron-nochmal.txt": "duplicate: same article as merz-macron, loaded earlier"
    }
    assert column(warehouse_path, "articles", "doc_id") == GOOD_DOC_IDS
    assert EXTRACTED == []
    assert_nothing_else_changed(built, tables(warehouse_path), [])


def test_files_that_vanish_or_change_during_the_run(
    built, good_inbox: Path, warehouse_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from transforms import articles

    (good_inbox / "fluechtig.txt").write_text("Merz traf Macron in Madrid.", encoding="utf-8")
    first_line = json.dumps({"id": "s1", "text": "Rubio traf Merz."}) + "\n"
    (good_inbox / "im-schreiben.jsonl").write_text(first_line, encoding="utf-8")
    real_read = articles._read_bytes

    def racing_read(path: Path) -> bytes:
        # The scraper deletes one file after the inbox was listed and appends to another
        # while it is being read.
        if path.name == "fluechtig.txt":
            path.unlink()
        data = real_read(path)
        if path.name == "im-schreiben.jsonl":
            with path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps({"id": "s2", "text": "Sybiha traf Macron."}) + "\n")
        return data

    monkeypatch.setattr(articles, "_read_bytes", racing_read)
    run_raw(RecordingExtractor())
    assert rejections(warehouse_path) == {
        "fluechtig.txt": "file disappeared while the inbox was read",
        "im-schreiben.jsonl": (
            "file changed while it was read (still being written?); it is read again next run"
        ),
    }
    assert column(warehouse_path, "articles", "doc_id") == GOOD_DOC_IDS
    assert_nothing_else_changed(built, tables(warehouse_path), [])

    # Next run, the file is complete and read; the vanished one is no longer reported.
    monkeypatch.setattr(articles, "_read_bytes", real_read)
    EXTRACTED.clear()
    run_raw(RecordingExtractor())
    assert rejections(warehouse_path) == {}
    assert sorted(EXTRACTED) == ["s1", "s2"]
