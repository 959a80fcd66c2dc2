"""Publishing the marts to a copy for BI tools: ``serving.duckdb`` and Parquet files.

DuckDB admits one writing process per file, and even a read-only reader keeps the writer
out, so Metabase and SQL clients must never open the working warehouse. After each
successful build the marts are copied, beside the warehouse file, to

- ``serving.duckdb``: schema ``marts`` with one table per mart, written in the v1.0.0
  storage format so that DuckDB 1.x clients (e.g. Metabase's DuckDB driver) can open it;
- ``marts/<table>.parquet``: one Parquet file per mart.

Both are replaced atomically: the database is written to a temporary file that
``os.replace`` moves over the old one, and ``marts`` is a symbolic link switched to a
freshly written folder. A reader that has the old file open keeps reading the old data
(its inode stays alive until it closes it); a new connection sees the new data; nobody
ever sees a half-written copy. Pure Python (duckdb), no dagster.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

MARTS_SCHEMA = "marts"
SERVING_FILE = "serving.duckdb"
PARQUET_DIR = "marts"
# The newest storage format DuckDB 1.x reads; DuckDB 2's default format it cannot.
STORAGE_VERSION = "v1.0.0"
# Parquet versions kept besides the current one, so a reader that listed the files just
# before a swap can still open them.
KEEP_PARQUET_VERSIONS = 1
_SERVING_ALIAS = "serving_copy"


@dataclass(frozen=True, slots=True)
class ServingPaths:
    database: Path
    parquet_dir: Path

    @classmethod
    def beside(cls, warehouse: Path) -> ServingPaths:
        """The serving copy that belongs to a warehouse file: in the same folder."""
        folder = warehouse.expanduser().resolve().parent
        return cls(database=folder / SERVING_FILE, parquet_dir=folder / PARQUET_DIR)


@dataclass(frozen=True, slots=True)
class PublishResult:
    paths: ServingPaths
    row_counts: dict[str, int]  # table -> rows
    published_at: datetime


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    # For ATTACH/COPY targets, which take no bound parameters; the text is a path we built.
    return "'" + text.replace("'", "''") + "'"


def mart_tables(con: duckdb.DuckDBPyConnection, schema: str = MARTS_SCHEMA) -> list[str]:
    """Tables (not views) of ``schema`` in the connection's default database, sorted."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND table_schema = ? AND table_type = 'BASE TABLE' "
        "ORDER BY table_name",
        [schema],
    ).fetchall()
    return [row[0] for row in rows]


def publish_marts(
    con: duckdb.DuckDBPyConnection, paths: ServingPaths, schema: str = MARTS_SCHEMA
) -> PublishResult:
    """Copy every table of ``schema`` from ``con``'s database to the serving copy.

    ``con`` is a connection to the working warehouse (the caller owns it and the lock).
    The marts are read in one transaction, so the database copy and the Parquet files
    show the same snapshot. Raises ``ValueError`` when there are no marts to publish.
    """
    tables = mart_tables(con, schema)
    if not tables:
        raise ValueError(f"no tables in schema {schema!r}: build the marts before publishing them")
    paths.database.parent.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:12]
    temp_database = paths.database.with_name(f".{paths.database.name}.{token}.tmp")
    temp_parquet = paths.parquet_dir.with_name(f".{paths.parquet_dir.name}.{token}")
    temp_parquet.mkdir()
    counts: dict[str, int] = {}
    try:
        con.execute(
            f"ATTACH {_literal(str(temp_database))} AS {_ident(_SERVING_ALIAS)} "
            f"(STORAGE_VERSION {_literal(STORAGE_VERSION)})"
        )
        try:
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(f"CREATE SCHEMA {_ident(_SERVING_ALIAS)}.{_ident(schema)}")
                for table in tables:
                    source = f"{_ident(schema)}.{_ident(table)}"
                    con.execute(
                        f"CREATE TABLE {_ident(_SERVING_ALIAS)}.{_ident(schema)}.{_ident(table)} "
                        f"AS SELECT * FROM {source}"
                    )
                    parquet_file = _literal(str(temp_parquet / f"{table}.parquet"))
                    con.execute(f"COPY (SELECT * FROM {source}) TO {parquet_file} (FORMAT parquet)")
                    counts[table] = int(con.execute(f"SELECT count(*) FROM {source}").fetchall()[0][0])
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        finally:
            # Detaching checkpoints the copy: the file is complete, with no WAL beside it.
            con.execute(f"DETACH {_ident(_SERVING_ALIAS)}")
        os.replace(temp_database, paths.database)
        _swap_parquet_dir(temp_parquet, paths.parquet_dir)
    except BaseException:
        temp_database.unlink(missing_ok=True)
        temp_database.with_name(temp_database.name + ".wal").unlink(missing_ok=True)
        shutil.rmtree(temp_parquet, ignore_errors=True)
        raise
    return PublishResult(paths=paths, row_counts=counts, published_at=datetime.now(UTC))


def _swap_parquet_dir(new_folder: Path, link: Path) -> None:
    """Point ``link`` (a symlink) at ``new_folder`` atomically; prune old versions.

    A directory cannot be renamed over a non-empty one, but a symlink can be replaced in
    one rename: the new link is created under a temporary name and moved over the old.
    """
    if link.exists() and not link.is_symlink():
        # A real folder from an earlier layout (or made by hand): moved aside once.
        link.rename(link.with_name(f".{link.name}.replaced-{uuid.uuid4().hex[:12]}"))
    temp_link = link.with_name(f".{link.name}.link-{uuid.uuid4().hex[:12]}")
    # Relative target: the link keeps working when the folder is moved or mounted elsewhere.
    temp_link.symlink_to(new_folder.name, target_is_directory=True)
    os.replace(temp_link, link)
    _prune_parquet_versions(link, keep=new_folder)


def _prune_parquet_versions(link: Path, keep: Path) -> None:
    versions = sorted(
        (p for p in link.parent.glob(f".{link.name}.*") if p.is_dir() and not p.is_symlink() and p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in versions[KEEP_PARQUET_VERSIONS:]:
        shutil.rmtree(old, ignore_errors=True)
