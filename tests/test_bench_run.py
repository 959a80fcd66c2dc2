"""The speed benchmark's sample-corpus figure (bench/run.py)."""

from __future__ import annotations

from bench.run import SAMPLE_ARTICLES, SAMPLE_REPEATS, sample_corpus_rate, summary
from tests.test_pipeline import knowledge_base, nlp  # noqa: F401  (fixtures)
from transforms.articles import read_article


def test_sample_corpus_rate_reads_the_sample_articles_ten_times(nlp):  # noqa: F811
    articles = [read_article(p) for p in sorted(SAMPLE_ARTICLES.glob("*.txt"))]
    found = sample_corpus_rate(nlp, rounds=1)
    assert found["sample_corpus_articles"] == len(articles) > 0
    assert found["sample_corpus_x10_words"] == SAMPLE_REPEATS * sum(len(a.text.split()) for a in articles)
    assert found["sample_corpus_x10_words_per_s"] > 0


def test_summary_shows_the_sample_corpus_figure_when_measured():
    throughput = {
        "articles": 10,
        "words": 1_000,
        "words_per_article": 100.0,
        "extractor_version": "0.1.0+test",
        "tokenizer_words_per_s": 900_000.0,
        "blank_de_tokenizer_words_per_s": 950_000.0,
        "extraction_words_per_s": 120_000.0,
        "extraction_to_tokenizer_ratio": 0.13,
    }
    assert "sample corpus" not in summary({"throughput": throughput})
    throughput.update({"sample_corpus_x10_words": 74_770, "sample_corpus_x10_words_per_s": 151_234.5})
    assert "| extraction, 1 process, sample corpus x10 (74,770 words, best of 3) | 151,234 |" in summary(
        {"throughput": throughput}
    )
