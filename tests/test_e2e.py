"""The whole pipeline (real spaCy extractor, real knowledge base, dbt) on data/samples/articles."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from transforms import warehouse as wh

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLES = REPO_ROOT / "data" / "samples" / "articles"
MARTS = ("dim_actors", "fct_meetings", "fct_meeting_participants", "rpt_topics_by_month")


def contents(database: Path) -> dict[str, list[tuple]]:
    """Every raw table and every mart, fully, in a stable order."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        relations = [
            (schema, name)
            for schema, name in con.execute(
                "SELECT table_schema, table_name FROM information_schema.tables "
                "WHERE table_schema IN ('raw', 'marts') ORDER BY ALL"
            ).fetchall()
        ]
        # Identifiers come from the catalog of the test's own database.
        return {
            f"{schema}.{name}": con.execute(f'SELECT * FROM "{schema}"."{name}" ORDER BY ALL').fetchall()
            for schema, name in relations
        }
    finally:
        con.close()


def extractor_versions(tables: dict[str, list[tuple]]) -> set[str]:
    column = list(wh.EXTRACTION_STATE_SCHEMA).index("extractor_version")
    return {row[column] for row in tables["raw.extraction_state"]}


@pytest.fixture
def real_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if not (REPO_ROOT / "transforms" / "extract.py").exists():
        pytest.skip("transforms/extract.py (the spaCy extractor) is not there yet")
    if not any(SAMPLES.glob("*.txt")):
        pytest.skip(f"the sample corpus {SAMPLES} has no .txt articles yet")
    database = tmp_path / "warehouse" / "contacts.duckdb"
    monkeypatch.setenv("CONTACTS_INBOX", str(SAMPLES))
    monkeypatch.setenv("CONTACTS_WAREHOUSE", str(database))
    # The real curated knowledge base and a blank German pipeline, as `make run` uses.
    monkeypatch.delenv("CONTACTS_KB_DIR", raising=False)
    monkeypatch.delenv("CONTACTS_SPACY_BASE", raising=False)
    # A throwaway Dagster instance instead of a developer's DAGSTER_HOME.
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    return database


def test_full_pipeline_on_the_samples_is_repeatable(real_pipeline: Path, capsys: pytest.CaptureFixture):
    from orchestration import cli

    assert cli.main(["run"]) == 0, "first run failed"
    first = contents(real_pipeline)
    out = capsys.readouterr().out
    assert "contacts extracted" in out
    assert "marts.fct_meetings" in out

    for name in MARTS:
        assert first.get(f"marts.{name}"), f"marts.{name} is empty"
    articles = first["raw.articles"]
    assert len(articles) + len(first["raw.rejected_inputs"]) == len(list(SAMPLES.glob("*.txt")))

    assert cli.main(["run"]) == 0, "second run failed"
    second = contents(real_pipeline)
    assert extractor_versions(second) == extractor_versions(first), (
        "the extractor version changed between the runs: were transforms/ or transforms/kb edited meanwhile?"
    )
    assert set(second) == set(first)
    for relation in sorted(first):
        assert second[relation] == first[relation], f"{relation} changed on the second run"

    # Every article was extracted by one extractor version.
    assert len(extractor_versions(second)) == 1
