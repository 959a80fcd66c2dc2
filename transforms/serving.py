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

Writing every mart again cost seconds on a large warehouse although a run changes few
rows. So the temporary database starts as a file copy of the published one and only the
rows that differ are deleted and inserted (found by comparing row hashes); Parquet files
are written again only for marts that changed, the others are hard links to the files
already published. A mart whose columns changed, or a copy that cannot be trusted (not
v1.0.0 storage, objects other than the marts, a WAL beside it, mostly free space), is
written in full as before.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
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
# Written into each Parquet folder: which database file (inode, size, mtime) was published
# with it. Only when the published database is still that file are its Parquet files
# known to hold what its tables hold, so that an unchanged mart's file can be reused.
MANIFEST = ".published.json"


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
    # Marts whose rows differ from the previous copy (all of them when it was written in full).
    changed: list[str] = field(default_factory=list)
    # "unchanged": the published copy already held these rows and was left as it is;
    # "updated": a file copy of it got the differing rows; "written": written in full.
    mode: str = "written"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    # For ATTACH/COPY targets, which take no bound parameters; the text is a path we built.
    return "'" + text.replace("'", "''") + "'"


def mart_tables(
    con: duckdb.DuckDBPyConnection, schema: str = MARTS_SCHEMA, database: str | None = None
) -> list[str]:
    """Tables (not views) of ``schema`` in ``database`` (default: the connection's default one), sorted."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_catalog = coalesce(?, current_database()) AND table_schema = ? "
        "AND table_type = 'BASE TABLE' ORDER BY table_name",
        [database, schema],
    ).fetchall()
    return [row[0] for row in rows]


def _file_identity(path: Path) -> dict[str, int]:
    stat = path.stat()
    return {"inode": stat.st_ino, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


@dataclass(frozen=True, slots=True)
class _Publication:
    """The published Parquet folder and its manifest, when they belong to the published database."""

    parquet_dir: Path
    tables: dict[str, dict]  # mart -> fingerprint of its rows when published


def _previous_publication(paths: ServingPaths) -> _Publication | None:
    try:
        folder = paths.parquet_dir.resolve(strict=True)
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("database") == _file_identity(paths.database):
            return _Publication(folder, dict(manifest.get("tables", {})))
    except (OSError, ValueError):
        pass
    return None


def _columns(con: duckdb.DuckDBPyConnection, database: str, schema: str, table: str) -> list[tuple[str, str]]:
    return [
        (name, data_type)
        for name, data_type in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_catalog = ? AND table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [database, schema, table],
        ).fetchall()
    ]


def _reusable(con: duckdb.DuckDBPyConnection, schema: str) -> bool:
    """Whether the attached copy can be updated into the new one: v1.0.0 storage, nothing
    but base tables in ``schema``, and not mostly free space (then writing anew compacts it)."""
    tags = con.execute(
        "SELECT tags FROM duckdb_databases() WHERE database_name = ?", [_SERVING_ALIAS]
    ).fetchall()
    if not tags or not str(tags[0][0].get("storage_version", "")).startswith(STORAGE_VERSION):
        return False
    strangers = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_catalog = ? "
        "AND (table_schema <> ? OR table_type <> 'BASE TABLE')",
        [_SERVING_ALIAS, schema],
    ).fetchall()[0][0]
    if strangers:
        return False
    used, free = con.execute(
        "SELECT used_blocks, free_blocks FROM pragma_database_size() WHERE database_name = ?",
        [_SERVING_ALIAS],
    ).fetchall()[0]
    return free <= used


def _attach_reusable(con: duckdb.DuckDBPyConnection, attach: str, schema: str) -> bool:
    """Attach the file copy of the published database; False (and detached) if it cannot be reused."""
    try:
        con.execute(attach)
    except duckdb.Error:
        return False  # not a database DuckDB can open (damaged, another format)
    if _reusable(con, schema):
        return True
    con.execute(f"DETACH {_ident(_SERVING_ALIAS)}")
    return False


def _row_hash(columns: list[tuple[str, str]]) -> str:
    return "hash(" + ", ".join(_ident(name) for name, _ in columns) + ")"


def _fingerprint(
    con: duckdb.DuckDBPyConnection, source: str, columns: list[tuple[str, str]], hashes: str
) -> dict:
    """Hash every row of ``source`` into the temp table ``hashes``; the fingerprint of the rows.

    Columns, row count, and the sum and xor of the row hashes: equal fingerprints mean equal
    rows (up to 64-bit hash collisions, the same assumption the row comparison makes).
    """
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {hashes} AS "
        f"SELECT rowid AS row_id, {_row_hash(columns)} AS row_hash FROM {source}"
    )
    rows, total, xor = con.execute(
        f"SELECT count(*), coalesce(sum(row_hash), 0)::HUGEINT::VARCHAR, coalesce(bit_xor(row_hash), 0) "
        f"FROM {hashes}"
    ).fetchall()[0]
    return {"columns": [list(column) for column in columns], "rows": int(rows), "sum": total, "xor": int(xor)}


def _update_table(
    con: duckdb.DuckDBPyConnection, source: str, target: str, columns: list[tuple[str, str]], hashes: str
) -> bool:
    """Make ``target`` hold the rows of ``source`` (same columns); True if any row differed.

    ``hashes`` holds the row ids and hashes of ``source`` (``_fingerprint``). For every hash
    that occurs a different number of times on both sides, the target's rows with it are
    deleted and the source's inserted; rows that are the same on both sides stay. Rows are
    picked by row id, so each table's columns are hashed once.
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE serving_target_hashes AS "
        f"SELECT rowid AS row_id, {_row_hash(columns)} AS row_hash FROM {target}"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE serving_changed_hashes AS "
        f"SELECT row_hash FROM (SELECT row_hash, 1 AS side FROM {hashes} "
        "UNION ALL SELECT row_hash, -1 FROM serving_target_hashes) GROUP BY row_hash HAVING sum(side) <> 0"
    )
    changed = con.execute("SELECT count(*) FROM serving_changed_hashes").fetchall()[0][0] > 0
    if changed:
        wanted = "row_hash IN (SELECT row_hash FROM serving_changed_hashes)"
        con.execute(
            f"DELETE FROM {target} WHERE rowid IN (SELECT row_id FROM serving_target_hashes WHERE {wanted})"
        )
        con.execute(
            f"INSERT INTO {target} SELECT * FROM {source} "
            f"WHERE rowid IN (SELECT row_id FROM {hashes} WHERE {wanted})"
        )
    con.execute("DROP TABLE serving_changed_hashes")
    con.execute("DROP TABLE serving_target_hashes")
    return changed


