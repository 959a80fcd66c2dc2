"""Extraction quality, measured: the project's annotated sample (always) and the shared
evaluation seeds (when ../shared is present; skipped cleanly otherwise).

The floors only ever go up: raise them when the extractor improves.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from transforms.articles import expand_paths, scan_files
from transforms.evaluation import score
from transforms.extract import build_pipeline, extract_articles
from transforms.knowledge import DEFAULT_KB_DIR

REPO = Path(__file__).resolve().parents[1]
SAMPLE_ARTICLES = REPO / "data" / "samples" / "articles"
SAMPLE_GOLD = REPO / "data" / "samples" / "gold.jsonl"
SHARED_EVAL = REPO.parent / "shared" / "eval"

SAMPLE_FLOORS = {"lenient_f1": 0.92, "strict_f1": 0.76, "type": 0.955, "status": 0.975, "topics_f1": 0.65}
SEED_FLOORS = {"lenient_f1": 0.95, "strict_f1": 0.74, "topics_f1": 0.67}


@pytest.fixture(autouse=True)
def knowledge_base(monkeypatch):
    """Quality is measured with the bundled knowledge base."""
    monkeypatch.setenv("CONTACTS_KB_DIR", str(DEFAULT_KB_DIR))
    return DEFAULT_KB_DIR


@pytest.fixture(scope="module")
def nlp():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CONTACTS_KB_DIR", str(DEFAULT_KB_DIR))
        return build_pipeline()


def predict(nlp, folder: Path, out: Path) -> Path:
    scan = scan_files(expand_paths([folder]))
    assert not scan.rejections, scan.rejections
    with out.open("w", encoding="utf-8") as fh:
        for extraction in extract_articles(nlp, scan.articles):
            for record in extraction.contacts:
                fh.write(json.dumps(record.to_schema(), ensure_ascii=False) + "\n")
    return out


def report(name: str, result: dict) -> None:
    fields = result["field_accuracy_on_matches"]
    print(
        f"\n{name}: lenient P/R/F1 {result['lenient']['precision']:.3f}/{result['lenient']['recall']:.3f}/"
        f"{result['lenient']['f1']:.3f}, strict F1 {result['strict']['f1']:.3f}, "
        f"type {fields.get('type')}, status {fields.get('status')}, date {fields.get('date')}, "
        f"participants {fields.get('participants_exact')}, location {fields.get('location')}, "
        f"topics F1 {result['topics']['f1']:.3f}"
    )


def test_sample_gold_is_well_formed():
    texts = {p.stem: p.read_text(encoding="utf-8") for p in SAMPLE_ARTICLES.glob("*.txt")}
    raw_lines = SAMPLE_GOLD.read_text(encoding="utf-8").splitlines()
    lines = [json.loads(line) for line in raw_lines if line.strip()]
    assert len(texts) >= 30
    assert {line["doc_id"] for line in lines} == set(texts)
    for line in lines:
        if line.get("negative"):
            continue
        assert line["evidence"] in texts[line["doc_id"]], line["evidence"]
        assert line["participants"] == sorted(line["participants"])
    assert sum(1 for line in lines if line.get("negative")) >= 3


def test_sample_scores_above_the_floor(nlp, tmp_path):
    result = score(SAMPLE_GOLD, predict(nlp, SAMPLE_ARTICLES, tmp_path / "sample.jsonl"), SAMPLE_ARTICLES)
    report("sample", result)
    fields = result["field_accuracy_on_matches"]
    assert result["lenient"]["f1"] >= SAMPLE_FLOORS["lenient_f1"]
    assert result["strict"]["f1"] >= SAMPLE_FLOORS["strict_f1"]
    assert fields["type"] >= SAMPLE_FLOORS["type"]
    assert fields["status"] >= SAMPLE_FLOORS["status"]
    assert result["topics"]["f1"] >= SAMPLE_FLOORS["topics_f1"]


@pytest.mark.skipif(not (SHARED_EVAL / "seeds").is_dir(), reason="../shared/eval is not present")
def test_shared_seeds_score_with_the_official_scorer(nlp, tmp_path):
    predictions = predict(nlp, SHARED_EVAL / "seeds", tmp_path / "seeds.jsonl")
    completed = subprocess.run(
        [
            sys.executable,
            str(SHARED_EVAL / "score.py"),
            str(SHARED_EVAL / "seeds-gold.jsonl"),
            str(predictions),
            "--docs",
            str(SHARED_EVAL / "seeds"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    official = json.loads(completed.stdout)
    report("shared seeds", official)
    assert official["lenient"]["f1"] >= SEED_FLOORS["lenient_f1"]
    assert official["strict"]["f1"] >= SEED_FLOORS["strict_f1"]
    assert official["topics"]["f1"] >= SEED_FLOORS["topics_f1"]
    # The project's scorer follows the same definitions: it must agree with the official one.
    assert score(SHARED_EVAL / "seeds-gold.jsonl", predictions, SHARED_EVAL / "seeds") == official
