"""The synthetic-article generator of the benchmark (bench/generator.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.generator import ArticleGenerator, build_bank, split_sentences, write_corpus
from transforms.articles import parse_article, read_inbox
from transforms.knowledge import read_knowledge_base

REPO_ROOT = Path(__file__).resolve().parent.parent
KB_DIR = REPO_ROOT / "transforms" / "kb"


@pytest.fixture(scope="module")
def generator() -> ArticleGenerator:
    return ArticleGenerator(seed=11, bank=build_bank())


def test_same_seed_same_articles_and_shards_are_independent(generator):
    first = list(generator.articles(30, shard_size=10))
    again = ArticleGenerator(seed=11, bank=generator.bank)
    assert list(again.articles(30, shard_size=10)) == first
    # Any shard can be regenerated alone.
    assert list(again.shard(2, 10)) == first[20:]
    assert len({doc_id for doc_id, _ in first}) == 30
    assert [doc_id for doc_id, _ in first] == sorted(doc_id for doc_id, _ in first)
    other = ArticleGenerator(seed=12, bank=generator.bank)
    assert [t for _, t in other.articles(30, shard_size=10)] != [t for _, t in first]


def test_articles_are_valid_inbox_articles_of_sample_length(generator):
    articles = [parse_article(d, t.encode("utf-8"), d) for d, t in generator.articles(300)]
    dated = [a for a in articles if a.published is not None]
    assert len(dated) > 200
    assert {a.published.precision for a in dated} == {"day", "month"}
    samples = read_inbox(REPO_ROOT / "data" / "samples" / "articles").articles
    sample_mean = sum(len(a.text.split()) for a in samples) / len(samples)
    mean = sum(len(a.text.split()) for a in articles) / len(articles)
    assert 0.7 * sample_mean < mean < 1.3 * sample_mean


def test_slots_are_filled_from_the_knowledge_base(generator):
    kb = read_knowledge_base(KB_DIR)
    texts = [t for _, t in generator.articles(200)]
    with_person = sum(any(pid in t for pid in kb.persons) for t in texts)
    assert with_person > 150
    assert not any("Slot(" in t or "{" in t for t in texts)
    # Persons vary: far more than the few dozen of the sample corpus.
    named = {pid for pid in kb.persons if any(pid in t for t in texts)}
    assert len(named) > 100


def test_new_words_keep_coming_so_caches_do_not_flatter(generator):
    seen = {w for _, t in generator.articles(500) for w in t.split()}
    later = [w for _, t in generator.articles(300, start_shard=40) for w in t.split()]
    unseen = sum(w not in seen for w in later) / len(later)
    assert 0.01 < unseen < 0.15


def test_templates_come_from_the_samples():
    bank = build_bank()
    assert len(bank.shapes) == len(list((REPO_ROOT / "data" / "samples" / "articles").glob("*.txt")))
    assert len(bank.leads) == len(bank.shapes)
    assert len(bank.sentences) > 200
    assert len(bank.fingerprint) == 12


def test_sentence_split_keeps_dates_and_abbreviations():
    text = 'Am 15. Februar traf Dr. Müller den Präsidenten. "Wir reden", sagte er. Danach ging es weiter'
    assert split_sentences(text) == [
        "Am 15. Februar traf Dr. Müller den Präsidenten.",
        '"Wir reden", sagte er.',
        "Danach ging es weiter",
    ]


def test_write_corpus_streams_shards_as_files_or_jsonl(tmp_path, generator):
    stats = write_corpus(tmp_path / "inbox", 25, seed=11, shard_size=10, generator=generator)
    files = sorted((tmp_path / "inbox").glob("*.txt"))
    assert stats["articles"] == len(files) == 25
    assert stats["shards"] == [0, 2]
    scan = read_inbox(tmp_path / "inbox")
    assert len(scan.articles) == 25 and not scan.rejections
    write_corpus(tmp_path / "jsonl", 25, seed=11, fmt="jsonl", shard_size=10, generator=generator)
    shards = sorted((tmp_path / "jsonl").glob("shard-*.jsonl"))
    assert len(shards) == 3
    rows = [json.loads(line) for path in shards for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["doc_id"] for r in rows] == [p.stem for p in files]
    assert rows[0]["text"] == files[0].read_text(encoding="utf-8")
