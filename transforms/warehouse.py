"""Writing the raw layer of the DuckDB warehouse (schema ``raw``).

Pure Python (duckdb + polars), no dagster: the orchestration layer opens a connection
and calls these functions. The table layouts come from the ``*_SCHEMA`` dicts in
``transforms.records`` and from ``transforms.knowledge.knowledge_frames``, so the DDL
and the frames cannot drift apart.

Every writer runs in one transaction: a failure leaves the tables as they were. Values
always travel as registered frames or bound parameters; only identifiers from the fixed
table registry below are ever put into SQL text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from transforms.articles import Article, Rejection

if TYPE_CHECKING:
    # transforms.inbox uses this module; its classes are imported where they are built.
    from transforms.inbox import FileOutcome
from transforms.records import (
    ARTICLES_SCHEMA,
    CONTACT_MENTIONS_SCHEMA,
    CONTACT_PARTICIPANTS_SCHEMA,
    CONTACT_TOPICS_SCHEMA,
    ENTITY_MENTIONS_SCHEMA,
    REJECTED_INPUTS_SCHEMA,
    ExtractionFrames,
)

RAW_SCHEMA = "raw"

KNOWLEDGE_ACTORS_SCHEMA = {
    "actor_id": pl.String,
    "actor_kind": pl.String,
    "actor_name": pl.String,
    "country_iso3": pl.String,
    "gender": pl.String,
}
KNOWLEDGE_OFFICES_SCHEMA = {
    "actor_id": pl.String,
    "role": pl.String,
    "jurisdiction": pl.String,
    "start_date": pl.Date,
    "end_date": pl.Date,
}
KNOWLEDGE_COUNTRIES_SCHEMA = {
    "country_iso3": pl.String,
    "country_name": pl.String,
}
# Bookkeeping, not a modelled table: which content and extractor version the extraction
# rows of an article came from. It lets the extraction step skip unchanged articles
# (including those without any contact, which leave no rows elsewhere).
EXTRACTION_STATE_SCHEMA = {
    "doc_id": pl.String,
    "content_hash": pl.String,
    "extractor_version": pl.String,
    "extracted_at": pl.Datetime("us", "UTC"),
}
# Bookkeeping, not a modelled table: what each inbox file gave when it was last read
# (position 0: the file; 1..n: its articles, then its rejected parts, in file order), so
# that a file whose size and modification time are unchanged is not read again.
INBOX_FILES_SCHEMA = {
    "file_path": pl.String,
    "size": pl.Int64,
    "mtime_ns": pl.Int64,
    "reader_version": pl.String,
    "position": pl.Int32,
    "kind": pl.String,  # file | article | rejection
    "source_path": pl.String,
    "doc_id": pl.String,
    "content_hash": pl.String,
    "reason": pl.String,
    "encoding": pl.String,
    "read_at": pl.Datetime("us", "UTC"),
}


@dataclass(frozen=True, slots=True)
class RawTable:
    name: str
    schema: Mapping[str, pl.DataType | type[pl.DataType]]
    primary_key: tuple[str, ...]


TABLES: dict[str, RawTable] = {
    t.name: t
    for t in (
        RawTable("articles", ARTICLES_SCHEMA, ("doc_id",)),
        RawTable("rejected_inputs", REJECTED_INPUTS_SCHEMA, ("source_path",)),
        RawTable("contact_mentions", CONTACT_MENTIONS_SCHEMA, ("mention_id",)),
        RawTable("contact_participants", CONTACT_PARTICIPANTS_SCHEMA, ("mention_id", "actor_id")),
        RawTable("contact_topics", CONTACT_TOPICS_SCHEMA, ("mention_id", "topic")),
        RawTable("entity_mentions", ENTITY_MENTIONS_SCHEMA, ("entity_mention_id",)),
        RawTable("knowledge_actors", KNOWLEDGE_ACTORS_SCHEMA, ("actor_id",)),
        RawTable(
            "knowledge_offices", KNOWLEDGE_OFFICES_SCHEMA, ("actor_id", "role", "jurisdiction", "start_date")
        ),
        RawTable("knowledge_countries", KNOWLEDGE_COUNTRIES_SCHEMA, ("country_iso3",)),
        RawTable("extraction_state", EXTRACTION_STATE_SCHEMA, ("doc_id",)),
        RawTable("inbox_files", INBOX_FILES_SCHEMA, ("file_path", "position")),
    )
}
EXTRACTION_TABLES = ("contact_mentions", "contact_participants", "contact_topics", "entity_mentions")
KNOWLEDGE_TABLES = ("knowledge_actors", "knowledge_offices", "knowledge_countries")

_DUCKDB_TYPES: dict[type[pl.DataType], str] = {
    pl.String: "VARCHAR",
    pl.Boolean: "BOOLEAN",
    pl.Int8: "TINYINT",
    pl.Int16: "SMALLINT",
    pl.Int32: "INTEGER",
    pl.Int64: "BIGINT",
    pl.Float32: "FLOAT",
    pl.Float64: "DOUBLE",
    pl.Date: "DATE",
}


def duckdb_type(dtype: pl.DataType | type[pl.DataType]) -> str:
    """The DuckDB column type for a polars dtype of the raw schemas."""
    if isinstance(dtype, pl.Datetime) or dtype is pl.Datetime:
        time_zone = getattr(dtype, "time_zone", None)
        return "TIMESTAMP WITH TIME ZONE" if time_zone else "TIMESTAMP"
    base = dtype if isinstance(dtype, type) else type(dtype)
    try:
        return _DUCKDB_TYPES[base]
    except KeyError:
        raise TypeError(f"no DuckDB type mapped for polars dtype {dtype!r}") from None


def _ident(name: str) -> str:
    # Identifiers come from TABLES only; quoting keeps reserved words harmless.
    return '"' + name.replace('"', '""') + '"'


def _table(name: str) -> RawTable:
    try:
        return TABLES[name]
    except KeyError:
        raise ValueError(f"unknown raw table {name!r}; known: {sorted(TABLES)}") from None


def qualified(name: str) -> str:
    return f"{_ident(RAW_SCHEMA)}.{_ident(_table(name).name)}"


def create_table_sql(name: str) -> str:
    table = _table(name)
    columns = [f"{_ident(col)} {duckdb_type(dtype)}" for col, dtype in table.schema.items()]
    columns.append(f"PRIMARY KEY ({', '.join(_ident(c) for c in table.primary_key)})")
    return f"CREATE TABLE IF NOT EXISTS {qualified(name)} (\n    " + ",\n    ".join(columns) + "\n)"


class WarehouseSchemaError(RuntimeError):
    """A raw table in the file does not match the layout the code expects."""


# Tables that a run rebuilds from scratch anyway (rejections, knowledge base) or that
# can be re-extracted from raw.articles; raw.articles itself may hold articles whose
# inbox file is gone, so it is never dropped automatically.
_REBUILDABLE = frozenset(TABLES) - {"articles"}


def _layout(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple[str, str]]:
    return [
        (column, data_type)
        for column, data_type in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [RAW_SCHEMA, name],
        ).fetchall()
    ]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create schema ``raw`` and its tables; rebuild derived tables whose layout changed.

    When the frame schemas in ``transforms.records`` change, an existing warehouse has
    the old layout. Derived tables are dropped and recreated (emptying an extraction
    table also forgets the extraction state, so the next run re-extracts every article);
    a changed ``raw.articles`` is an error that names both layouts. Returns the names of
    the rebuilt tables.
    """
    # Fast path, one catalog query: every writer calls this, and the layouts rarely differ.
    found: dict[str, list[tuple[str, str]]] = {}
    for table_name, column, data_type in con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? ORDER BY table_name, ordinal_position",
        [RAW_SCHEMA],
    ).fetchall():
        found.setdefault(table_name, []).append((column, data_type))
    if all(
        found.get(name) == [(col, duckdb_type(dtype)) for col, dtype in table.schema.items()]
        for name, table in TABLES.items()
    ):
        return []
    rebuilt: list[str] = []
    with transaction(con):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {_ident(RAW_SCHEMA)}")
        for name, table in TABLES.items():
            existing = _layout(con, name)
            expected = [(col, duckdb_type(dtype)) for col, dtype in table.schema.items()]
            if existing and existing != expected:
                if name not in _REBUILDABLE:
                    raise WarehouseSchemaError(
                        f"raw.{name} has columns {existing}, the code expects {expected}; "
                        "migrate the table or delete the warehouse file and run again"
                    )
                con.execute(f"DROP TABLE {qualified(name)}")
                rebuilt.append(name)
            con.execute(create_table_sql(name))
        if set(rebuilt) & set(EXTRACTION_TABLES) and "extraction_state" not in rebuilt:
            con.execute(f"DELETE FROM {qualified('extraction_state')}")
    return rebuilt


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.begin()
    try:
        yield
    except BaseException:
        con.rollback()
        raise
    con.commit()


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, view: str, frame: pl.DataFrame) -> Iterator[str]:
    # Register outside the transaction (enter this before `transaction`): unregistering
    # inside an aborted transaction fails and would hide the original error.
    con.register(view, frame)
    try:
        yield _ident(view)
    finally:
        con.unregister(view)


