"""Reading only the inbox files that are new or changed since their last read.

``read_inbox`` (transforms/articles.py) reads and hashes every file on every run, which
grows with the inbox (9 s for 100k files). ``scan_inbox`` gives the same outcome but reads
only files whose size or modification time differ from what the bookkeeping
(``raw.inbox_files``, see ``transforms.warehouse``) noted at their last read; for the
others it reuses what they gave then. A file whose size and modification time (in
nanoseconds) are unchanged is trusted to have unchanged content; a rebuild or
CONTACTS_INBOX_RESCAN reads every file.

Kept apart from transforms/articles.py on purpose: that file is part of the extractor's
version (transforms/extract.py), and a change there re-extracts every article.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from transforms.articles import (
    Article,
    ArticleError,
    Rejection,
    _deduplicate,
    content_hash,
    listing,
    max_file_bytes,
    parse_file,
    read_input,
)

_PACKAGE = Path(__file__).resolve().parent


def reader_version() -> str:
    """Changes whenever the code that turns file bytes into articles changes.

    What a file gave when it was read (``FileOutcome``) is only reused under the same
    reader version: a fix to a decoder, the JSONL or HTML reader or the date markers makes
    the next run read every file again.
    """
    digest = hashlib.sha256()
    for path in (
        _PACKAGE / "articles.py",
        _PACKAGE / "inbox.py",
        _PACKAGE / "temporal.py",
        *sorted((_PACKAGE / "formats").glob("*.py")),
    ):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class KnownArticle(NamedTuple):
    """An article as the bookkeeping remembers it (no text): enough for the duplicate rules."""

    doc_id: str
    content_hash: str
    source_path: str
    encoding: str | None


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What reading one inbox file gave, before duplicates are sorted out.

    ``articles`` of an outcome taken from the bookkeeping (``read`` False) carry doc_id,
    content_hash, source_path and encoding only, no text. ``size`` and ``mtime_ns`` are
    the file's at the time it was read.
    """

    path: str
    size: int
    mtime_ns: int
    articles: tuple[Article | KnownArticle, ...]
    rejections: tuple[Rejection, ...]
    read: bool = True


@dataclass(frozen=True, slots=True)
class IncrementalScan:
    """The inbox as ``read_inbox`` sees it, with only new or changed files read.

    ``articles`` are those to upsert: read now and not refused as duplicates. ``unchanged``
    are the articles of files not read again (no text), which the duplicate rules kept and
    the warehouse holds as they are. ``rejections`` is the complete current set, as
    ``read_inbox`` gives it. ``outcomes`` are the files read successfully now (for the
    bookkeeping); ``unchanged_files`` are the files taken from the bookkeeping.
    """

    articles: list[Article]
    unchanged: list[Article | KnownArticle]
    rejections: list[Rejection]
    outcomes: list[FileOutcome]
    unchanged_files: list[str]


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def _read_file(path: Path, root: Path | None, limit: int) -> FileOutcome | Rejection:
    before = _stat(path)
    try:
        data = read_input(path, root, limit)
    except ArticleError as exc:
        return Rejection(str(path), path.stem, str(exc), None)
    try:
        found, rejected = parse_file(path, data)
    except ArticleError as exc:
        found, rejected = [], [Rejection(str(path), path.stem, str(exc), content_hash(data))]
    # read_input made sure the file did not change while it was read; the stat taken
    # before it is kept only if it still holds after (else -1: read again next run).
    size, mtime_ns = before if before is not None and before == _stat(path) else (-1, -1)
    return FileOutcome(str(path), size, mtime_ns, tuple(found), tuple(rejected))


def scan_inbox(
    folder: Path,
    known: Mapping[str, FileOutcome],
    max_bytes: int | None = None,
    stored: Mapping[str, tuple[str, str]] | None = None,
) -> IncrementalScan:
    """Read the inbox like ``read_inbox``, but only the files that are new or changed.

    ``known`` maps a file (``str(path)``) to what it gave when it was last read. A file
    whose size and modification time (nanoseconds) are still those is trusted and not read;
    its known articles and rejections take part in the duplicate rules exactly as if it
    had been read, so the outcome is the one of ``read_inbox``. A known article that now
    wins a duplicate contest without being stored as it is (its rival changed or left)
    needs its text: its file is read after all. Files that could not be read, symlinks and
    files over ``max_bytes`` are always read (or refused) again.
    """
    limit = max_file_bytes() if max_bytes is None else max_bytes
    stored = stored or {}
    outcomes: dict[str, FileOutcome | Rejection] = {}
    for key, now in listing(folder):
        previous = known.get(key)
        if (
            previous is not None
            and now is not None
            and now == (previous.size, previous.mtime_ns)
            and now[0] <= limit
        ):
            outcomes[key] = previous
        else:
            outcomes[key] = _read_file(Path(key), folder, limit)
    while True:
        parsed: list[Article] = []
        rejections: list[Rejection] = []
        from_bookkeeping: dict[int, str] = {}
        for key, outcome in outcomes.items():
            if isinstance(outcome, Rejection):
                rejections.append(outcome)
                continue
            parsed.extend(outcome.articles)
            rejections.extend(outcome.rejections)
            if not outcome.read:
                from_bookkeeping.update((id(a), key) for a in outcome.articles)
        winners, duplicates = _deduplicate(parsed, stored)
        # Known articles that won but are not stored as they are: read their files.
        missing = {
            from_bookkeeping[id(a)]
            for a in winners
            if id(a) in from_bookkeeping and stored.get(a.doc_id, ("", ""))[0] != a.content_hash
        }
        if not missing:
            break
        for key in missing:
            outcomes[key] = _read_file(Path(key), folder, limit)
    return IncrementalScan(
        articles=[a for a in winners if id(a) not in from_bookkeeping],
        unchanged=[a for a in winners if id(a) in from_bookkeeping],
        rejections=rejections + duplicates,
        outcomes=[o for o in outcomes.values() if isinstance(o, FileOutcome) and o.read],
        unchanged_files=[k for k, o in outcomes.items() if isinstance(o, FileOutcome) and not o.read],
    )
