"""Reading articles from the inbox folder.

Three input formats, told apart by the file suffix:

- ``.txt``: one article per file, ``doc_id`` = file name without suffix. It may open with a
  publication-date marker, ``date YYYY-MM`` or ``date YYYY-MM-DD``, on a line of its own or
  inline before the first sentence; the marker is removed from the stored text.
- ``.jsonl``: one article per line, ``{"id", "url", "title", "published", "text"}``
  (``transforms.formats.jsonl``); a broken line is rejected, the other lines are read.
- ``.html`` / ``.htm``: a saved web page; main text, title, URL and publication date come
  from trafilatura (``transforms.formats.html``).

Text is decoded from UTF-8, UTF-16/32 with a byte-order mark, or Windows-1252/Latin-1, then
normalized (NFC, ``\\n`` line ends), so every character offset the extractor reports refers
to ``Article.text`` as stored.

Whatever cannot be read becomes a ``Rejection`` with a plain reason instead of raising: one
bad file (or line) must not stop a run. That includes empty and binary files, undecodable
bytes, files over the size limit, malformed dates, pages without an article, files that
vanish or change while they are read, symlinks leading out of the inbox, and the same
article under a second name (same ``content_hash``).
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import stat as stat_module
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from transforms.temporal import PublicationDate, parse_publication_marker

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl",)
HTML_SUFFIXES = (".html", ".htm")
ARTICLE_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + HTML_SUFFIXES

# Larger inputs are rejected unread: a scraper gone wrong (a video saved as .html, a log
# appended to forever) must not exhaust memory. Split big JSONL feeds into several files.
DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024

# The marker may be preceded by whitespace (some exports start with a blank) and be
# followed either by a newline or, inline, by the first sentence.
_MARKER = re.compile(r"\A\s*date[ \t]+(\S+)[ \t]*(?:\n)?[ \t]*")
# Anything date-like after "date" is meant as a marker: a malformed one ("date 2025",
# "date 2025-13") is rejected with its reason rather than read as text.
_LOOKS_LIKE_DATE = re.compile(r"\d{4}(?:-\d{1,2}){0,2}\Z")
# Control characters other than tab, line feed, vertical tab, form feed and carriage return
# do not occur in text: their presence means the bytes were not text to begin with.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# UTF-32 before UTF-16: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


class ArticleError(ValueError):
    """An input that cannot be read as an article; the message is the reason."""


@dataclass(frozen=True, slots=True)
class Article:
    doc_id: str
    text: str
    published: PublicationDate | None
    content_hash: str
    source_path: str
    title: str | None = None
    source_url: str | None = None
    # How the bytes were decoded; informational, not stored in the warehouse.
    encoding: str | None = field(default=None, compare=False)

    @property
    def published_date(self) -> date | None:
        return self.published.value if self.published else None

    @property
    def published_date_precision(self) -> str | None:
        return self.published.precision if self.published else None


@dataclass(frozen=True, slots=True)
class Rejection:
    source_path: str  # the file, or "file:line" for a line of a JSONL file
    doc_id: str
    reason: str
    content_hash: str | None  # of the rejected bytes, so an unchanged rejection is recognised


@dataclass(frozen=True, slots=True)
class InboxScan:
    articles: list[Article]
    rejections: list[Rejection]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def article_hash(
    text: str, published: PublicationDate | None, title: str | None = None, source_url: str | None = None
) -> str:
    """Hash of what is stored about an article, independent of its file format and encoding.

    The same article saved twice (as UTF-8 and UTF-16, or as a .txt and a JSONL line) gets
    the same hash and is loaded once; any change to text, date, title or URL changes it, so
    the changed article replaces its old version and is extracted again.
    """
    payload = [
        text,
        published.value.isoformat() if published else None,
        published.precision if published else None,
        title,
        source_url,
    ]
    return content_hash(json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def make_article(
    doc_id: str,
    text: str,
    published: PublicationDate | None,
    source_path: str,
    *,
    title: str | None = None,
    source_url: str | None = None,
    encoding: str | None = None,
) -> Article:
    return Article(
        doc_id=doc_id,
        text=text,
        published=published,
        content_hash=article_hash(text, published, title, source_url),
        source_path=source_path,
        title=title,
        source_url=source_url,
        encoding=encoding,
    )


# --- decoding ------------------------------------------------------------------------


def _looks_like_utf16_without_bom(data: bytes) -> bool:
    sample = data[:4096]
    if len(sample) < 64:
        return False
    half = max(len(sample) // 2, 1)
    return sample[0::2].count(0) > 0.4 * half or sample[1::2].count(0) > 0.4 * half


def _no_control_characters(text: str) -> str:
    match = _CONTROL.search(text)
    if match:
        raise ArticleError(
            f"binary content (control character U+{ord(match.group()):04X}), not a text article"
        )
    return text


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode article bytes; returns ``(text, encoding)`` or raises ArticleError.

    A byte-order mark decides the encoding. Without one the bytes are UTF-8 if they decode
    as UTF-8, else Windows-1252 (a superset of Latin-1 for printable text, what German
    Windows tools save) if they decode as that; anything else is rejected as undecodable.
    """
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise ArticleError(
                    f"undecodable: starts with a {label} byte-order mark but is not valid {label} "
                    f"at byte {exc.start + len(bom)}"
                ) from exc
            return _no_control_characters(text), label
    if b"\x00" in data:
        hint = "; UTF-16 without a byte-order mark?" if _looks_like_utf16_without_bom(data) else ""
        raise ArticleError(f"binary content (NUL bytes{hint}), not a text article")
    try:
        return _no_control_characters(data.decode("utf-8")), "UTF-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            f"undecodable: not UTF-8 (byte 0x{data[utf8_error.start]:02X} at {utf8_error.start}) "
            f"and not Windows-1252/Latin-1 (byte 0x{data[exc.start]:02X} at {exc.start})"
        ) from exc
    return _no_control_characters(text), "Windows-1252"


