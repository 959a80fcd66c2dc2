"""Reading articles from the inbox folder.

An article is a UTF-8 text file. It may open with a publication-date marker,
``date YYYY-MM`` or ``date YYYY-MM-DD``, on a line of its own or inline before the
first sentence. The marker is removed from the stored text, so every character
offset the extractor reports refers to ``Article.text``.

Files that cannot be read as articles are returned as ``Rejection`` records with a
plain reason instead of raising: one bad file must not stop a run.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from transforms.temporal import PublicationDate, parse_publication_marker

ARTICLE_SUFFIXES = (".txt",)

# The marker may be preceded by whitespace (some exports start with a blank) and be
# followed either by a newline or, inline, by the first sentence.
_MARKER = re.compile(r"\A\s*date[ \t]+(\S+)[ \t]*(?:\r?\n)?[ \t]*")
# Anything date-like after "date" is meant as a marker: a malformed one ("date 2025",
# "date 2025-13") is rejected with its reason rather than read as text.
_LOOKS_LIKE_DATE = re.compile(r"\d{4}(?:-\d{1,2}){0,2}\Z")


class ArticleError(ValueError):
    """An input file that cannot be read as an article; the message is the reason."""


@dataclass(frozen=True, slots=True)
class Article:
    doc_id: str
    text: str
    published: PublicationDate | None
    content_hash: str
    source_path: str
    title: str | None = None
    source_url: str | None = None

    @property
    def published_date(self) -> date | None:
        return self.published.value if self.published else None

    @property
    def published_date_precision(self) -> str | None:
        return self.published.precision if self.published else None


@dataclass(frozen=True, slots=True)
class Rejection:
    source_path: str
    doc_id: str
    reason: str
    content_hash: str | None


@dataclass(frozen=True, slots=True)
class InboxScan:
    articles: list[Article]
    rejections: list[Rejection]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def split_date_marker(raw_text: str) -> tuple[PublicationDate | None, str]:
    """Return the publication date (if the text opens with a marker) and the body text."""
    match = _MARKER.match(raw_text)
    if not match:
        return None, raw_text.strip("\ufeff")
    value = match.group(1)
    if not _LOOKS_LIKE_DATE.match(value):
        # "date" as the first word of an ordinary sentence is not a marker.
        return None, raw_text
    try:
        published = parse_publication_marker(value)
    except ValueError as exc:
        raise ArticleError(f"malformed date marker {value!r}: {exc}") from exc
    return published, raw_text[match.end() :]


def parse_article(doc_id: str, data: bytes, source_path: str) -> Article:
    """Build an article from a file's bytes; raises ArticleError with the reason."""
    if not data.strip():
        raise ArticleError("empty file")
    if b"\x00" in data:
        raise ArticleError("binary content (NUL bytes), not a text article")
    try:
        raw_text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"not valid UTF-8 at byte {exc.start}") from exc
    published, body = split_date_marker(raw_text)
    if not body.strip():
        raise ArticleError("no text after the date marker")
    return Article(
        doc_id=doc_id,
        text=body,
        published=published,
        content_hash=content_hash(data),
        source_path=source_path,
    )


def read_article(path: Path) -> Article:
    return parse_article(path.stem, path.read_bytes(), str(path))


def article_paths(folder: Path) -> list[Path]:
    """Article files directly in ``folder``, sorted by name so runs are deterministic."""
    if not folder.is_dir():
        raise FileNotFoundError(f"inbox folder does not exist: {folder}")
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given plus the article files of any folder, in a stable order."""
    files: list[Path] = []
    for path in paths:
        files.extend(article_paths(path) if path.is_dir() else [path])
    return files


def scan_files(paths: Iterable[Path]) -> InboxScan:
    articles: list[Article] = []
    rejections: list[Rejection] = []
    seen: dict[str, str] = {}
    for path in paths:
        doc_id = path.stem
        try:
            data = path.read_bytes()
        except OSError as exc:
            rejections.append(Rejection(str(path), doc_id, f"unreadable: {exc.strerror or exc}", None))
            continue
        if doc_id in seen:
            rejections.append(
                Rejection(str(path), doc_id, f"duplicate doc_id: already read from {seen[doc_id]}", None)
            )
            continue
        try:
            article = parse_article(doc_id, data, str(path))
        except ArticleError as exc:
            rejections.append(Rejection(str(path), doc_id, str(exc), content_hash(data)))
            continue
        seen[doc_id] = str(path)
        articles.append(article)
    return InboxScan(articles, rejections)


def read_inbox(folder: Path) -> InboxScan:
    """Read every article of the inbox folder; unreadable files become rejections."""
    return scan_files(article_paths(folder))
