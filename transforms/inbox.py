"""Reading only the inbox files that are new or changed since their last read.

``read_inbox`` (transforms/articles.py) reads and hashes every file on every run, which
grows with the inbox (9 s for 100k files). ``scan_inbox`` gives the same outcome but reads
only files whose size or modification time differ from what the bookkeeping
(``raw.inbox_files``, see ``transforms.warehouse``) noted at their last read; for the
others it reuses what they gave then. A file whose size and modification time (in
nanoseconds) are unchanged is trusted to have unchanged content; a rebuild or
CONTACTS_INBOX_RESCAN reads every file. The duplicate rules run in SQL over the
bookkeeping and ``raw.articles``, so the known files and stored articles never pass
through Python.

Kept apart from transforms/articles.py on purpose: that file is part of the extractor's
version (transforms/extract.py), and a change there re-extracts every article.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import duckdb
import polars as pl

from transforms import warehouse as wh
from transforms.articles import (
    Article,
    ArticleError,
    Rejection,
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
    counts the articles of files not read again, which the duplicate rules kept and the
    warehouse holds as they are. ``rejections`` is the complete current set, as
    ``read_inbox`` gives it. ``outcomes`` are the files read successfully now (for the
    bookkeeping); ``unchanged_files`` are the files taken from the bookkeeping.
    ``formats`` (articles per input format) and ``other_encodings`` ("path (encoding)" of
    articles not decoded from UTF-8, sorted) describe all kept articles, read or not.
    """

    articles: list[Article]
    unchanged: int
    rejections: list[Rejection]
    outcomes: list[FileOutcome]
    unchanged_files: list[str]
    formats: dict[str, int]
    other_encodings: list[str]


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


# The inbox as the duplicate rules see it: every article and rejected part of every listed
# file, in listing order (file_order, position), whether read now (entries_read) or
# taken from the bookkeeping (files listed but not read: their stat matched).
_ENTRIES = """
SELECT l.file_order, k.position, k.kind, k.doc_id, k.content_hash, k.source_path, k.reason,
       k.encoding, false AS is_read
FROM {listed} AS l JOIN {known} AS k USING (file_path)
WHERE k.reader_version = ? AND k.kind <> 'file'
  AND l.file_path NOT IN (SELECT file_path FROM {read_paths})
UNION ALL
SELECT file_order, position, kind, doc_id, content_hash, source_path, reason, encoding, true
FROM {entries_read}
"""

# ``transforms.articles._deduplicate`` in SQL, over all articles of the inbox at once:
# 1. per doc_id the article from the file the stored article came from wins, else the first;
# 2. per content, among those winners: when the content is stored under a doc_id that is
#    not in the inbox now, all are duplicates; else the one stored under its doc_id wins,
#    else the first. The stored owner of a content is its smallest doc_id.
# Every article gets a verdict: stage 0 = kept, 1 = duplicate doc_id, 2 = duplicate content.
_VERDICTS = """
WITH articles AS (SELECT * FROM inbox_entries WHERE kind = 'article'),
by_id AS (
    SELECT a.*, s.content_hash AS stored_hash,
           row_number() OVER same_id AS id_rank,
           first_value(a.source_path) OVER same_id AS id_first_path
    FROM articles AS a LEFT JOIN {stored} AS s USING (doc_id)
    WINDOW same_id AS (
        PARTITION BY a.doc_id
        ORDER BY (a.source_path = s.source_path) IS TRUE DESC, a.file_order, a.position
    )
),
owners AS (
    SELECT content_hash, min(doc_id) AS owner FROM {stored}
    WHERE content_hash IN (SELECT content_hash FROM articles) GROUP BY content_hash
),
present AS (SELECT DISTINCT doc_id FROM articles),
by_content AS (
    SELECT b.*, o.owner, o.owner IS NOT NULL AND p.doc_id IS NULL AS owner_gone,
           row_number() OVER same_content AS content_rank,
           first_value(b.doc_id) OVER same_content AS content_first_id,
           first_value(b.source_path) OVER same_content AS content_first_path
    FROM by_id AS b LEFT JOIN owners AS o USING (content_hash) LEFT JOIN present AS p ON p.doc_id = o.owner
    WHERE b.id_rank = 1
    WINDOW same_content AS (
        PARTITION BY b.content_hash ORDER BY (b.doc_id = o.owner) IS TRUE DESC, b.file_order, b.position
    )
)
SELECT file_order, position, doc_id, content_hash, source_path, encoding, is_read, stored_hash, 1 AS stage,
       'duplicate doc_id: already read from ' || id_first_path AS reason
FROM by_id WHERE id_rank > 1
UNION ALL
SELECT file_order, position, doc_id, content_hash, source_path, encoding, is_read, stored_hash,
       CASE WHEN owner_gone OR content_rank > 1 THEN 2 ELSE 0 END,
       CASE
           WHEN owner_gone THEN 'duplicate: same article as ' || owner || ', loaded earlier'
           WHEN content_rank > 1
               THEN 'duplicate: same article as ' || content_first_id || ' (' || content_first_path || ')'
       END
FROM by_content
"""