def _conform(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with exactly the table's columns, in order and with the table's dtypes."""
    schema = _table(name).schema
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        raise ValueError(f"frame for raw.{name} lacks columns {missing}")
    return frame.select([pl.col(c).cast(dtype) for c, dtype in schema.items()])


def _column_list(name: str, prefix: str = "") -> str:
    return ", ".join(prefix + _ident(c) for c in _table(name).schema)


def _insert(con: duckdb.DuckDBPyConnection, name: str, view: str, where: str = "") -> None:
    con.execute(
        f"INSERT INTO {qualified(name)} ({_column_list(name)}) "
        f"SELECT {_column_list(name, 'i.')} FROM {view} AS i {where}"
    )


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> int:
    # fetchall, not fetchone: DuckDB 2 refuses further work (e.g. register) on a
    # connection whose last result was not read to the end.
    rows = con.execute(sql, list(params)).fetchall()
    return int(rows[0][0]) if rows else 0


@dataclass(frozen=True, slots=True)
class UpsertResult:
    inserted: int
    updated: int
    unchanged: int


def upsert_articles(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> UpsertResult:
    """Insert new articles, replace those whose content_hash changed, leave the rest alone.

    Unchanged rows keep their ``ingested_at``, so loading the same inbox twice changes
    nothing. Articles that left the inbox stay in the table (the inbox may be a drop
    folder that gets emptied after a load).
    """
    ensure_schema(con)
    frame = _conform("articles", frame)
    if frame["doc_id"].n_unique() != frame.height:
        raise ValueError("articles frame has duplicate doc_id values")
    target = qualified("articles")
    with registered(con, "incoming_articles", frame) as view, transaction(con):
        changed = _count(
            con,
            f"SELECT count(*) FROM {view} AS i JOIN {target} AS a USING (doc_id) "
            "WHERE a.content_hash IS DISTINCT FROM i.content_hash",
        )
        new = _count(
            con,
            f"SELECT count(*) FROM {view} AS i ANTI JOIN {target} AS a USING (doc_id)",
        )
        con.execute(
            f"DELETE FROM {target} AS a USING {view} AS i "
            "WHERE a.doc_id = i.doc_id AND a.content_hash IS DISTINCT FROM i.content_hash"
        )
        _insert(con, "articles", view, f"WHERE i.doc_id NOT IN (SELECT doc_id FROM {target})")
    return UpsertResult(inserted=new, updated=changed, unchanged=frame.height - new - changed)


def record_rejections(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> int:
    """Make ``raw.rejected_inputs`` the current set of rejections for the inbox.

    A file that was fixed disappears on the next load. A rejection that is still the
    same (same file, bytes and reason) keeps its ``rejected_at``, so reloading an
    unchanged inbox changes nothing.
    """
    ensure_schema(con)
    frame = _conform("rejected_inputs", frame)
    target = qualified("rejected_inputs")
    same = (
        "r.source_path = i.source_path AND r.reason = i.reason "
        "AND r.content_hash IS NOT DISTINCT FROM i.content_hash"
    )
    with registered(con, "incoming_rejections", frame) as view, transaction(con):
        con.execute(f"DELETE FROM {target} AS r WHERE NOT EXISTS (SELECT 1 FROM {view} AS i WHERE {same})")
        _insert(
            con,
            "rejected_inputs",
            view,
            f"WHERE NOT EXISTS (SELECT 1 FROM {target} AS r WHERE {same})",
        )
    return frame.height


def replace_table(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> int:
    """Replace the whole content of a raw table (used for the knowledge tables)."""
    ensure_schema(con)
    frame = _conform(name, frame)
    with registered(con, f"incoming_{name}", frame) as view, transaction(con):
        con.execute(f"DELETE FROM {qualified(name)}")
        _insert(con, name, view)
    return frame.height


def extraction_state_frame(
    articles: Iterable[Article], extractor_version: str, extracted_at: datetime | None = None
) -> pl.DataFrame:
    extracted_at = extracted_at or datetime.now(UTC)
    rows = [
        {
            "doc_id": a.doc_id,
            "content_hash": a.content_hash,
            "extractor_version": extractor_version,
            "extracted_at": extracted_at,
        }
        for a in articles
    ]
    return pl.DataFrame(rows, schema=EXTRACTION_STATE_SCHEMA)


def replace_extractions(
    con: duckdb.DuckDBPyConnection,
    doc_ids: Sequence[str],
    frames: ExtractionFrames | Mapping[str, pl.DataFrame],
    state: pl.DataFrame | None = None,
) -> dict[str, int]:
    """Swap the extraction rows of ``doc_ids`` for ``frames`` in one transaction.

    Rows of those articles are deleted from the four extraction tables and the new rows
    inserted; if anything fails, all four tables (and the state) stay as they were.
    ``state`` (see ``extraction_state_frame``) records what the rows were extracted from.
    Returns the number of rows inserted per table.
    """
    ensure_schema(con)
    by_name = frames.as_dict() if isinstance(frames, ExtractionFrames) else dict(frames)
    unknown = set(by_name) - set(EXTRACTION_TABLES)
    if unknown:
        raise ValueError(f"not extraction tables: {sorted(unknown)}")
    conformed = {name: _conform(name, by_name[name]) for name in EXTRACTION_TABLES if name in by_name}
    ids = sorted(set(doc_ids))
    for name, frame in conformed.items():
        strays = set(frame["doc_id"].unique().to_list()) - set(ids)
        if strays:
            raise ValueError(f"{name} has rows for doc_ids outside the replaced set: {sorted(strays)[:5]}")
    state = _conform("extraction_state", state) if state is not None else None
    ids_frame = pl.DataFrame({"doc_id": ids}, schema={"doc_id": pl.String})
    with ExitStack() as views:
        ids_view = views.enter_context(registered(con, "replaced_doc_ids", ids_frame))
        incoming = {
            name: views.enter_context(registered(con, f"incoming_{name}", frame))
            for name, frame in conformed.items()
        }
        state_view = None
        if state is not None:
            state_view = views.enter_context(registered(con, "incoming_state", state))
        with transaction(con):
            for name in EXTRACTION_TABLES:
                con.execute(f"DELETE FROM {qualified(name)} WHERE doc_id IN (SELECT doc_id FROM {ids_view})")
            for name, view in incoming.items():
                _insert(con, name, view)
            # Without a new state the provenance of these rows is unknown: forget it, so
            # the next plan re-extracts them.
            con.execute(
                f"DELETE FROM {qualified('extraction_state')} WHERE doc_id IN (SELECT doc_id FROM {ids_view})"
            )
            if state_view is not None:
                _insert(con, "extraction_state", state_view)
    return {name: frame.height for name, frame in conformed.items()}


@dataclass(frozen=True, slots=True)
class ExtractionPlan:
    """What the extraction step has to do to bring the extraction tables up to date."""

    to_extract: list[str]  # new articles, changed content, or another extractor version
    orphaned: list[str]  # extraction rows whose article is no longer in raw.articles
    up_to_date: int


def plan_extraction(
    con: duckdb.DuckDBPyConnection, extractor_version: str, everything: bool = False
) -> ExtractionPlan:
    """``everything``: plan every article for extraction (a rebuild), whatever its state."""
    ensure_schema(con)
    articles, state = qualified("articles"), qualified("extraction_state")
    to_extract = [
        row[0]
        for row in con.execute(
            f"SELECT a.doc_id FROM {articles} AS a LEFT JOIN {state} AS s USING (doc_id) "
            "WHERE ? OR s.doc_id IS NULL OR s.content_hash IS DISTINCT FROM a.content_hash "
            "OR s.extractor_version IS DISTINCT FROM ? ORDER BY a.doc_id",
            [everything, extractor_version],
        ).fetchall()
    ]
    tables = (*EXTRACTION_TABLES, "extraction_state")
    known = " UNION ".join(f"SELECT doc_id FROM {qualified(n)}" for n in tables)
    orphaned = [
        row[0]
        for row in con.execute(
            f"SELECT doc_id FROM ({known}) "
            f"WHERE doc_id NOT IN (SELECT doc_id FROM {articles}) ORDER BY doc_id"
        ).fetchall()
    ]
    total = _count(con, f"SELECT count(*) FROM {articles}")
    return ExtractionPlan(to_extract=to_extract, orphaned=orphaned, up_to_date=total - len(to_extract))


def stored_articles(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """``doc_id`` -> (``content_hash``, ``source_path``) of the stored articles.

    Reading the inbox needs them to refuse a second copy of a stored article and to keep
    a doc_id with the file it was loaded from.
    """
    ensure_schema(con)
    sql = f"SELECT doc_id, content_hash, source_path FROM {qualified('articles')}"
    return {doc_id: (digest, path) for doc_id, digest, path in con.execute(sql).fetchall()}


# Doc ids per IN list when looking articles up by key.
_LOOKUP_CHUNK = 1000


def read_articles(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> list[Article]:
    """Articles as stored in ``raw.articles``, in doc_id order.

    The extraction step reads the warehouse rather than the inbox: the stored text is
    what the offsets refer to, and it is still there when the inbox file is gone.
    """
    from transforms.temporal import PublicationDate

    if not doc_ids:
        return []
    ids = sorted(set(doc_ids))
    rows = []
    # Bound IN lists rather than a join with a registered frame: DuckDB looks them up in
    # the primary-key index, so a batch costs the same on a warehouse of 10k or 1M
    # articles (the join scanned every stored text: 0.15 s per batch at 100k articles).
    for start in range(0, len(ids), _LOOKUP_CHUNK):
        part = ids[start : start + _LOOKUP_CHUNK]
        rows += con.execute(
            "SELECT doc_id, text, published_date, published_date_precision, content_hash, source_path, "
            f"title, source_url FROM {qualified('articles')} "
            f"WHERE doc_id IN ({', '.join('?' * len(part))}) ORDER BY doc_id",
            part,
        ).fetchall()
    return [
        Article(
            doc_id=doc_id,
            text=text,
            published=PublicationDate(value=published, precision=precision) if published else None,
            content_hash=content_hash,
            source_path=source_path,
            title=title,
            source_url=source_url,
        )
        for doc_id, text, published, precision, content_hash, source_path, title, source_url in rows
    ]


def table_counts(con: duckdb.DuckDBPyConnection, names: Iterable[str] = TABLES) -> dict[str, int]:
    ensure_schema(con)
    return {name: _count(con, f"SELECT count(*) FROM {qualified(name)}") for name in names}


def inbox_files_frame(outcomes: Iterable[FileOutcome], version: str, read_at: datetime) -> pl.DataFrame:
    """The bookkeeping rows of files read now (see ``INBOX_FILES_SCHEMA``)."""
    rows: list[tuple] = []
    for o in outcomes:
        entries = [("file", o.path, None, None, None, None)]
        for a in o.articles:
            entries.append(("article", a.source_path, a.doc_id, a.content_hash, None, a.encoding))
        for r in o.rejections:
            entries.append(("rejection", r.source_path, r.doc_id, r.content_hash, r.reason, None))
        rows += [
            (o.path, o.size, o.mtime_ns, version, position, *entry, read_at)
            for position, entry in enumerate(entries)
        ]
    return pl.DataFrame(rows, schema=INBOX_FILES_SCHEMA, orient="row")


def known_inbox_files(con: duckdb.DuckDBPyConnection, version: str) -> dict[str, FileOutcome]:
    """What each file gave when it was last read, for files read with reader ``version``.

    The articles carry doc_id, content_hash, source_path and encoding, no text.
    """
    from transforms.inbox import FileOutcome, KnownArticle

    ensure_schema(con)
    table = qualified("inbox_files")
    entries: dict[str, tuple[list[KnownArticle], list[Rejection]]] = {}
    for path, kind, source_path, doc_id, digest, reason, encoding in con.execute(
        "SELECT file_path, kind, source_path, doc_id, content_hash, reason, encoding "
        f"FROM {table} WHERE reader_version = ? AND kind <> 'file' ORDER BY file_path, position",
        [version],
    ).fetchall():
        found, rejected = entries.setdefault(path, ([], []))
        if kind == "article":
            found.append(KnownArticle(doc_id, digest, source_path, encoding))
        else:
            rejected.append(Rejection(source_path, doc_id, reason, digest))
    nothing: tuple[list[KnownArticle], list[Rejection]] = ([], [])
    known: dict[str, FileOutcome] = {}
    for path, size, mtime_ns in con.execute(
        f"SELECT file_path, size, mtime_ns FROM {table} WHERE reader_version = ? AND kind = 'file'", [version]
    ).fetchall():
        found, rejected = entries.get(path, nothing)
        known[path] = FileOutcome(path, size, mtime_ns, tuple(found), tuple(rejected), read=False)
    return known


def replace_inbox_files(
    con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, unchanged: Sequence[str] | None, version: str
) -> int:
    """Record the files read now; keep of the others only the ``unchanged`` files (not read).

    Every other file is forgotten: changed, gone or unreadable ones, and rows of another
    reader version. ``unchanged=None`` forgets every file first (a full re-read). Returns
    the number of files recorded.
    """
    ensure_schema(con)
    frame = _conform("inbox_files", frame)
    target = qualified("inbox_files")
    kept = pl.DataFrame({"file_path": list(unchanged or ())}, schema={"file_path": pl.String})
    with (
        registered(con, "incoming_inbox_files", frame) as view,
        registered(con, "unchanged_inbox_files", kept) as kept_view,
        transaction(con),
    ):
        con.execute(
            f"DELETE FROM {target} WHERE reader_version <> ? "
            f"OR file_path NOT IN (SELECT file_path FROM {kept_view}) "
            f"OR file_path IN (SELECT file_path FROM {view})",
            [version],
        )
        _insert(con, "inbox_files", view)
    return int(frame.filter(pl.col("kind") == "file").height)
