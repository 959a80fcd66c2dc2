"""Reading the inbox: date markers, rejections, doc ids and text offsets."""

from __future__ import annotations

import codecs
import json
import os
from datetime import date
from pathlib import Path

import pytest

from transforms.articles import (
    ArticleError,
    article_hash,
    decode_text,
    inbox_fingerprint,
    max_file_bytes,
    parse_article,
    read_inbox,
    scan_files,
)
from transforms.formats.html import parse_html
from transforms.formats.jsonl import parse_jsonl

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "inputs"


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
        (b"Au\x81enminister in M\x8dnchen", "undecodable: not UTF-8 .* and not Windows-1252"),
        (b"\x89PNG\r\n\x1a\n", "binary content \\(control character U\\+001A\\)"),
        (codecs.BOM_UTF16_LE + " \n ".encode("utf-16-le"), "empty file"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "undecodable: starts with a UTF-16 byte-order mark"),
    ],
    ids=["empty", "whitespace", "marker-only", "binary", "undecodable", "png", "utf16-blank", "utf16-broken"],
)
def test_unreadable_content_is_rejected_with_a_reason(data, reason):
    with pytest.raises(ArticleError, match=reason):
        parse(data)


def test_offsets_refer_to_the_text_without_marker():
    article = parse("date 2025-03-14\nAußenminister Wadephul traf Rubio in Washington.")
    start = article.text.index("Wadephul")
    assert start == len("Außenminister ")
    assert article.text[start : start + len("Wadephul")] == "Wadephul"


def test_content_hash_is_of_the_article_not_the_bytes():
    raw = "date 2025-03-14\nMerz traf Macron in München."
    article = parse(raw)
    assert article.content_hash == article_hash("Merz traf Macron in München.", article.published)
    # The same article in another encoding or with other line ends is the same article...
    for data in (raw.encode("utf-16"), raw.encode("cp1252"), raw.replace("\n", "\r\n").encode()):
        assert parse(data).content_hash == article.content_hash
    # ...while any change to text or date is a change.
    assert parse(raw.replace("2025-03-14", "2025-03-15")).content_hash != article.content_hash
    assert parse("Merz traf Macron in München.").content_hash != article.content_hash


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
    assert rejected["undecodable.txt"].startswith("undecodable")
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


# --- encodings -----------------------------------------------------------------------

GERMAN = "Außenminister Wadephul traf Rubio in München – „ein gutes Gespräch“, sagte er."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (GERMAN.encode("utf-8"), "UTF-8"),
        (codecs.BOM_UTF8 + GERMAN.encode("utf-8"), "UTF-8"),
        (GERMAN.encode("utf-16"), "UTF-16"),
        (codecs.BOM_UTF16_BE + GERMAN.encode("utf-16-be"), "UTF-16"),
        (GERMAN.encode("utf-32"), "UTF-32"),
        (GERMAN.encode("cp1252"), "Windows-1252"),
        ("Außenminister Wadephul in München".encode("latin-1"), "Windows-1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-32-bom", "cp1252", "latin-1"],
)
def test_other_encodings_are_decoded(data, encoding):
    text, found = decode_text(data)
    assert found == encoding
    assert text.startswith("Außenminister Wadephul")
    assert "\ufeff" not in text
    article = parse(data)
    assert article.text.startswith("Außenminister Wadephul")
    assert article.encoding == encoding


def test_utf16_without_bom_is_rejected_with_a_hint():
    with pytest.raises(ArticleError, match="UTF-16 without a byte-order mark"):
        parse(GERMAN.encode("utf-16-le"))


def test_text_is_normalized_to_nfc_and_newlines():
    decomposed = "date 2025-03-14\r\nMerz traf Macron in Mu\u0308nchen.\r\nDann reiste er ab."
    article = parse(decomposed)
    assert article.text == "Merz traf Macron in München.\nDann reiste er ab."


# --- JSONL ---------------------------------------------------------------------------


def jsonl(*lines: object) -> bytes:
    return "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines).encode()


