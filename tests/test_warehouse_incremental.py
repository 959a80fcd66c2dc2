"""Incremental dbt builds on a warehouse built from the sample corpus.

The scenario, built once for the module: the sample corpus is loaded (real extractor and
knowledge base) and built with dbt; then one article is added to the inbox and another is
cut short (so it loses contacts), the raw layer is refreshed and dbt builds incrementally;
finally a ``--full-refresh`` build must give the same tables.

What each incremental model wrote is measured exactly: before the incremental build every
incremental table is copied to schema ``before_run``; afterwards the SQL dbt compiled for the
run is executed again with ``{{ this }}`` pointing at that copy, which yields the batch the
run inserted (its upstream models were already up to date when it ran).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from dagster import materialize

from orchestration.assets import raw_assets
from orchestration.resources import ContactsWarehouse, ExtractorResource, InboxResource
from tests.test_dbt_project import run_dbt as dbt_command

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples" / "articles"

INCREMENTAL = {
    "int_contact_mentions__participant_sets": "intermediate",
    "int_meetings_deduplicated": "intermediate",
    "fct_contact_mentions": "marts",
    "fct_meetings": "marts",
    "fct_meeting_participants": "marts",
    "fct_meeting_topics": "marts",
}
NEW_DOC = "zz-merz-macron-telefonat"
NEW_ARTICLE = (
    "date 2025-06-03\n"
    "Bundeskanzler Friedrich Merz hat am Montag mit dem französischen Präsidenten Emmanuel Macron "
    "telefoniert. Die beiden sprachen über die Ukraine und die Nato.\n"
)


class PinnedExtractor(ExtractorResource):
    """The real extractor under a version fixed for the test: edits to the extractor code
    made while the test runs (the extractor version hashes its files) must not make the
    second load re-extract every article."""

    pinned_version: str

    def version(self) -> str:
        return self.pinned_version


def run_dbt(args: list[str], warehouse: Path, work: Path) -> None:
    result = dbt_command(args, warehouse, work)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]


def load_raw(extractor: ExtractorResource) -> None:
    result = materialize(
        raw_assets,
        resources={"warehouse": ContactsWarehouse(), "inbox": InboxResource(), "extractor": extractor},
    )
    assert result.success


def tables(warehouse: Path, schemas: tuple[str, ...] = ("intermediate", "marts")) -> dict[str, list[tuple]]:
    """Every table (not view) of the schemas, fully, in a stable order."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and list_contains(?, table_schema) order by all",
            [list(schemas)],
        ).fetchall()
        # Identifiers come from the catalog of the test's own database.
        return {
            f"{schema}.{name}": con.execute(f'select * from "{schema}"."{name}" order by all').fetchall()
            for schema, name in names
        }


def copy_incremental_tables(warehouse: Path, schema: str) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f'create schema "{schema}"')
        for model, model_schema in INCREMENTAL.items():
            con.execute(f'create table "{schema}"."{model}" as select * from "{model_schema}"."{model}"')


def batch_sizes(warehouse: Path, work: Path, snapshot: str) -> dict[str, int]:
    """Rows each incremental model's last run selected, with {{ this }} = its copy in ``snapshot``."""
    database = warehouse.stem
    sizes = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for model, schema in INCREMENTAL.items():
            compiled = next((work / "target" / "compiled").rglob(f"{model}.sql")).read_text()
            this = f'"{database}"."{schema}"."{model}"'
            assert this in compiled, f"{model} was not compiled as an incremental run"
            batch = compiled.replace(this, f'"{database}"."{snapshot}"."{model}"')
            sizes[model] = con.execute(f"select count(*) from ({batch})").fetchall()[0][0]
    return sizes


