"""What the UI shows about a run: asset checks on the raw layer and metadata previews."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.conftest import FakeExtractor
from tests.runs import run_raw
from transforms.monitoring import markdown_table


class UnlinkedExtractor(FakeExtractor):
    """Every participant unknown to the knowledge base (as after losing the persons file)."""

    def extract(self, articles):
        extractions = super().extract(articles)
        for extraction in extractions:
            extraction.contacts[:] = [
                replace(c, participants=tuple(replace(p, is_kb_linked=False) for p in c.participants))
                for c in extraction.contacts
            ]
        return extractions


def test_checks_and_previews_on_a_normal_run(warehouse_path: Path, inbox: Path):
    meta = run_raw()

    contacts = meta["check:articles_with_contacts"]
    assert (contacts["passed"], contacts["count"], contacts["total"]) == (True, 3, 3)
    assert contacts["description"] == "3 of 3 extracted articles have at least one contact (100%)"

    linked = meta["check:participants_linked_to_knowledge_base"]
    assert (linked["passed"], linked["count"]) == (True, 0)

    # One of the three articles (merz-macron.txt) has no date marker: 33% > 20%.
    dates = meta["check:articles_have_dates"]
    assert (dates["passed"], dates["count"], dates["total"]) == (False, 1, 3)
    assert dates["undated_articles"] == ["merz-macron"]

    read = meta["check:inbox_fully_read"]
    assert read["passed"] is False
    assert read["description"] == "3 input(s) could not be read"
    assert "leer.txt" in read["rejections"] and "empty file" in read["rejections"]

    top = meta["contact_participants"]["top_actors"].splitlines()
    assert top[2] == "| Johann Wadephul | DEU | 2 | 2 |"
    topics = meta["contact_topics"]["topics_by_month"]
    # Dated contacts only: the undated Merz-Macron meeting (european_security) is not in a month.
    assert topics.splitlines()[2:] == ["| 2025-03 | nato | 1 |", "| 2025-03 | ukraine_war | 1 |"]
    assert meta["contact_mentions"]["contacts_by_type"] == {
        "meeting (occurred)": 2,
        "phone_call (occurred)": 1,
    }
    assert meta["articles"]["articles_by_format"] == {"txt": 3}
    assert "2025-03-14-wadephul-rubio" in meta["articles"]["latest_articles"]


def test_checks_warn_when_the_extraction_goes_blind(warehouse_path: Path, inbox: Path):
    for n in range(8):
        (inbox / f"meldung-{n}.txt").write_text(
            f"date 2025-05-0{n + 1}\nDas Wetter war schön.", encoding="utf-8"
        )
    meta = run_raw(UnlinkedExtractor())

    contacts = meta["check:articles_with_contacts"]
    assert (contacts["passed"], contacts["count"], contacts["total"]) == (False, 3, 11)
    assert contacts["articles_without_contacts"][:2] == ["meldung-0", "meldung-1"]

    linked = meta["check:participants_linked_to_knowledge_base"]
    assert linked["passed"] is False
    assert linked["count"] == linked["total"] > 0
    assert "Johann Wadephul (2)" in linked["most_frequent_unlinked"]


def test_checks_pass_on_an_empty_warehouse(warehouse_path: Path, tmp_path: Path, monkeypatch):
    empty = tmp_path / "leer"
    empty.mkdir()
    monkeypatch.setenv("CONTACTS_INBOX", str(empty))
    meta = run_raw()
    assert all(meta[key]["passed"] for key in meta if key.startswith("check:"))
    assert meta["contact_participants"]["top_actors"] == "_none_"


def test_markdown_table_escapes_cells():
    table = markdown_table(("a", "b"), [("x|y", "z\nw"), (None, 1)])
    assert table.splitlines() == ["| a | b |", "|---|---|", "| x\\|y | z w |", "|  | 1 |"]


def test_data_versions_hash_the_rows_as_before():
    """The versions the UI compares stay those of hashing each row in Python (see _table_digest)."""
    import hashlib

    import duckdb

    from transforms import monitoring

    con = duckdb.connect()
    con.execute("create table t (a varchar, b varchar)")
    con.execute("insert into t values ('z', 'Ärger'), ('a', null), ('m', ''), (null, 'x\ny')")
    rows = con.execute("select a, b from t order by a").fetchall()
    digest = hashlib.sha256()
    for row in rows:
        digest.update(("\x1f".join("" if v is None else str(v) for v in row) + "\n").encode("utf-8"))
    assert monitoring._table_digest(con, "t", ("a", "b"), "a") == digest.hexdigest()[:20]
    con.execute("delete from t")
    assert monitoring._table_digest(con, "t", ("a", "b"), "a") == hashlib.sha256().hexdigest()[:20]
