"""Where the time of a run goes, without Dagster and dbt: the raw steps in one process.

    python -m bench.profile INBOX [--batch 2000] [--workers N] [--cprofile OUT.prof]
    python -m bench.profile --pipeline [--articles 2000]

The first form runs what ``raw_inbox`` and ``raw_extractions`` (orchestration/assets.py)
do, with the same transforms functions, on a scratch warehouse, and prints the time of
every sub-step: reading the inbox, the articles frame, the upsert, and per extraction
batch the read, the extraction, the frames and the write. By default the batches are
pipelined as in ``raw_extractions`` (``RunExtractor.extract_batches``: helpers extract
batch n+1 while batch n is written, and build the frames); ``--not-pipelined`` extracts
records and writes strictly in turn, the frames built here. ``--cprofile`` also writes a
cProfile of this process (the helpers are not in it).

The second form profiles the spaCy pipeline on generated articles: the share of every
component, and the functions of ``transforms/pipeline`` with the most own time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb


class Timer:
    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()

    @contextmanager
    def __call__(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - start


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def profile_run(inbox: Path, batch: int, workers: int | None, pipelined: bool = True) -> dict:
    from transforms import warehouse as wh
    from transforms.articles import read_inbox
    from transforms.extract import build_pipeline, extractor_version
    from transforms.parallel import RunExtractor
    from transforms.records import articles_frame, extraction_frames, rejections_frame

    timer = Timer()
    database = Path(tempfile.mkdtemp(prefix="contacts-profile-")) / "contacts.duckdb"

    def connect():
        with timer("connect/close"):
            return duckdb.connect(str(database))

    started = time.perf_counter()
    con = connect()
    with timer("inbox: stored articles"):
        stored = wh.stored_articles(con)
    con.close()
    with timer("inbox: read files"):
        scan = read_inbox(inbox, stored=stored)
    with timer("inbox: articles frame"):
        frame = articles_frame(scan.articles, datetime.now(UTC))
    con = connect()
    with timer("inbox: upsert"):
        wh.upsert_articles(con, frame)
        wh.record_rejections(con, rejections_frame(scan.rejections))
    con.close()
    del scan, frame
    inbox_rss = _rss_mb()

    with timer("extraction: build pipeline"):
        nlp = build_pipeline()
    version = extractor_version(nlp)
    run = RunExtractor(nlp, workers=workers)
    con = connect()
    with timer("extraction: plan"):
        plan = wh.plan_extraction(con, version)
    con.close()
    words = 0

    def read_batches():
        for start in range(0, len(plan.to_extract), batch):
            ids = plan.to_extract[start : start + batch]
            con = connect()
            with timer("extraction: read batch"):
                articles = wh.read_articles(con, ids)
            con.close()
            yield ids, articles

    def write(ids, articles, extractions=None, frames=None) -> None:
        with timer("extraction: frames"):
            if frames is None:
                frames = extraction_frames(extractions, version)
            state = wh.extraction_state_frame(articles, version)
        con = connect()
        with timer("extraction: write batch"):
            wh.replace_extractions(con, ids, frames, state)
        con.close()

    try:
        if pipelined:
            # As raw_extractions: frames built by the extracting processes.
            batches = run.extract_batches(read_batches(), frames_version=version)
            while True:
                with timer("extraction: extract (parallel)"):
                    item = next(batches, None)
                if item is None:
                    break
                ids, articles, frames = item
                words += sum(len(a.text.split()) for a in articles)
                write(ids, articles, frames=frames)
        else:
            for ids, articles in read_batches():
                words += sum(len(a.text.split()) for a in articles)
                with timer("extraction: extract (parallel)"):
                    extractions = run.extract(articles)
                write(ids, articles, extractions)
    finally:
        run.close()
    total = time.perf_counter() - started
    return {
        "articles": len(plan.to_extract),
        "words": words,
        "batch": batch,
        "workers": run.workers,
        "pipelined": pipelined,
        "total_s": round(total, 1),
        "steps_s": {k: round(v, 2) for k, v in sorted(timer.seconds.items())},
        "chunks": {"by_caller": run.stats.chunks_by_caller, "by_helpers": run.stats.chunks_by_helpers},
        "problems": run.stats.problems,
        "peak_rss_after_inbox_mb": round(inbox_rss),
        "peak_rss_mb": round(_rss_mb()),
    }


def profile_pipeline(count: int, warmup: int, seed: int, top: int) -> None:
    from bench.generator import ArticleGenerator
    from bench.run import MEASURE_SHARD, WARMUP_SHARD, _articles
    from transforms.extract import build_pipeline, extract_article

    generator = ArticleGenerator(seed)
    warm = _articles(generator, warmup, WARMUP_SHARD)
    measured = _articles(generator, count, MEASURE_SHARD)
    nlp = build_pipeline()
    for article in warm:
        extract_article(nlp, article)
    words = sum(len(a.text.split()) for a in measured)
    # Component shares: the components one by one, as extract_article runs them.
    shares: Counter[str] = Counter()
    for article in measured:
        start = time.process_time()
        doc = nlp.make_doc(article.text)
        shares["tokenizer (make_doc)"] += time.process_time() - start
        doc._.publication = article.published
        doc._.doc_id = article.doc_id
        for name, proc in nlp.pipeline:
            start = time.process_time()
            doc = proc(doc)
            shares[name] += time.process_time() - start
    start = time.process_time()
    for article in measured:
        extract_article(nlp, article)
    total = time.process_time() - start
    pipeline_total = sum(shares.values())
    print(f"{count} articles, {words} words: extract_article {words / total:,.0f} words/s (CPU)")
    rest = total - pipeline_total
    print(f"records (evidence, entities) besides the components: {rest:+.2f} s of {total:.2f} s")
    print("\ncomponent                   CPU s   share")
    for name, seconds in shares.most_common():
        print(f"{name:26s} {seconds:6.2f}  {seconds / pipeline_total:6.1%}")
    profiler = cProfile.Profile()
    profiler.enable()
    for article in measured:
        extract_article(nlp, article)
    profiler.disable()
    stats = pstats.Stats(profiler)
    own = sorted(
        ((data[2], func) for func, data in stats.stats.items()),  # type: ignore[attr-defined]
        reverse=True,
    )
    profiled = sum(t for t, _ in own)
    print(f"\nfunctions by own time (cProfile, {profiled:.1f} s with profiling overhead):")
    for seconds, (filename, line, name) in own[:top]:
        where = filename.split("/work/main/")[-1] if "/work/main/" in filename else Path(filename).name
        print(f"{seconds / profiled:6.1%}  {seconds:6.2f} s  {where}:{line} {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("inbox", type=Path, nargs="?")
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--cprofile", type=Path, default=None)
    parser.add_argument(
        "--not-pipelined", dest="pipelined", action="store_false", help="extract and write strictly in turn"
    )
    parser.add_argument("--pipeline", action="store_true", help="profile the spaCy pipeline instead")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    if args.pipeline:
        profile_pipeline(args.articles, 300, args.seed, args.top)
        return 0
    if args.inbox is None:
        parser.error("INBOX is required unless --pipeline")
    profiler = cProfile.Profile() if args.cprofile else None
    if profiler:
        profiler.enable()
    result = profile_run(args.inbox, args.batch, args.workers, args.pipelined)
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(args.cprofile))
    import json

    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