def normalize_text(text: str) -> str:
    """NFC (precomposed umlauts, as the knowledge base spells them) and ``\\n`` line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return unicodedata.normalize("NFC", text)


# --- .txt ----------------------------------------------------------------------------


def split_date_marker(raw_text: str) -> tuple[PublicationDate | None, str]:
    """Return the publication date (if the text opens with a marker) and the body text."""
    match = _MARKER.match(raw_text)
    if not match:
        return None, raw_text
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
    """Build an article from a .txt file's bytes; raises ArticleError with the reason."""
    if not data.strip():
        raise ArticleError("empty file")
    raw_text, encoding = decode_text(data)
    raw_text = normalize_text(raw_text)
    if not raw_text.strip():
        raise ArticleError("empty file")
    published, body = split_date_marker(raw_text)
    if not body.strip():
        raise ArticleError("no text after the date marker")
    return make_article(doc_id, body, published, source_path, encoding=encoding)


def read_article(path: Path) -> Article:
    return parse_article(path.stem, path.read_bytes(), str(path))


# --- the inbox -----------------------------------------------------------------------


def is_article_file(path: Path) -> bool:
    # Dot files are editor backups, lock files and downloads in progress, never articles.
    return not path.name.startswith(".") and path.suffix.lower() in ARTICLE_SUFFIXES


def article_paths(folder: Path) -> list[Path]:
    """Article files directly in ``folder``, sorted by name so runs are deterministic.

    Symlinks are listed even when broken or leading elsewhere: reading rejects those with
    the reason, instead of dropping them silently.
    """
    if not folder.is_dir():
        raise FileNotFoundError(f"inbox folder does not exist: {folder}")
    return sorted(p for p in folder.iterdir() if is_article_file(p) and (p.is_symlink() or p.is_file()))


