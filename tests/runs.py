"""Helpers for tests that run the raw assets for real (Dagster ``materialize``) on a temp warehouse."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
from dagster import AssetKey, DagsterInstance, ExecuteInProcessResult, materialize

from orchestration.assets import raw_assets
from orchestration.checks import raw_checks
from orchestration.resources import ContactsWarehouse, ExtractorResource, InboxResource
from tests.conftest import FakeExtractor
from transforms import warehouse as wh
from transforms.articles import Article
from transforms.records import ArticleExtraction

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "inputs"


# The doc_ids the RecordingExtractor was handed, in order (resources are copied per run, so
# the record lives here). Tests clear it before the run they look at.
EXTRACTED: list[str] = []


class RecordingExtractor(FakeExtractor):
    """The fake extractor, noting which articles it extracts in EXTRACTED."""

    def extract(self, articles: Sequence[Article]) -> list[ArticleExtraction]:
        EXTRACTED.extend(a.doc_id for a in articles)
        return super().extract(articles)


def materialize_raw(
    extractor: ExtractorResource | None = None,
    tags: dict[str, str] | None = None,
    *,
    assets: Sequence | None = None,
    instance: DagsterInstance | None = None,
    selection: Sequence[AssetKey] | None = None,
) -> ExecuteInProcessResult:
    """Materialize the raw assets and their checks (resources from the CONTACTS_* variables)."""
    result = materialize(
        assets if assets is not None else [*raw_assets, *raw_checks],
        resources={
            "warehouse": ContactsWarehouse(),
            "inbox": InboxResource(),
            "extractor": extractor or FakeExtractor(),
        },
        tags=tags,
        instance=instance,
        selection=selection,
    )
    assert result.success
    return result


def metadata(result: ExecuteInProcessResult) -> dict[str, dict]:
    """Metadata per materialized table name, and per check as "check:<name>" (with "passed")."""
    meta = {
        mat.asset_key.path[-1]: {k: v.value for k, v in mat.metadata.items()}
        for mat in (e.event_specific_data.materialization for e in result.get_asset_materialization_events())
    }
    for evaluation in result.get_asset_check_evaluations():
        meta[f"check:{evaluation.check_name}"] = {
            "passed": evaluation.passed,
            "description": evaluation.description,
            **{k: v.value for k, v in evaluation.metadata.items()},
        }
    return meta


def run_raw(
    extractor: ExtractorResource | None = None, tags: dict[str, str] | None = None
) -> dict[str, dict]:
    """Materialize the raw assets and their checks; returns the metadata per table (and per check)."""
    return metadata(materialize_raw(extractor, tags))


def tables(database: Path, names: Sequence[str] = tuple(wh.TABLES)) -> dict[str, list[tuple]]:
    """Full content of raw tables, in a stable order."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        return {
            name: con.execute(f"SELECT * FROM {wh.qualified(name)} ORDER BY ALL").fetchall() for name in names
        }
    finally:
        con.close()


def column(database: Path, table: str, name: str) -> list:
    index = list(wh.TABLES[table].schema).index(name)
    return sorted(row[index] for row in tables(database, [table])[table])


def rejections(database: Path) -> dict[str, str]:
    """file name (or name:line) -> reason."""
    return {
        Path(path).name: reason
        for path, _, reason, *_ in tables(database, ["rejected_inputs"])["rejected_inputs"]
    }