def test_jsonl_lines_become_articles_with_url_title_and_date():
    articles, rejections = parse_jsonl((FIXTURES / "feed.jsonl").read_bytes(), "/inbox/feed.jsonl")
    assert rejections == []
    by_id = {a.doc_id: a for a in articles}
    assert list(by_id) == ["feed-wadephul-sybiha", "feed-merz-rubio", "feed-ohne-datum"]
    first = by_id["feed-wadephul-sybiha"]
    assert first.title == "Wadephul telefoniert mit Sybiha"
    assert first.source_url == "https://nachrichten.example.org/politik/wadephul-sybiha"
    # A timestamp's date as written (local time of the publisher).
    assert (first.published_date, first.published_date_precision) == (date(2025, 5, 20), "day")
    assert first.source_path == "/inbox/feed.jsonl:1"
    assert (by_id["feed-merz-rubio"].published_date, by_id["feed-merz-rubio"].published_date_precision) == (
        date(2025, 6, 1),
        "month",
    )
    assert by_id["feed-ohne-datum"].published is None
    assert by_id["feed-ohne-datum"].title is None


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"id": "x", "text": "Merz traf', "invalid JSON"),
        ('["x", "Merz traf Macron."]', "expected a JSON object, got list"),
        ({"text": "Merz traf Macron."}, "missing 'id'"),
        ({"id": "", "text": "Merz traf Macron."}, "unusable 'id'"),
        ({"id": "x"}, "missing 'text'"),
        ({"id": "x", "text": "   "}, "'text' is empty"),
        ({"id": "x", "text": "Merz.", "published": "2025-02-30"}, "malformed published date '2025-02-30'"),
        ({"id": "x", "text": "Merz.", "published": "gestern"}, "malformed published date 'gestern'"),
        ({"id": "x", "text": "Merz.", "published": 20250214}, "malformed published date 20250214"),
        ({"id": "x", "text": "Merz.", "title": ["a"]}, "'title' must be a string"),
    ],
)
def test_a_broken_jsonl_line_is_rejected_and_the_others_are_read(line, reason):
    data = jsonl(
        {"id": "gut-1", "text": "Merz traf Macron."}, line, {"id": "gut-2", "text": "Rubio traf Sybiha."}
    )
    articles, rejections = parse_jsonl(data, "/inbox/feed.jsonl")
    assert [a.doc_id for a in articles] == ["gut-1", "gut-2"]
    assert len(rejections) == 1
    assert rejections[0].source_path == "/inbox/feed.jsonl:2"
    assert rejections[0].reason.startswith("line 2: ")
    assert reason in rejections[0].reason


def test_jsonl_line_with_invalid_utf8_costs_only_that_line():
    data = b'{"id": "a", "text": "M\xc3\xbcnchen"}\n{"id": "b", "text": "M\xfcnchen"}\n\n'
    articles, rejections = parse_jsonl(data, "/inbox/f.jsonl")
    assert [(a.doc_id, a.text) for a in articles] == [("a", "München")]
    assert [(r.source_path, r.reason) for r in rejections] == [
        ("/inbox/f.jsonl:2", "line 2: not valid UTF-8 at byte 22")
    ]


@pytest.mark.parametrize(("data", "reason"), [(b"\n\n", "empty file"), (b"\x00\x01{}\n", "binary content")])
def test_an_unusable_jsonl_file_is_rejected_whole(data, reason):
    with pytest.raises(ArticleError, match=reason):
        parse_jsonl(data, "/inbox/f.jsonl")


# --- HTML ----------------------------------------------------------------------------


def test_html_page_gives_main_text_title_url_and_date():
    article = parse_html("merz-macron-paris", (FIXTURES / "merz-macron-paris.html").read_bytes(), "p.html")
    assert article.title == "Merz und Macron beraten in Paris"
    assert article.source_url == "https://nachrichten.example.org/politik/merz-macron-paris"
    assert (article.published_date, article.published_date_precision) == (date(2025, 5, 7), "day")
    assert "Bundeskanzler Friedrich Merz traf am Mittwoch in Paris" in article.text
    # Navigation, cookie banner, teasers and footer are not article text.
    for boilerplate in ("Startseite", "Cookies", "Mehr zum Thema", "Impressum"):
        assert boilerplate not in article.text


def test_html_page_without_article_is_rejected():
    with pytest.raises(ArticleError, match="no article found in the HTML page"):
        parse_html("ressort", (FIXTURES / "ressort-politik.html").read_bytes(), "r.html")


def test_html_in_latin1_is_decoded():
    page = (FIXTURES / "merz-macron-paris.html").read_text(encoding="utf-8").replace("utf-8", "iso-8859-1")
    article = parse_html("p", page.encode("cp1252"), "p.html")
    assert "französischen Präsidenten" in article.text
    assert article.encoding == "Windows-1252"


