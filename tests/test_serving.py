"""The serving copy for BI tools: serving.duckdb and marts/*.parquet beside the warehouse."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, materialize

from transforms import serving

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import KNOWLEDGE_BASE, FakeExtractor, write_inbox  # noqa: E402

# --- publish_marts on a hand-made warehouse -----------------------------------------


def make_warehouse(path: Path, meetings: int = 2) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute(
            "create or replace table marts.fct_meetings as "
            "select 'm' || i as meeting_id, date '2025-03-01' + i::int as meeting_date, "
            "timestamptz '2025-03-08 10:00:00+00' as last_loaded_at from range(?) t(i)",
            [meetings],
        )
        con.execute("create or replace table marts.dim_actors as select 'Marco Rubio' as actor_id, 3 as n")
        # Views are not published: they would point into the working warehouse.
        con.execute("create or replace view marts.v_helper as select 1 as x")
        con.execute("create schema if not exists staging")
        con.execute("create or replace table staging.not_a_mart as select 1 as x")
    return path


def publish(warehouse: Path) -> serving.PublishResult:
    with duckdb.connect(str(warehouse)) as con:
        return serving.publish_marts(con, serving.ServingPaths.beside(warehouse))


def test_publish_copies_every_mart_to_duckdb_and_parquet(tmp_path):
    warehouse = make_warehouse(tmp_path / "contacts.duckdb")
    result = publish(warehouse)
    paths = result.paths
    assert paths.database == tmp_path / "serving.duckdb"
    assert paths.parquet_dir == tmp_path / "marts"
    assert result.row_counts == {"dim_actors": 1, "fct_meetings": 2}

    with duckdb.connect(str(paths.database), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()
        assert tables == [("marts", "dim_actors"), ("marts", "fct_meetings")]
        rows = con.execute("select * from marts.fct_meetings order by meeting_id").fetchall()
        storage = con.execute(
            "select tags from duckdb_databases() where database_name = 'serving'"
        ).fetchall()
    assert rows[0][0] == "m0" and rows[0][2] == datetime(2025, 3, 8, 10, tzinfo=UTC)
    assert storage[0][0]["storage_version"].startswith("v1.0.0")

    assert paths.parquet_dir.is_symlink()
    files = sorted(p.name for p in paths.parquet_dir.iterdir())
    assert files == [serving.MANIFEST, "dim_actors.parquet", "fct_meetings.parquet"]
    parquet_file = paths.parquet_dir / "fct_meetings.parquet"
    parquet = duckdb.sql(f"select * from '{parquet_file}' order by 1").fetchall()
    assert parquet == rows
    # Nothing half-written is left behind.
    assert not list(tmp_path.glob(".serving.duckdb.*"))


def count_in_another_process(database: Path, relation: str) -> int:
    code = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
        f"print(con.execute('select count(*) from {relation}').fetchall()[0][0])"
    )
    command = [sys.executable, "-c", code, str(database)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_publish_replaces_the_copy_atomically(tmp_path):
    warehouse = make_warehouse(tmp_path / "contacts.duckdb", meetings=2)
    paths = publish(warehouse).paths
    old_reader = duckdb.connect(str(paths.database), read_only=True)
    old_parquet = paths.parquet_dir.resolve()
    try:
        make_warehouse(warehouse, meetings=5)
        publish(warehouse)
        # The open connection still reads the copy it opened; a new one sees the new copy
        # (in another process: within one process DuckDB shares the instance of a path
        # that is still open).
        assert old_reader.execute("select count(*) from marts.fct_meetings").fetchall() == [(2,)]
        assert count_in_another_process(paths.database, "marts.fct_meetings") == 5
        assert paths.parquet_dir.resolve() != old_parquet
        count = duckdb.sql(f"select count(*) from '{paths.parquet_dir}/fct_meetings.parquet'").fetchall()
        assert count == [(5,)]
    finally:
        old_reader.close()
    # The previous Parquet version is kept for readers that listed it; older ones go.
    make_warehouse(warehouse, meetings=6)
    publish(warehouse)
    versions = [p for p in tmp_path.glob(".marts.*") if p.is_dir() and not p.is_symlink()]
    assert len(versions) == 1 + serving.KEEP_PARQUET_VERSIONS
    assert not old_parquet.exists()


def test_publish_without_marts_fails_and_keeps_the_old_copy(tmp_path):
    warehouse = make_warehouse(tmp_path / "contacts.duckdb")
    paths = publish(warehouse).paths
    with duckdb.connect(str(warehouse)) as con:
        con.execute("drop schema marts cascade")
        with pytest.raises(ValueError, match="no tables"):
            serving.publish_marts(con, paths)
    with duckdb.connect(str(paths.database), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_meetings").fetchall() == [(2,)]


def test_a_real_folder_named_marts_is_moved_aside(tmp_path):
    warehouse = make_warehouse(tmp_path / "contacts.duckdb")
    (tmp_path / "marts").mkdir()
    (tmp_path / "marts" / "old.parquet").write_bytes(b"x")
    paths = publish(warehouse).paths
    assert paths.parquet_dir.is_symlink()
    assert (paths.parquet_dir / "fct_meetings.parquet").exists()


def contents(database: Path) -> dict[str, tuple[list, list]]:
    """Per mart its columns (name, type) and its rows in a stable order."""
    with duckdb.connect(str(database), read_only=True) as con:
        out = {}
        for table in serving.mart_tables(con):
            columns = con.execute(f"describe marts.{table}").fetchall()
            rows = con.execute(f"select * from marts.{table} order by all").fetchall()
            out[table] = ([c[:2] for c in columns], rows)
        return out


def parquet_contents(folder: Path) -> dict[str, list]:
    return {
        p.stem: duckdb.sql(f"select * from '{p}' order by all").fetchall()
        for p in sorted(folder.glob("*.parquet"))
    }


def storage_version(database: Path) -> str:
    with duckdb.connect(str(database), read_only=True) as con:
        tags = con.execute(
            "select tags from duckdb_databases() where not internal and tags <> map{}"
        ).fetchall()
    return tags[0][0]["storage_version"]


def test_an_update_in_place_equals_a_full_copy(tmp_path):
    """Rows deleted, changed, added and doubled, a mart added, one dropped, one with a new
    column, one unchanged: the updated copy holds what a copy written in full holds."""
    warehouse = make_warehouse(tmp_path / "contacts.duckdb", meetings=6)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table marts.rpt_unchanged as select i, 'x' || i as label from range(5) t(i)")
        con.execute("create table marts.rpt_dropped as select 1 as x")
    first = publish(warehouse)
    assert first.mode == "written"
    before = first.paths.parquet_dir.resolve()
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from marts.fct_meetings where meeting_id = 'm1'")
        con.execute("update marts.fct_meetings set meeting_date = null where meeting_id = 'm2'")
        con.execute("insert into marts.fct_meetings select 'm9', date '2025-04-01', null")
        con.execute("insert into marts.fct_meetings select * from marts.fct_meetings where meeting_id = 'm3'")
        con.execute("alter table marts.dim_actors add column country varchar default 'USA'")
        con.execute("drop table marts.rpt_dropped")
        con.execute("create table marts.rpt_new as select 42 as answer")
    second = publish(warehouse)
    assert second.mode == "updated"
    assert sorted(second.changed) == ["dim_actors", "fct_meetings", "rpt_new"]

    full = tmp_path / "full"
    full.mkdir()
    shutil.copy(warehouse, full / "contacts.duckdb")
    reference = publish(full / "contacts.duckdb")
    assert reference.mode == "written"
    assert contents(second.paths.database) == contents(reference.paths.database) == contents(warehouse)
    assert parquet_contents(second.paths.parquet_dir) == parquet_contents(reference.paths.parquet_dir)
    assert storage_version(second.paths.database).startswith(serving.STORAGE_VERSION)
    # The unchanged mart's Parquet file is the one published before, the others are new.
    after = second.paths.parquet_dir.resolve()
    assert (after / "rpt_unchanged.parquet").samefile(before / "rpt_unchanged.parquet")
    assert not (after / "fct_meetings.parquet").samefile(before / "fct_meetings.parquet")

    # Nothing changed since: the published copy and Parquet folder are left as they are.
    published = (second.paths.database.stat().st_ino, after)
    third = publish(warehouse)
    assert third.mode == "unchanged" and third.changed == []
    assert (third.paths.database.stat().st_ino, third.paths.parquet_dir.resolve()) == published
    assert contents(third.paths.database) == contents(warehouse)
    assert third.row_counts == second.row_counts == reference.row_counts
    assert not list(tmp_path.glob(".serving.duckdb.*"))


def test_a_copy_that_is_not_only_marts_is_written_anew(tmp_path):
    warehouse = make_warehouse(tmp_path / "contacts.duckdb")
    paths = publish(warehouse).paths
    with duckdb.connect(str(paths.database)) as con:
        con.execute("create view marts.my_view as select 1 as x")
    result = publish(warehouse)
    assert result.mode == "written"
    assert contents(paths.database) == contents(warehouse)
    with duckdb.connect(str(paths.database), read_only=True) as con:
        assert con.execute(
            "select count(*) from information_schema.tables where table_type = 'VIEW'"
        ).fetchall() == [(0,)]


def test_parquet_files_of_another_database_file_are_not_reused(tmp_path):
    """A crash between replacing the database and switching the Parquet folder leaves the
    folder of the copy before: its files are written again, not linked."""
    warehouse = make_warehouse(tmp_path / "contacts.duckdb", meetings=3)
    paths = publish(warehouse).paths
    old_folder = paths.parquet_dir.resolve()
    # What a crash after os.replace leaves: a newer database beside the old Parquet folder.
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into marts.dim_actors values ('Annalena Baerbock', 1)")
    newer = tmp_path / "newer"
    newer.mkdir()
    shutil.copy(warehouse, newer / "contacts.duckdb")
    os.replace(publish(newer / "contacts.duckdb").paths.database, paths.database)
    assert paths.parquet_dir.resolve() == old_folder

    result = publish(warehouse)
    assert result.mode == "updated" and result.changed == []
    assert parquet_contents(paths.parquet_dir)["dim_actors"] == contents(warehouse)["dim_actors"][1]
    assert not (paths.parquet_dir / "dim_actors.parquet").samefile(old_folder / "dim_actors.parquet")


# --- the Dagster asset and whole pipeline runs --------------------------------------


def test_serving_asset_follows_every_mart():
    from orchestration.assets import WAREHOUSE_POOL
    from orchestration.definitions import defs
    from orchestration.jobs import JOB_NAME

    graph = defs.resolve_asset_graph()
    node = graph.get(AssetKey(["serving", "marts"]))
    marts = {key for key in graph.get_all_asset_keys() if key.path[0] == "marts"}
    assert len(marts) >= 8
    assert set(node.parent_keys) == marts
    assert node.group_name == "serving"
    assert node.assets_def.op.pool == WAREHOUSE_POOL
    job = defs.resolve_job_def(JOB_NAME)
    assert AssetKey(["serving", "marts"]) in job.asset_layer.selected_asset_keys


def run_pipeline(extractor: FakeExtractor) -> None:
    """Every asset (raw, dbt, serving) in one run, as the refresh job does."""
    from dagster_dbt import DbtCliResource

    from orchestration.assets import raw_assets
    from orchestration.dbt import dbt_executable, dbt_project
    from orchestration.definitions import dbt_models, serving_marts
    from orchestration.resources import ContactsWarehouse, InboxResource

    result = materialize(
        [*raw_assets, dbt_models, serving_marts],
        resources={
            "warehouse": ContactsWarehouse(),
            "inbox": InboxResource(),
            "extractor": extractor,
            "dbt": DbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable()),
        },
        raise_on_error=False,
    )
    assert result.success


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory):
    """The whole pipeline run once on the small test inbox (fake extractor, tiny KB)."""
    root = tmp_path_factory.mktemp("serving_pipeline")
    inbox = write_inbox(root / "inbox")
    kb = root / "kb"
    kb.mkdir()
    for name, text in KNOWLEDGE_BASE.items():
        (kb / name).write_text(text, encoding="utf-8")
    warehouse = root / "warehouse" / "contacts.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CONTACTS_INBOX", str(inbox))
        mp.setenv("CONTACTS_WAREHOUSE", str(warehouse))
        mp.setenv("CONTACTS_KB_DIR", str(kb))
        run_pipeline(FakeExtractor())
        paths = serving.ServingPaths.beside(warehouse)
        yield {"inbox": inbox, "warehouse": warehouse, "kb": kb, "paths": paths}


def mart_counts(database: Path) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as con:
        names = serving.mart_tables(con)
        return {name: con.execute(f'select count(*) from marts."{name}"').fetchall()[0][0] for name in names}


def test_pipeline_publishes_the_marts(pipeline):
    paths = pipeline["paths"]
    with duckdb.connect(str(pipeline["warehouse"]), read_only=True) as con:
        marts = serving.mart_tables(con)
    assert mart_counts(paths.database) == mart_counts(pipeline["warehouse"])
    assert sorted(p.stem for p in paths.parquet_dir.glob("*.parquet")) == marts


def _uv() -> list[str] | None:
    if shutil.which("uv"):
        return [shutil.which("uv")]
    for python in ("python3", sys.executable):
        found = shutil.which(python) or python
        probe = subprocess.run([found, "-m", "uv", "--version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return [found, "-m", "uv"]
    return None


@pytest.fixture(scope="session")
def duckdb1_python() -> Path:
    """A Python with DuckDB 1.x, in a virtual environment cached between runs."""
    uv = _uv()
    if uv is None:
        pytest.skip("uv is not installed: cannot make a DuckDB 1.x environment")
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "diplomatic-contacts"
    venv = cache / "duckdb1-venv"
    python = venv / "bin" / "python"
    probe = "import duckdb, pytz, sys; sys.exit(not duckdb.__version__.startswith('1.'))"
    check = [str(python), "-c", probe]
    if python.exists() and subprocess.run(check, capture_output=True, check=False).returncode == 0:
        return python
    cache.mkdir(parents=True, exist_ok=True)
    steps = [
        [*uv, "venv", "--quiet", "--clear", str(venv)],
        # pytz: DuckDB 1.x needs it to hand TIMESTAMP WITH TIME ZONE values to Python.
        [*uv, "pip", "install", "--quiet", "--python", str(python), "duckdb<2", "pytz"],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, timeout=300, check=False)
        if done.returncode != 0:
            pytest.skip(f"could not install DuckDB 1.x (needs the package registry): {done.stderr[-500:]}")
    return python


DUCKDB1_READER = r"""
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = [r[0] for r in con.execute(
    "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
print(json.dumps({"version": duckdb.__version__,
                  "counts": {t: len(con.execute(f'select * from marts."{t}"').fetchall()) for t in tables}}))
"""


def test_duckdb1_client_reads_every_mart(pipeline, duckdb1_python):
    import json

    done = subprocess.run(
        [str(duckdb1_python), "-c", DUCKDB1_READER, str(pipeline["paths"].database)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["version"].startswith("1.")
    assert report["counts"] == mart_counts(pipeline["paths"].database)
    assert report["counts"]["fct_meetings"] > 0


READER = r"""
import sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
def count():
    return con.execute("select count(*) from marts.fct_contact_mentions").fetchall()[0][0]
print(count(), flush=True)
for _ in sys.stdin:
    print(count(), flush=True)
"""


def test_pipeline_runs_while_another_process_reads_the_serving_copy(pipeline):
    database = pipeline["paths"].database
    before = mart_counts(database)["fct_contact_mentions"]
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert int(reader.stdout.readline()) == before
        (pipeline["inbox"] / "merz-macron-paris.txt").write_text(
            "date 2025-06-02\nBundeskanzler Merz traf in Paris Präsident Macron.", encoding="utf-8"
        )
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("CONTACTS_INBOX", str(pipeline["inbox"]))
            mp.setenv("CONTACTS_WAREHOUSE", str(pipeline["warehouse"]))
            mp.setenv("CONTACTS_KB_DIR", str(pipeline["kb"]))
            run_pipeline(FakeExtractor())  # succeeds although the reader holds the copy open
        # The reader keeps working on the copy it opened ...
        reader.stdin.write("again\n")
        reader.stdin.flush()
        assert int(reader.stdout.readline()) == before
        # ... and a new connection sees the new article.
        assert mart_counts(database)["fct_contact_mentions"] == before + 1
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    assert reader.returncode == 0, reader.stderr.read()


def test_duckdb1_client_reads_a_copy_updated_in_place(tmp_path, duckdb1_python):
    import json

    warehouse = make_warehouse(tmp_path / "contacts.duckdb", meetings=4)
    publish(warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from marts.fct_meetings where meeting_id = 'm0'")
        con.execute(
            "insert into marts.fct_meetings select 'm' || i, date '2025-05-01', null from range(10, 15) t(i)"
        )
    result = publish(warehouse)
    assert result.mode == "updated" and result.changed == ["fct_meetings"]
    done = subprocess.run(
        [str(duckdb1_python), "-c", DUCKDB1_READER, str(result.paths.database)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["counts"] == {"dim_actors": 1, "fct_meetings": 8}
