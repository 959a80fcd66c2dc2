"""Sharded extraction (transforms/parallel.py): same records as in-process, in input order."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

import polars
import pytest

from tests.conftest import SAMPLE_INBOX
from transforms import parallel
from transforms.articles import read_inbox
from transforms.parallel import ParallelExtractor, ParallelStats, RunExtractor, extract_parallel

HELPER_START_TIMEOUT = 180


@pytest.fixture(scope="module")
def real_kb():
    # The autouse fixture points CONTACTS_KB_DIR at a tiny KB; these tests use the real
    # one, in this process and (through the environment) in the helpers.
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("CONTACTS_KB_DIR", raising=False)
        yield


@pytest.fixture(scope="module")
def samples(real_kb):
    from transforms.extract import build_pipeline, extract_article

    articles = read_inbox(SAMPLE_INBOX).articles
    assert len(articles) > 20
    nlp = build_pipeline()
    sequential = [extract_article(nlp, a) for a in articles]
    assert sum(len(x.contacts) for x in sequential) > 0
    return nlp, articles, sequential


@pytest.fixture(autouse=True)
def kb_for_this_module(knowledge_base, real_kb, monkeypatch):
    # After conftest's tiny KB (knowledge_base) has been set up: undo it.
    monkeypatch.delenv("CONTACTS_KB_DIR", raising=False)


def test_helpers_give_the_sequential_records_in_input_order(samples):
    nlp, articles, sequential = samples
    before = sys.getswitchinterval()
    with ParallelExtractor(2, nlp=nlp) as extractor:
        assert extractor.wait_ready(timeout=HELPER_START_TIMEOUT) == 1, extractor.problems
        helpers_only = ParallelStats()
        # Everything through the helper process...
        assert extractor.extract(articles, caller_extracts=False, stats=helpers_only) == sequential
        assert helpers_only.chunks > 1
        assert helpers_only.chunks_by_helpers == helpers_only.chunks
        # ...and shared between this process and the helper.
        shared = ParallelStats()
        assert extractor.extract(list(reversed(articles)), stats=shared) == list(reversed(sequential))
        assert shared.chunks_by_caller + shared.chunks_by_helpers == shared.chunks
        assert not extractor.problems
        # Results came back through spool files, each removed once read.
        spool = Path(extractor._spool)
        assert spool.is_dir() and not list(spool.iterdir())
        assert sys.getswitchinterval() <= parallel.HELPER_SWITCH_INTERVAL
    assert not multiprocessing.active_children()
    assert not spool.exists()
    assert sys.getswitchinterval() == before


def test_the_spool_is_removed_when_a_job_is_abandoned(samples):
    nlp, articles, sequential = samples
    with ParallelExtractor(2, nlp=nlp) as extractor:
        assert extractor.wait_ready(timeout=HELPER_START_TIMEOUT) == 1, extractor.problems
        job = extractor.submit(articles, ParallelStats())
        # Wait until the helper has handed in a chunk, then abandon the job.
        spool = Path(extractor._spool)
        with job.cond:
            while not job.stats.chunks_by_helpers:
                job.cond.wait(1)
        job.close()
    assert not spool.exists()


def test_extract_parallel_equals_sequential(samples):
    nlp, articles, sequential = samples
    stats = ParallelStats()
    assert extract_parallel(articles, 2, nlp=nlp, min_articles=0, stats=stats) == sequential
    assert stats.workers == 2
    assert not multiprocessing.active_children()


def test_small_inputs_and_one_worker_stay_in_process(samples):
    nlp, articles, sequential = samples
    stats = ParallelStats()
    assert extract_parallel(articles[:5], 2, nlp=nlp, stats=stats) == sequential[:5]
    assert stats.workers == 1
    assert extract_parallel(articles, 1, nlp=nlp, min_articles=0) == sequential
    assert extract_parallel([], 2, nlp=nlp) == []
    assert not multiprocessing.active_children()


def test_helpers_that_cannot_start_leave_the_work_to_this_process(samples):
    nlp, articles, sequential = samples
    with ParallelExtractor(2, base="no_such_spacy_pipeline_xyz", nlp=nlp) as extractor:
        assert extractor.wait_ready(timeout=HELPER_START_TIMEOUT) == 0
        stats = ParallelStats()
        assert extractor.extract(articles, caller_extracts=False, stats=stats) == sequential
        assert stats.chunks_by_caller == stats.chunks
        assert any("failed to start" in p for p in extractor.problems)


def test_run_extractor_starts_helpers_once_the_run_is_big_enough(samples):
    nlp, articles, sequential = samples
    half = len(articles) // 2
    run = RunExtractor(nlp, workers=2, min_articles=len(articles))
    try:
        assert run.extract(articles[:half]) == sequential[:half]
        assert run._parallel is None  # a small run never starts helpers
        assert run.extract(articles[half:]) == sequential[half:]
        assert run._parallel is not None
        assert run.extract(articles) == sequential  # the helpers are kept for later batches
    finally:
        run.close()
    assert not multiprocessing.active_children()


def test_worker_count_from_the_environment(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_ENV, "3")
    assert parallel.default_workers() == 3
    monkeypatch.setenv(parallel.WORKERS_ENV, "0")
    assert parallel.default_workers() == 1
    monkeypatch.setenv(parallel.WORKERS_ENV, " ")
    assert parallel.default_workers() == parallel.available_cpus()
    monkeypatch.setenv(parallel.WORKERS_ENV, "many")
    with pytest.raises(ValueError, match="CONTACTS_WORKERS"):
        parallel.default_workers()


def test_chunks_even_out_between_processes():
    assert parallel.chunk_size(49, 2) == parallel.MIN_CHUNK
    assert parallel.chunk_size(2000, 2) == 125
    assert parallel.chunk_size(100_000, 2) == parallel.MAX_CHUNK


def test_batches_are_read_ahead_and_come_back_in_order(samples):
    nlp, articles, sequential = samples
    batches = [(n, articles[n : n + 10]) for n in range(0, len(articles), 10)]
    taken: list[int] = []

    def source():
        for key, batch in batches:
            taken.append(key)
            yield key, batch

    run = RunExtractor(nlp, workers=2, min_articles=0)
    try:
        seen = []
        for key, batch, records in run.extract_batches(source()):
            # The batch after this one has been taken already (handed to the helpers).
            assert taken[-1] == min(key + 10, batches[-1][0])
            assert batch == articles[key : key + 10]
            seen.extend(records)
        assert seen == sequential
        # Stopping early leaves nothing running for the batch read ahead.
        for _ in run.extract_batches(source()):
            break
        assert run.extract(articles[:7]) == sequential[:7]
    finally:
        run.close()
    assert not multiprocessing.active_children()


def test_frames_are_built_where_the_records_are_extracted(samples):
    from transforms.records import extraction_frames

    nlp, articles, sequential = samples
    expected = extraction_frames(sequential, "v-test").as_dict()
    batches = [(n, articles[n : n + 20]) for n in range(0, len(articles), 20)]
    for min_articles in (0, 10_000):  # with helpers, and all in this process
        run = RunExtractor(nlp, workers=2, min_articles=min_articles)
        try:
            parts = [frames for _, _, frames in run.extract_batches(batches, frames_version="v-test")]
        finally:
            run.close()
        for name, frame in expected.items():
            assert polars.concat([p.as_dict()[name] for p in parts]).equals(frame), name


def test_the_resource_builds_frames_from_a_fake_extractor_too(fake_extractor, corpus, tmp_path):
    from transforms.articles import read_inbox as read
    from transforms.records import extraction_frames

    articles = read(corpus.write(tmp_path / "inbox")).articles
    expected = extraction_frames(fake_extractor.extract(articles), "fake-1").as_dict()
    ((_, got_articles, frames),) = fake_extractor.extract_frame_batches([("all", articles)], "fake-1")
    assert got_articles == articles
    for name, frame in expected.items():
        assert frames.as_dict()[name].equals(frame), name