# --- the inbox: duplicates, sizes, symlinks, files that move -------------------------


def test_same_article_under_two_names_is_loaded_once(tmp_path: Path):
    (tmp_path / "a-bericht.txt").write_text("date 2025-03-14\nMerz traf Macron.", encoding="utf-8")
    (tmp_path / "b-kopie.txt").write_bytes("date 2025-03-14\r\nMerz traf Macron.".encode("utf-16"))
    (tmp_path / "c-feed.jsonl").write_bytes(
        jsonl({"id": "c1", "text": "Merz traf Macron.", "published": "2025-03-14"})
    )
    scan = read_inbox(tmp_path)
    assert [a.doc_id for a in scan.articles] == ["a-bericht"]
    reasons = {r.doc_id: r.reason for r in scan.rejections}
    assert reasons == {
        "b-kopie": f"duplicate: same article as a-bericht ({tmp_path / 'a-bericht.txt'})",
        "c1": f"duplicate: same article as a-bericht ({tmp_path / 'a-bericht.txt'})",
    }


def test_article_already_stored_under_another_name_is_a_duplicate(tmp_path: Path):
    (tmp_path / "neu.txt").write_text("Merz traf Macron.", encoding="utf-8")
    (tmp_path / "anders.txt").write_text("Rubio traf Sybiha.", encoding="utf-8")
    digest = {a.doc_id: a.content_hash for a in read_inbox(tmp_path).articles}
    # Stored under a doc_id whose file is gone: a duplicate.
    scan = read_inbox(tmp_path, stored={"alt": (digest["neu"], "/frueher/alt.txt")})
    assert [a.doc_id for a in scan.articles] == ["anders"]
    assert [(r.doc_id, r.reason) for r in scan.rejections] == [
        ("neu", "duplicate: same article as alt, loaded earlier")
    ]
    # Its own stored version is no duplicate; nor is the content of a stored article that
    # is being reloaded with other content now.
    assert len(read_inbox(tmp_path, stored={"neu": (digest["neu"], str(tmp_path / "neu.txt"))}).articles) == 2
    assert (
        len(read_inbox(tmp_path, stored={"anders": (digest["neu"], str(tmp_path / "anders.txt"))}).articles)
        == 2
    )


def test_a_new_copy_never_displaces_the_stored_article(tmp_path: Path):
    (tmp_path / "z-original.txt").write_text("Merz traf Macron.", encoding="utf-8")
    (tmp_path / "a-kopie.txt").write_text("Merz traf Macron.", encoding="utf-8")
    digest = read_inbox(tmp_path).articles[0].content_hash
    stored = {"z-original": (digest, str(tmp_path / "z-original.txt"))}
    scan = read_inbox(tmp_path, stored=stored)
    # Without the warehouse the first name wins; with it, the stored article does.
    assert [a.doc_id for a in scan.articles] == ["z-original"]
    assert scan.rejections[0].doc_id == "a-kopie"
    assert scan.rejections[0].reason.startswith("duplicate: same article as z-original")


def test_a_new_file_with_a_stored_doc_id_does_not_replace_it(tmp_path: Path):
    (tmp_path / "bericht.txt").write_text("Merz traf Macron.", encoding="utf-8")
    (tmp_path / "bericht.html").write_bytes((FIXTURES / "merz-macron-paris.html").read_bytes())
    first = read_inbox(tmp_path)
    assert [a.source_path for a in first.articles] == [str(tmp_path / "bericht.html")]
    txt = scan_files([tmp_path / "bericht.txt"]).articles[0]
    stored = {"bericht": (txt.content_hash, txt.source_path)}
    scan = read_inbox(tmp_path, stored=stored)
    assert [a.source_path for a in scan.articles] == [str(tmp_path / "bericht.txt")]
    assert [(Path(r.source_path).name, r.reason) for r in scan.rejections] == [
        ("bericht.html", f"duplicate doc_id: already read from {tmp_path / 'bericht.txt'}")
    ]