def inbox_fingerprint(folder: Path) -> str:
    """Fingerprint of the inbox listing (names, sizes, modification times), not the contents.

    Cheap enough to compute every few seconds: the sensor compares it with the last one to
    notice new, changed and removed files.
    """
    digest = hashlib.sha256()
    for path, info in listing(folder):
        if info is None:  # a symlink: its target's size and time
            try:
                stat = os.stat(path)
                info = (stat.st_size, stat.st_mtime_ns)
            except OSError:
                pass  # broken or gone meanwhile: its name still counts
        name = os.path.basename(path)
        entry = f"{name}\0{info[0]}\0{info[1]}\n" if info is not None else f"{name}\0-\0-\n"
        digest.update(entry.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def listing(folder: Path) -> list[tuple[str, tuple[int, int] | None]]:
    """``article_paths(folder)`` as ``(str(path), (size, mtime_ns))``, in the same order.

    One ``scandir`` and one ``lstat`` per file instead of pathlib's (sorting 100k ``Path``
    objects and three stats per file took 5 CPU seconds). The stat is None for symlinks,
    which are read (and checked) every time.
    """
    if not folder.is_dir():
        raise FileNotFoundError(f"inbox folder does not exist: {folder}")
    found: list[tuple[str, tuple[int, int] | None]] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith(".") or os.path.splitext(name)[1].lower() not in ARTICLE_SUFFIXES:
                continue
            if entry.is_symlink():
                found.append((name, None))
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue  # gone meanwhile
            if stat_module.S_ISREG(info.st_mode):
                found.append((name, (info.st_size, info.st_mtime_ns)))
    found.sort()
    # os.path.join, not pathlib: the same string as str(folder / name), 10x cheaper.
    base = str(folder)
    return [(os.path.join(base, name), info) for name, info in found]


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given plus the article files of any folder, in a stable order."""
    files: list[Path] = []
    for path in paths:
        files.extend(article_paths(path) if path.is_dir() else [path])
    return files


def _read_bytes(path: Path) -> bytes:
    return path.read_bytes()


def _size(num_bytes: float) -> str:
    return f"{num_bytes / 1024 / 1024:.1f} MB"


def read_input(path: Path, root: Path | None, max_bytes: int) -> bytes:
    """The bytes of one input file, or ArticleError when it must not or cannot be read."""
    if root is not None and path.is_symlink():
        target = path.resolve()
        if not target.exists():
            raise ArticleError(f"broken symlink to {target}")
        if not target.is_relative_to(root.resolve()):
            raise ArticleError(f"symlink to {target}, outside the inbox; copy the file into the inbox")
    try:
        before = path.stat()
        if before.st_size > max_bytes:
            raise ArticleError(
                f"file too large: {_size(before.st_size)}, the limit is {_size(max_bytes)} "
                "(CONTACTS_MAX_FILE_MB)"
            )
        data = _read_bytes(path)
        after = path.stat()
    except FileNotFoundError as exc:
        raise ArticleError("file disappeared while the inbox was read") from exc
    except OSError as exc:
        raise ArticleError(f"unreadable: {exc.strerror or exc}") from exc
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(
        data
    ) != after.st_size:
        raise ArticleError("file changed while it was read (still being written?); it is read again next run")
    return data


def parse_file(path: Path, data: bytes) -> tuple[list[Article], list[Rejection]]:
    """Articles and rejected parts of one file, by suffix; ArticleError rejects the whole file."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        from transforms.formats import jsonl

        return jsonl.parse_jsonl(data, str(path))
    if suffix in HTML_SUFFIXES:
        # Imported on demand: trafilatura (lxml, dateparser) is slow to import.
        from transforms.formats import html

        return [html.parse_html(path.stem, data, str(path))], []
    return [parse_article(path.stem, data, str(path))], []


def _deduplicate(
    parsed: list[Article], stored: Mapping[str, tuple[str, str]]
) -> tuple[list[Article], list[Rejection]]:
    """One article per doc_id and per content hash, preferring what the warehouse holds.

    Several files with one doc_id: the file the stored article came from wins, else the
    first. Several articles with one content: the one stored under its doc_id wins, else
    the first; when the content is stored under a doc_id that is not read now (its file
    left the inbox), all are duplicates. So a new copy never displaces or doubles a
    stored article, and the outcome does not depend on file names alone.
    """
    rejections: list[Rejection] = []
    by_id: dict[str, list[Article]] = {}
    for article in parsed:
        by_id.setdefault(article.doc_id, []).append(article)
    winners: list[Article] = []
    for article in parsed:
        group = by_id[article.doc_id]
        first = next((a for a in group if stored.get(a.doc_id, ("", ""))[1] == a.source_path), group[0])
        if article is first:
            winners.append(article)
        else:
            reason = f"duplicate doc_id: already read from {first.source_path}"
            rejections.append(Rejection(article.source_path, article.doc_id, reason, None))

    read_ids = {a.doc_id for a in winners}
    stored_owner = {digest: doc_id for doc_id, (digest, _) in sorted(stored.items(), reverse=True)}
    by_hash: dict[str, list[Article]] = {}
    for article in winners:
        by_hash.setdefault(article.content_hash, []).append(article)
    articles: list[Article] = []
    for article in winners:
        group = by_hash[article.content_hash]
        owner = stored_owner.get(article.content_hash)
        first = next((a for a in group if a.doc_id == owner), group[0])
        if owner is not None and owner not in read_ids:
            reason = f"duplicate: same article as {owner}, loaded earlier"
        elif article is first:
            articles.append(article)
            continue
        else:
            reason = f"duplicate: same article as {first.doc_id} ({first.source_path})"
        rejections.append(Rejection(article.source_path, article.doc_id, reason, None))
    return articles, rejections


def scan_files(
    paths: Iterable[Path],
    root: Path | None = None,
    max_bytes: int | None = None,
    stored: Mapping[str, tuple[str, str]] | None = None,
) -> InboxScan:
    """Read the files in order into articles and rejections.

    ``root`` (the inbox) confines symlinks; ``max_bytes`` defaults to $CONTACTS_MAX_FILE_MB
    (see ``max_file_bytes``), read now; ``stored`` maps the doc_ids in the warehouse to
    their (content_hash, source_path) for the duplicate rules of ``_deduplicate``.
    """
    limit = max_file_bytes() if max_bytes is None else max_bytes
    parsed: list[Article] = []
    rejections: list[Rejection] = []
    for path in paths:
        try:
            data = read_input(path, root, limit)
        except ArticleError as exc:
            rejections.append(Rejection(str(path), path.stem, str(exc), None))
            continue
        try:
            found, rejected = parse_file(path, data)
        except ArticleError as exc:
            rejections.append(Rejection(str(path), path.stem, str(exc), content_hash(data)))
            continue
        parsed.extend(found)
        rejections.extend(rejected)
    articles, duplicates = _deduplicate(parsed, stored or {})
    return InboxScan(articles, rejections + duplicates)


def read_inbox(
    folder: Path, max_bytes: int | None = None, stored: Mapping[str, tuple[str, str]] | None = None
) -> InboxScan:
    """Read every article of the inbox folder; unreadable inputs become rejections."""
    return scan_files(article_paths(folder), root=folder, max_bytes=max_bytes, stored=stored)


def max_file_bytes(value: str | None = None) -> int:
    """The size limit in bytes from a CONTACTS_MAX_FILE_MB value (MB, may be fractional)."""
    value = os.environ.get("CONTACTS_MAX_FILE_MB", "") if value is None else value
    if not value.strip():
        return DEFAULT_MAX_FILE_BYTES
    try:
        megabytes = float(value)
    except ValueError:
        raise ValueError(f"CONTACTS_MAX_FILE_MB must be a number of megabytes, got {value!r}") from None
    if megabytes <= 0:
        raise ValueError(f"CONTACTS_MAX_FILE_MB must be positive, got {value!r}")
    return int(megabytes * 1024 * 1024)