def cut_short(inbox: Path, warehouse: Path) -> str:
    """Cut the sample article with the most contacts before its last contact; its doc_id."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        doc_id, evidence = con.execute(
            "select doc_id, arg_max(evidence, evidence_start_char) from raw.contact_mentions "
            "group by doc_id having count(*) >= 2 order by count(*) desc, doc_id limit 1"
        ).fetchall()[0]
    path = inbox / f"{doc_id}.txt"
    text = path.read_text(encoding="utf-8")
    assert evidence in text
    path.write_text(text[: text.index(evidence)], encoding="utf-8")
    return doc_id


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory):
    if not any(SAMPLES.glob("*.txt")):
        pytest.skip(f"the sample corpus {SAMPLES} has no articles")
    work = tmp_path_factory.mktemp("incremental")
    inbox = work / "inbox"
    shutil.copytree(SAMPLES, inbox)
    warehouse = work / "warehouse" / "contacts.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CONTACTS_INBOX", str(inbox))
        mp.setenv("CONTACTS_WAREHOUSE", str(warehouse))
        # The real knowledge base (conftest points every test at a tiny one).
        mp.delenv("CONTACTS_KB_DIR", raising=False)
        mp.delenv("CONTACTS_SPACY_BASE", raising=False)
        extractor = PinnedExtractor(pinned_version=ExtractorResource().version())

        load_raw(extractor)
        # `run`, not `build`, where the data tests add nothing: they run on the incremental build.
        run_dbt(["run"], warehouse, work)
        first = tables(warehouse)

        cut_doc = cut_short(inbox, warehouse)
        (inbox / f"{NEW_DOC}.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        load_raw(extractor)
        copy_incremental_tables(warehouse, "before_run")
        run_dbt(["build"], warehouse, work)
        incremental = tables(warehouse)
        batches = batch_sizes(warehouse, work, "before_run")
        copy_incremental_tables(warehouse, "after_run")
        rerun_batches = batch_sizes(warehouse, work, "after_run")

        run_dbt(["run", "--full-refresh"], warehouse, work)
        refreshed = tables(warehouse)
    return {
        "warehouse": warehouse,
        "changed_docs": (cut_doc, NEW_DOC),
        "first": first,
        "incremental": incremental,
        "refreshed": refreshed,
        "batches": batches,
        "rerun_batches": rerun_batches,
    }


def test_the_changes_reach_the_marts(scenario):
    with duckdb.connect(str(scenario["warehouse"]), read_only=True) as con:
        new_mentions = con.execute(
            "select count(*) from marts.fct_contact_mentions where doc_id = ?", [NEW_DOC]
        ).fetchall()[0][0]
    assert new_mentions >= 1, "the added article should report the Merz-Macron call"
    cut_doc, _ = scenario["changed_docs"]

    def mentions_of(stage: str, doc_id: str) -> int:
        # doc_id is the third column of fct_contact_mentions.
        return sum(1 for row in scenario[stage]["marts.fct_contact_mentions"] if row[2] == doc_id)

    assert mentions_of("incremental", cut_doc) < mentions_of("first", cut_doc)


def test_incremental_build_equals_a_full_refresh(scenario):
    incremental, refreshed = scenario["incremental"], scenario["refreshed"]
    assert set(incremental) == set(refreshed)
    assert {f"{schema}.{model}" for model, schema in INCREMENTAL.items()} <= set(incremental)
    for relation in sorted(refreshed):
        assert incremental[relation] == refreshed[relation], f"{relation} differs from a full refresh"


def test_incremental_build_processes_only_what_changed(scenario):
    batches = scenario["batches"]
    cut_doc, new_doc = scenario["changed_docs"]
    with duckdb.connect(str(scenario["warehouse"]), read_only=True) as con:

        def scalar(sql: str, params: list | None = None) -> int:
            return con.execute(sql, params or []).fetchall()[0][0]

        # Mentions: exactly the rows of the two changed articles.
        changed_mentions = scalar(
            "select count(*) from raw.contact_mentions where doc_id in (?, ?)", [cut_doc, new_doc]
        )
        assert batches["int_contact_mentions__participant_sets"] == changed_mentions

        # Meetings: every mention (and meeting) of the participant sets the two articles
        # touched, before or after the change, and nothing else.
        affected = (
            "select contact_type, merge_key from before_run.int_meetings_deduplicated "
            "where doc_id in ($1, $2) "
            "union select contact_type, merge_key from intermediate.int_meetings_deduplicated "
            "where doc_id in ($1, $2)"
        )
        in_affected = f"(contact_type, merge_key) in ({affected})"
        assert batches["int_meetings_deduplicated"] == scalar(
            f"select count(*) from intermediate.int_meetings_deduplicated where {in_affected}",
            [cut_doc, new_doc],
        )
        # Meeting rows: the meetings whose mentions or link changed, and the occurred
        # meetings such a meeting, or one that is gone, links to now or linked to before;
        # not the other meetings of their participant sets.
        versions = (
            "select meeting_id, occurred_meeting_id, count(*) as count_mentions, "
            "max(loaded_at) as last_loaded_at from intermediate.int_meetings_deduplicated "
            "group by meeting_id, occurred_meeting_id"
        )
        changed = (
            f"select meeting_id, occurred_meeting_id from ({versions}) as now "
            "where not exists (select 1 from before_run.fct_meetings as built "
            "where built.meeting_id = now.meeting_id and built.count_mentions = now.count_mentions "
            "and built.last_loaded_at = now.last_loaded_at "
            "and built.occurred_meeting_id is not distinct from now.occurred_meeting_id)"
        )
        linked_before = (
            "select occurred_meeting_id from before_run.fct_meetings where "
            f"meeting_id in (select meeting_id from ({changed})) "
            "or meeting_id not in (select meeting_id from intermediate.int_meetings_deduplicated)"
        )
        rewritten = scalar(
            "select count(distinct meeting_id) from intermediate.int_meetings_deduplicated "
            f"where meeting_id in (select meeting_id from ({changed}) "
            f"union select occurred_meeting_id from ({changed}) union {linked_before})"
        )
        assert batches["fct_meetings"] == rewritten
        touched_groups = scalar(
            "select count(distinct meeting_id) from intermediate.int_meetings_deduplicated "
            f"where {in_affected}",
            [cut_doc, new_doc],
        )
        assert 0 < rewritten <= touched_groups
        total_mentions = scalar("select count(*) from intermediate.int_meetings_deduplicated")
        total_meetings = scalar("select count(*) from marts.fct_meetings")

    # A few articles out of the whole corpus: a small share of every table is rewritten.
    assert 0 < batches["int_meetings_deduplicated"] <= total_mentions // 4
    assert 0 < batches["fct_meetings"] <= total_meetings // 4
    for model in ("fct_contact_mentions", "fct_meeting_participants", "fct_meeting_topics"):
        table = f"marts.{model}"
        assert batches[model] <= len(scenario["incremental"][table]) // 4, model


def test_a_rerun_without_changes_processes_nothing(scenario):
    assert scenario["rerun_batches"] == dict.fromkeys(INCREMENTAL, 0)