def test_file_over_the_size_limit_is_rejected_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "gross.txt").write_text("Merz traf Macron. " * 1000, encoding="utf-8")
    (tmp_path / "klein.txt").write_text("Merz traf Macron.", encoding="utf-8")
    scan = read_inbox(tmp_path, max_bytes=1000)
    assert [a.doc_id for a in scan.articles] == ["klein"]
    assert scan.rejections[0].reason == "file too large: 0.0 MB, the limit is 0.0 MB (CONTACTS_MAX_FILE_MB)"
    monkeypatch.setenv("CONTACTS_MAX_FILE_MB", "0.01")
    assert max_file_bytes() == 10485
    assert [a.doc_id for a in read_inbox(tmp_path).articles] == ["klein"]
    monkeypatch.setenv("CONTACTS_MAX_FILE_MB", "viel")
    with pytest.raises(ValueError, match="CONTACTS_MAX_FILE_MB must be a number"):
        read_inbox(tmp_path)


def test_symlinks_out_of_the_inbox_are_rejected(tmp_path: Path):
    inbox, outside = tmp_path / "inbox", tmp_path / "geheim"
    inbox.mkdir()
    outside.mkdir()
    (outside / "passwort.txt").write_text("Merz traf Macron.", encoding="utf-8")
    (inbox / "echt.txt").write_text("Rubio traf Sybiha.", encoding="utf-8")
    os.symlink(outside / "passwort.txt", inbox / "link.txt")
    os.symlink(inbox / "echt.txt", inbox / "zweitname.txt")
    os.symlink(tmp_path / "fehlt.txt", inbox / "kaputt.txt")
    scan = read_inbox(inbox)
    assert [a.doc_id for a in scan.articles] == ["echt"]
    reasons = {r.doc_id: r.reason for r in scan.rejections}
    assert reasons["link"].startswith(f"symlink to {outside / 'passwort.txt'}, outside the inbox")
    assert reasons["kaputt"].startswith("broken symlink")
    # A link inside the inbox is read, and is then the same article as its target.
    assert reasons["zweitname"].startswith("duplicate: same article as echt")


def test_files_that_vanish_or_change_while_read_are_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from transforms import articles

    for name in ("bleibt.txt", "verschwindet.txt", "waechst.txt"):
        (tmp_path / name).write_text(f"Merz traf Macron ({name}).", encoding="utf-8")
    real_read = articles._read_bytes

    def racing_read(path: Path) -> bytes:
        if path.name == "verschwindet.txt":
            path.unlink()
        if path.name == "waechst.txt":
            data = real_read(path)
            with path.open("ab") as handle:
                handle.write(b" Und noch ein Satz.")
            return data
        return real_read(path)

    monkeypatch.setattr(articles, "_read_bytes", racing_read)
    scan = read_inbox(tmp_path)
    assert [a.doc_id for a in scan.articles] == ["bleibt"]
    reasons = {r.doc_id: r.reason for r in scan.rejections}
    assert reasons["verschwindet"] == "file disappeared while the inbox was read"
    assert reasons["waechst"].startswith("file changed while it was read")


def test_dot_files_directories_and_other_suffixes_are_ignored(tmp_path: Path):
    (tmp_path / ".entwurf.txt").write_text("Merz traf Macron.", encoding="utf-8")
    (tmp_path / "ordner.txt").mkdir()
    (tmp_path / "bild.png").write_bytes(b"\x89PNG")
    (tmp_path / "artikel.TXT").write_text("Rubio traf Sybiha.", encoding="utf-8")
    scan = read_inbox(tmp_path)
    assert [a.doc_id for a in scan.articles] == ["artikel"]
    assert scan.rejections == []


def test_inbox_fingerprint_follows_names_sizes_and_times(tmp_path: Path):
    (tmp_path / "a.txt").write_text("Merz traf Macron.", encoding="utf-8")
    first = inbox_fingerprint(tmp_path)
    assert inbox_fingerprint(tmp_path) == first
    (tmp_path / "notiz.md").write_text("kein Artikel", encoding="utf-8")
    assert inbox_fingerprint(tmp_path) == first
    (tmp_path / "a.txt").write_text("Merz traf Macron in Paris.", encoding="utf-8")
    second = inbox_fingerprint(tmp_path)
    assert second != first
    (tmp_path / "b.jsonl").write_text("{}", encoding="utf-8")
    assert inbox_fingerprint(tmp_path) != second
    os.utime(tmp_path / "a.txt", ns=(0, 0))
    assert inbox_fingerprint(tmp_path) not in (first, second)