def publish_marts(
    con: duckdb.DuckDBPyConnection, paths: ServingPaths, schema: str = MARTS_SCHEMA
) -> PublishResult:
    """Copy every table of ``schema`` from ``con``'s database to the serving copy.

    ``con`` is a connection to the working warehouse (the caller owns it and the lock).
    The marts are read in one transaction, so the database copy and the Parquet files
    show the same snapshot. Raises ``ValueError`` when there are no marts to publish.

    The published copy is the starting point when it can be trusted: marts whose rows
    hash as they did at the last publish are not touched, and when that is all of them
    the copy stays as it is; otherwise a file copy of it gets the differing rows, and
    only changed marts get a new Parquet file.
    """
    tables = mart_tables(con, schema)
    if not tables:
        raise ValueError(f"no tables in schema {schema!r}: build the marts before publishing them")
    paths.database.parent.mkdir(parents=True, exist_ok=True)
    # A WAL beside the published file means someone wrote to it: the file alone may not be
    # what readers see, so it is not built upon.
    reusable_file = (
        paths.database.is_file() and not paths.database.with_name(paths.database.name + ".wal").exists()
    )
    previous = _previous_publication(paths) if reusable_file else None
    token = uuid.uuid4().hex[:12]
    temp_database = paths.database.with_name(f".{paths.database.name}.{token}.tmp")
    temp_parquet = paths.parquet_dir.with_name(f".{paths.parquet_dir.name}.{token}")
    attach = (
        f"ATTACH {_literal(str(temp_database))} AS {_ident(_SERVING_ALIAS)} "
        f"(STORAGE_VERSION {_literal(STORAGE_VERSION)})"
    )
    warehouse = con.execute("SELECT current_database()").fetchall()[0][0]
    hashes = {table: _ident(f"serving_row_hashes_{number}") for number, table in enumerate(tables)}
    fingerprints: dict[str, dict] = {}
    changed: list[str] = []
    try:
        # Attached before the transaction: a failed ATTACH would abort it.
        mode = "written"
        if reusable_file:
            # A file copy of the published database: its blocks are copied, not re-encoded.
            shutil.copyfile(paths.database, temp_database)
            if _attach_reusable(con, attach, schema):
                mode = "updated"
        if mode == "written":
            temp_database.unlink(missing_ok=True)
            previous = None  # written in full: no Parquet file of the old copy is reused
            con.execute(attach)
        try:
            con.execute("BEGIN TRANSACTION")
            try:
                for table in tables:
                    source = f"{_ident(schema)}.{_ident(table)}"
                    columns = _columns(con, warehouse, schema, table)
                    fingerprints[table] = _fingerprint(con, source, columns, hashes[table])
                if previous is not None and previous.tables == fingerprints:
                    mode = "unchanged"
                else:
                    temp_parquet.mkdir()
                    changed = _write_marts(
                        con, schema, tables, fingerprints, hashes, previous, mode, temp_parquet
                    )
                for table_hashes in hashes.values():
                    con.execute(f"DROP TABLE {table_hashes}")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        finally:
            # Detaching checkpoints the copy: the file is complete, with no WAL beside it.
            con.execute(f"DETACH {_ident(_SERVING_ALIAS)}")
        if mode == "unchanged":
            # The published copy holds these rows already: readers keep it.
            temp_database.unlink()
        else:
            manifest = {
                "database": _file_identity(temp_database),
                "published_at": datetime.now(UTC).isoformat(),
                "tables": fingerprints,
            }
            (temp_parquet / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
            os.replace(temp_database, paths.database)
            _swap_parquet_dir(temp_parquet, paths.parquet_dir)
    except BaseException:
        temp_database.unlink(missing_ok=True)
        temp_database.with_name(temp_database.name + ".wal").unlink(missing_ok=True)
        shutil.rmtree(temp_parquet, ignore_errors=True)
        raise
    return PublishResult(
        paths=paths,
        row_counts={table: fingerprint["rows"] for table, fingerprint in fingerprints.items()},
        published_at=datetime.now(UTC),
        changed=changed,
        mode=mode,
    )


def _write_marts(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    tables: list[str],
    fingerprints: dict[str, dict],
    hashes: dict[str, str],
    previous: _Publication | None,
    mode: str,
    parquet_dir: Path,
) -> list[str]:
    """Bring the attached copy and ``parquet_dir`` up to the marts; the marts that changed."""
    serving_schema = f"{_ident(_SERVING_ALIAS)}.{_ident(schema)}"
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {serving_schema}")
    for stale in sorted(set(mart_tables(con, schema, _SERVING_ALIAS)) - set(tables)):
        con.execute(f"DROP TABLE {serving_schema}.{_ident(stale)}")
    changed: list[str] = []
    for table in tables:
        source = f"{_ident(schema)}.{_ident(table)}"
        target = f"{serving_schema}.{_ident(table)}"
        columns = [tuple(column) for column in fingerprints[table]["columns"]]
        if previous is not None and previous.tables.get(table) == fingerprints[table]:
            table_changed = False
        elif mode == "updated" and _columns(con, _SERVING_ALIAS, schema, table) == columns:
            table_changed = _update_table(con, source, target, columns, hashes[table])
        else:
            con.execute(f"CREATE OR REPLACE TABLE {target} AS SELECT * FROM {source}")
            table_changed = True
        parquet_name = f"{table}.parquet"
        if table_changed or not _link(previous, parquet_dir, parquet_name):
            parquet_file = _literal(str(parquet_dir / parquet_name))
            con.execute(f"COPY (SELECT * FROM {source}) TO {parquet_file} (FORMAT parquet)")
        if table_changed:
            changed.append(table)
    return changed


def _link(previous: _Publication | None, folder: Path, name: str) -> bool:
    """Hard-link the published ``name`` into ``folder``; False if there is nothing to link."""
    if previous is None:
        return False
    try:
        os.link(previous.parquet_dir / name, folder / name)
    except OSError:
        return False
    return True


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