_LISTING_SCHEMA = {"file_path": pl.String, "file_order": pl.Int64, "size": pl.Int64, "mtime_ns": pl.Int64}
_ENTRY_SCHEMA = {
    "file_path": pl.String,
    "file_order": pl.Int64,
    "position": pl.Int32,
    "kind": pl.String,
    "doc_id": pl.String,
    "content_hash": pl.String,
    "source_path": pl.String,
    "reason": pl.String,
    "encoding": pl.String,
}


def _entries_frame(read: Mapping[str, FileOutcome | Rejection], order: Mapping[str, int]) -> pl.DataFrame:
    """What the files read now gave, numbered as ``inbox_files_frame`` numbers them."""
    rows: list[tuple] = []
    for key, outcome in read.items():
        if isinstance(outcome, Rejection):  # the whole file
            parts: list[tuple] = [
                ("rejection", outcome.doc_id, outcome.content_hash, outcome.source_path, outcome.reason, None)
            ]
        else:
            parts = [
                ("article", a.doc_id, a.content_hash, a.source_path, None, a.encoding)
                for a in outcome.articles
            ]
            parts += [
                ("rejection", r.doc_id, r.content_hash, r.source_path, r.reason, None)
                for r in outcome.rejections
            ]
        rows += [(key, order[key], position, *part) for position, part in enumerate(parts, start=1)]
    return pl.DataFrame(rows, schema=_ENTRY_SCHEMA, orient="row")


