"""Reading the inbox: date markers, rejections, doc ids and text offsets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from transforms.articles import ArticleError, content_hash, parse_article, read_inbox, scan_files


def parse(raw: str | bytes, doc_id: str = "doc"):
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    return parse_article(doc_id, data, f"/inbox/{doc_id}.txt")


@pytest.mark.parametrize(
    ("raw", "expected_date", "precision", "text"),
    [
        ("date 2025-03-14\nWadephul traf Rubio.", date(2025, 3, 14), "day", "Wadephul traf Rubio."),
        ("date 2025-03-14 Wadephul traf Rubio.", date(2025, 3, 14), "day", "Wadephul traf Rubio."),
        ("date 2025-04\nWadephul reiste nach Kiew.", date(2025, 4, 1), "month", "Wadephul reiste nach Kiew."),
        ("date 2025-04 Wadephul reiste nach Kiew.", date(2025, 4, 1), "month", "Wadephul reiste nach Kiew."),
        ("\n  date 2025-4-7\r\nMerz empfing Macron.", date(2025, 4, 7), "day", "Merz empfing Macron."),
        ("\ufeffdate 2025-01-20\nMerz empfing Macron.", date(2025, 1, 20), "day", "Merz empfing Macron."),
    ],
    ids=["own-line-day", "inline-day", "own-line-month", "inline-month", "leading-blank", "bom"],
)
def test_date_marker_is_parsed_and_removed(raw, expected_date, precision, text):
    article = parse(raw)
    assert article.published_date == expected_date
    assert article.published_date_precision == precision
    assert article.text == text


def test_article_without_marker_keeps_its_text():
    article = parse("Merz traf Macron in Berlin.")
    assert article.published is None
    assert article.published_date is None
    assert article.text == "Merz traf Macron in Berlin."


def test_the_word_date_opening_a_sentence_is_not_a_marker():
    article = parse("date night: Merz traf Macron.")
    assert article.published is None
    assert article.text == "date night: Merz traf Macron."


@pytest.mark.parametrize("marker", ["2025-13-01", "2025-02-30", "2025-00"])
def test_malformed_marker_is_an_error(marker):
    with pytest.raises(ArticleError, match="malformed date marker"):
        parse(f"date {marker}\nMerz traf Macron.")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\n", "empty file"),
        (b"date 2025-03-14\n \n", "no text after the date marker"),
        (b"abc\x00def", "binary content"),
        ("Außenminister in München".encode("latin-1"), "not valid UTF-8"),
    ],
    ids=["empty", "whitespace", "marker-only", "binary", "latin-1"],
)
def test_unreadable_content_is_rejected_with_a_reason(data, reason):
    with pytest.raises(ArticleError, match=reason):
        parse(data)


def test_offsets_refer_to_the_text_without_marker():
    article = parse("date 2025-03-14\nAußenminister Wadephul traf Rubio in Washington.")
    start = article.text.index("Wadephul")
    assert start == len("Außenminister ")
    assert article.text[start : start + len("Wadephul")] == "Wadephul"


def test_content_hash_is_of_the_file_bytes():
    raw = b"date 2025-03-14\nMerz traf Macron."
    assert parse(raw).content_hash == content_hash(raw)
    assert parse(raw).content_hash != parse(b"Merz traf Macron.").content_hash


def test_read_inbox_sorts_articles_and_rejects_bad_files(tmp_path: Path, corpus):
    folder = corpus.write(tmp_path / "inbox")
    scan = read_inbox(folder)
    assert [a.doc_id for a in scan.articles] == sorted(Path(n).stem for n in corpus.articles)
    # doc_id is the file name without extension; the source path is kept.
    for article in scan.articles:
        assert Path(article.source_path).stem == article.doc_id
    rejected = {Path(r.source_path).name: r.reason for r in scan.rejections}
    assert set(rejected) == set(corpus.rejected)
    assert rejected["leer.txt"] == "empty file"
    assert rejected["kaputt.txt"].startswith("binary content")
    assert rejected["latin1.txt"].startswith("not valid UTF-8")
    # notizen.md is not an article file: neither read nor rejected.
    assert all(not r.source_path.endswith(".md") for r in scan.rejections)


def test_inline_month_marker_from_the_inbox(tmp_path: Path, corpus):
    folder = corpus.write(tmp_path / "inbox")
    articles = {a.doc_id: a for a in read_inbox(folder).articles}
    article = articles["2025-04-sybiha-telefonat"]
    assert article.published_date == date(2025, 4, 1)
    assert article.published_date_precision == "month"
    assert article.text.startswith("Wadephul telefonierte")


def test_duplicate_doc_id_is_rejected(tmp_path: Path):
    first, second = tmp_path / "a" / "bericht.txt", tmp_path / "b" / "bericht.txt"
    for path in (first, second):
        path.parent.mkdir()
        path.write_text("Merz traf Macron.", encoding="utf-8")
    scan = scan_files([first, second])
    assert [a.source_path for a in scan.articles] == [str(first)]
    assert len(scan.rejections) == 1
    assert scan.rejections[0].reason.startswith("duplicate doc_id")


def test_missing_inbox_is_an_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        read_inbox(tmp_path / "nope")


def test_a_year_alone_is_a_malformed_marker():
    with pytest.raises(ArticleError, match="malformed date marker '2025'"):
        parse_article("x", b"date 2025\nDie Ministerin reiste nach Rom.", "x.txt")
