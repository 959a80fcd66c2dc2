"""JSONL feeds: one article per line, ``{"id", "url", "title", "published", "text"}``.

``id`` and ``text`` are required; ``url``, ``title`` and ``published`` may be missing or
null. ``published`` is ``YYYY-MM-DD``, ``YYYY-MM`` or an ISO timestamp, whose date is
taken as written (the publisher's local date). Other keys are ignored.

Each line stands alone: a broken line (invalid JSON or UTF-8, missing fields, a malformed
date) is rejected with its line number and the other lines are read. The article's
``source_path`` is ``<file>:<line>``.
"""

from __future__ import annotations

import codecs
import json
from datetime import datetime
from pathlib import Path

from transforms.articles import (
    Article,
    ArticleError,
    Rejection,
    content_hash,
    decode_text,
    make_article,
    normalize_text,
)
from transforms.temporal import PublicationDate, parse_publication_marker

MAX_DOC_ID_LENGTH = 200


def parse_published(value: object) -> PublicationDate | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ArticleError(f"malformed published date {value!r}: expected a string")
    text = value.strip()
    if "T" in text or " " in text or len(text) > 10:
        try:
            return PublicationDate(datetime.fromisoformat(text.replace("Z", "+00:00")).date(), "day")
        except ValueError as exc:
            raise ArticleError(f"malformed published date {value!r}: {exc}") from None
    try:
        return parse_publication_marker(text)
    except ValueError as exc:
        raise ArticleError(f"malformed published date {value!r}: {exc}") from None


def _optional_string(record: dict, key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ArticleError(f"{key!r} must be a string, got {type(value).__name__}")
    return normalize_text(value).strip() or None


def _doc_id(record: dict) -> str:
    value = record.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ArticleError(
            "missing 'id' (a string)" if value is None else f"'id' must be a string: {value!r}"
        )
    doc_id = str(value).strip()
    if not doc_id or len(doc_id) > MAX_DOC_ID_LENGTH or any(c in doc_id for c in "\n\r\t"):
        raise ArticleError(f"unusable 'id' {value!r}: 1-{MAX_DOC_ID_LENGTH} characters, no line breaks")
    return doc_id


def parse_record(line: str, source_path: str) -> Article:
    """One JSONL line as an article; raises ArticleError with the reason."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ArticleError(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(record, dict):
        raise ArticleError(f"expected a JSON object, got {type(record).__name__}")
    doc_id = _doc_id(record)
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ArticleError("missing 'text'" if text is None else "'text' is empty or not a string")
    return make_article(
        doc_id,
        normalize_text(text),
        parse_published(record.get("published")),
        source_path,
        title=_optional_string(record, "title"),
        source_url=_optional_string(record, "url"),
        encoding="UTF-8",
    )


def _lines(data: bytes) -> list[tuple[int, bytes | str]]:
    # JSON is UTF-8; each line is decoded on its own so one bad byte costs one line. A file
    # with a UTF-16/32 byte-order mark is decoded whole. Split on "\n" only: U+2028 and
    # friends may occur raw inside JSON strings and are not line ends.
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, _ = decode_text(data)
        return list(enumerate(text.split("\n"), start=1))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    return list(enumerate(data.split(b"\n"), start=1))


def parse_jsonl(data: bytes, source_path: str) -> tuple[list[Article], list[Rejection]]:
    """The articles of a JSONL file and the rejected lines; ArticleError if nothing is there."""
    if not data.strip():
        raise ArticleError("empty file")
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Not a feed at all (and JSON text never holds a raw NUL): one rejection, not one per line.
        decode_text(data)
    stem = Path(source_path).stem
    articles: list[Article] = []
    rejections: list[Rejection] = []
    for number, raw in _lines(data):
        raw_bytes = raw.encode("utf-8") if isinstance(raw, str) else raw
        if not raw_bytes.strip():
            continue
        where = f"{source_path}:{number}"
        try:
            line = raw if isinstance(raw, str) else raw.decode("utf-8")
            articles.append(parse_record(line, where))
        except UnicodeDecodeError as exc:
            reason = f"line {number}: not valid UTF-8 at byte {exc.start}"
            rejections.append(Rejection(where, f"{stem}:{number}", reason, content_hash(raw_bytes)))
        except ArticleError as exc:
            rejections.append(
                Rejection(
                    where, _id_for(line, stem, number), f"line {number}: {exc}", content_hash(raw_bytes)
                )
            )
    return articles, rejections


def _id_for(line: str, stem: str, number: int) -> str:
    """The line's id if it has a usable one, for the rejection record; else file:line."""
    try:
        record = json.loads(line)
        return _doc_id(record) if isinstance(record, dict) else f"{stem}:{number}"
    except (json.JSONDecodeError, ArticleError):
        return f"{stem}:{number}"