def scan_inbox(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    version: str,
    max_bytes: int | None = None,
    rescan: bool = False,
) -> IncrementalScan:
    """Read the inbox like ``read_inbox``, but only the files that are new or changed.

    ``con`` is the warehouse: ``raw.inbox_files`` tells what each file gave when it was last
    read with reader ``version``, ``raw.articles`` what is stored (for the duplicate rules,
    as ``stored`` of ``read_inbox``). A file whose size and modification time (nanoseconds)
    are still those is trusted and not read; its known articles and rejections take part
    in the duplicate rules exactly as if it had been read, so the outcome is the one of
    ``read_inbox``. A known article that now wins a duplicate contest without being stored
    as it is (its rival changed or left) needs its text: its file is read after all. Files
    that could not be read, symlinks and files over ``max_bytes`` are always read (or
    refused) again; ``rescan`` reads every file.

    The duplicate rules run in SQL over the bookkeeping, so only the files read now pass
    through Python; what still grows with the inbox is listing it (one ``lstat`` per file)
    and DuckDB's joins and window functions over the bookkeeping of the listed files.
    """
    limit = max_file_bytes() if max_bytes is None else max_bytes
    wh.ensure_schema(con)
    listed = listing(folder)
    order = {key: number for number, (key, _) in enumerate(listed)}
    listing_frame = pl.DataFrame(
        {
            "file_path": [key for key, _ in listed],
            "file_order": range(len(listed)),
            "size": [stat[0] if stat else None for _, stat in listed],
            "mtime_ns": [stat[1] if stat else None for _, stat in listed],
        },
        schema=_LISTING_SCHEMA,
    )
    known, stored = wh.qualified("inbox_files"), wh.qualified("articles")
    with wh.registered(con, "inbox_listing", listing_frame) as listed_view:
        if rescan:
            untrusted = set(order)
        else:
            # Listed files without a matching bookkeeping entry (new, changed, symlinks,
            # too large now, read with another reader version): these are read.
            untrusted = {
                row[0]
                for row in con.execute(
                    f"SELECT l.file_path FROM {listed_view} AS l WHERE NOT EXISTS ("
                    f"SELECT 1 FROM {known} AS k WHERE k.file_path = l.file_path AND k.kind = 'file' "
                    "AND k.reader_version = ? AND k.size = l.size AND k.mtime_ns = l.mtime_ns "
                    "AND l.size <= ?)",
                    [version, limit],
                ).fetchall()
            }
        read: dict[str, FileOutcome | Rejection] = {}
        to_read = untrusted
        while True:
            for key in sorted(to_read, key=order.__getitem__):
                read[key] = _read_file(Path(key), folder, limit)
            entries_frame = _entries_frame(read, order)
            read_paths = pl.DataFrame({"file_path": list(read)}, schema={"file_path": pl.String})
            with (
                wh.registered(con, "inbox_entries_read", entries_frame) as entries_view,
                wh.registered(con, "inbox_read_paths", read_paths) as read_view,
            ):
                entries_sql = _ENTRIES.format(
                    listed=listed_view, known=known, read_paths=read_view, entries_read=entries_view
                )
                con.execute(f"CREATE OR REPLACE TEMP TABLE inbox_entries AS {entries_sql}", [version])
            con.execute("CREATE OR REPLACE TEMP TABLE inbox_verdicts AS " + _VERDICTS.format(stored=stored))
            # Known articles that won but are not stored as they are: read their files.
            missing = con.execute(
                "SELECT DISTINCT l.file_path FROM inbox_verdicts AS v "
                f"JOIN {listed_view} AS l USING (file_order) "
                "WHERE v.stage = 0 AND NOT v.is_read AND v.stored_hash IS DISTINCT FROM v.content_hash"
            ).fetchall()
            to_read = {row[0] for row in missing}
            if not to_read:
                break

        articles_read = {
            (order[key], position): article
            for key, outcome in read.items()
            if isinstance(outcome, FileOutcome)
            for position, article in enumerate(outcome.articles, start=1)
        }
        kept_read = con.execute(
            "SELECT file_order, position FROM inbox_verdicts WHERE stage = 0 AND is_read "
            "ORDER BY file_order, position"
        ).fetchall()
        rejections = [
            Rejection(source_path, doc_id, reason, digest)
            for source_path, doc_id, reason, digest in con.execute(
                "SELECT source_path, doc_id, reason, content_hash FROM ("
                "SELECT 0 AS stage, file_order, position, source_path, doc_id, reason, content_hash "
                "FROM inbox_entries WHERE kind = 'rejection' UNION ALL "
                "SELECT stage, file_order, position, source_path, doc_id, reason, NULL "
                "FROM inbox_verdicts WHERE stage > 0) ORDER BY stage, file_order, position"
            ).fetchall()
        ]
        unchanged = con.execute(
            "SELECT count(*) FROM inbox_verdicts WHERE stage = 0 AND NOT is_read"
        ).fetchall()[0][0]
        # The input format is the file's suffix (a JSONL line's source_path is "file:line").
        formats = con.execute(
            "SELECT lower(regexp_extract(l.file_path, '[.]([^.]*)$', 1)) AS format, count(*) "
            f"FROM inbox_verdicts AS v JOIN {listed_view} AS l USING (file_order) WHERE v.stage = 0 "
            "GROUP BY format ORDER BY format"
        ).fetchall()
        other_encodings = con.execute(
            "SELECT source_path || ' (' || encoding || ')' AS described FROM inbox_verdicts "
            "WHERE stage = 0 AND encoding <> 'UTF-8' ORDER BY described"
        ).fetchall()
    con.execute("DROP TABLE inbox_verdicts")
    con.execute("DROP TABLE inbox_entries")
    by_order = sorted(read, key=order.__getitem__)
    return IncrementalScan(
        articles=[articles_read[key] for key in kept_read],
        unchanged=int(unchanged),
        rejections=rejections,
        outcomes=[o for key in by_order if isinstance(o := read[key], FileOutcome)],
        unchanged_files=[key for key in order if key not in read],
        formats=dict(formats),
        other_encodings=[row[0] for row in other_encodings],
    )
