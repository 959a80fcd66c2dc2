"""Contact extraction sharded across processes: one spaCy pipeline per process, all cores busy.

``nlp.pipe(n_process=...)`` ships Docs between processes and was measured slower than one
process for this rule pipeline. Here the calling process and ``workers - 1`` helper
processes (``spawn`` start method: no forked Dagster or DuckDB state) each build the
pipeline once and pull chunks of articles from one shared queue; a helper sends back
``ArticleExtraction`` records or, cheaper, the raw-table frames built from them
(``transforms.records.extraction_frames``), never Docs.

* ``extract_parallel``: one call, helpers started and stopped with it.
* ``ParallelExtractor``: helpers kept for several calls (``extract``, ``submit``/``finish``).
* ``RunExtractor``: what a run's ``raw_extractions`` uses (via
  ``orchestration.resources.ExtractorResource``): batches, helpers only once the run is
  big enough, the next batch extracted while the last one is written.

* The caller starts extracting at once; helpers join when their pipeline is built (a few
  seconds), so a parallel run is never much slower than an in-process one, and inputs
  smaller than ``min_articles`` do not start helpers at all.
* Output order is input order, and the records equal those of ``extract_articles``.
* A helper whose pipeline has another extractor version than the caller's (the code or
  the knowledge base changed on disk after the caller built its pipeline) is not used,
  so no record is labelled with the wrong version.
* An exception while extracting an article is raised in the caller, as in-process: the
  helper hands the chunk back and the caller extracts it itself. A helper that dies
  hands its chunk back the same way.
* Results come back through files in a spool folder, not through the pipe. A pipe carries
  64 KiB per read, and each read makes the receiving thread win the GIL back from the
  extraction running in this process, which holds it for up to the switch interval
  (5 ms): a chunk's frames (a few MB) took a helper's whole extraction time to arrive,
  and the helper waited in ``send`` meanwhile (two processes ran x1.3 instead of x2). A
  file is read in one call. The same hand-over delays the chunks sent to helpers and the
  pipe's message headers, so while helpers run, this process also asks its threads to
  trade the GIL every 0.5 ms instead of 5 ms (``sys.setswitchinterval``; restored on
  ``close``): a 10k-article run split its chunks 56:24 between this process and a helper
  before, 40:40 after, and extracted in 12.8 s instead of 14.9 s.

``CONTACTS_WORKERS`` sets the number of extracting processes (default: the CPUs this
process may use; 1 = in-process only).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import os
import pickle
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from queue import SimpleQueue
from typing import Any, TypeVar

import polars as pl

from transforms.articles import Article
from transforms.records import ArticleExtraction

WORKERS_ENV = "CONTACTS_WORKERS"
# Below this many articles the helpers' start-up (import spaCy, build the pipeline: a few
# seconds each) costs more than it saves.
MIN_ARTICLES = 1000
# GIL switch interval while helpers run (see the module docstring); Python's default is 5 ms.
HELPER_SWITCH_INTERVAL = 0.0005
# Chunk bounds: small enough that the last chunks even out between processes, large
# enough that sending them costs nothing next to extracting them.
MIN_CHUNK = 16
MAX_CHUNK = 200

log = logging.getLogger(__name__)

K = TypeVar("K")
# A batch as extract_batches yields it: the caller's key, the articles, their records (or
# their ExtractionFrames).
Batch = tuple[K, Sequence[Article], Any]


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    """$CONTACTS_WORKERS if set (at least 1), else the number of usable CPUs."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if not value:
        return available_cpus()
    try:
        workers = int(value)
    except ValueError:
        raise ValueError(f"{WORKERS_ENV} must be a whole number, not {value!r}") from None
    return max(1, workers)


def chunk_size(count: int, workers: int) -> int:
    # About 8 chunks per process, within the bounds.
    return max(MIN_CHUNK, min(MAX_CHUNK, count // (workers * 8) or MIN_CHUNK))


@dataclass(slots=True)
class ParallelStats:
    """What a parallel extraction did, for logs and the benchmark."""

    workers: int = 1  # extracting processes, this one included
    helpers_ready: int = 0
    helpers_used: int = 0
    chunks: int = 0
    chunks_by_caller: int = 0
    chunks_by_helpers: int = 0
    problems: list[str] = field(default_factory=list)


def _concat_frames(parts: Sequence[Any], frames_version: str) -> Any:
    from transforms.records import ExtractionFrames, extraction_frames

    if not parts:
        return extraction_frames([], frames_version)
    return ExtractionFrames(
        **{name: pl.concat([part.as_dict()[name] for part in parts]) for name in parts[0].as_dict()}
    )


class _Job:
    """The chunks of one ``extract`` call, shared by the caller and the helper threads."""

    def __init__(self, chunks: list[list[Article]], stats: ParallelStats, frames_version: str | None = None):
        self.chunks = chunks
        self.stats = stats
        self.frames_version = frames_version
        self.pending: deque[int] = deque(range(len(chunks)))
        self.results: list[Any] = [None] * len(chunks)
        self.in_flight = 0
        self.closed = False
        self.cond = threading.Condition()

    def take_for_helper(self, ahead: bool = False) -> int | None:
        """The next chunk for a helper; ``ahead``: a second one to queue behind its current
        chunk, only while enough are left that the last ones still even out."""
        with self.cond:
            if self.closed or not self.pending or (ahead and len(self.pending) < 4):
                return None
            self.in_flight += 1
            return self.pending.popleft()

    def done(self, index: int, result: Any, first_of_helper: bool) -> None:
        with self.cond:
            self.results[index] = result
            self.in_flight -= 1
            self.stats.chunks_by_helpers += 1
            self.stats.helpers_used += first_of_helper
            self.cond.notify_all()

    def give_back(self, index: int) -> None:
        with self.cond:
            self.pending.appendleft(index)
            self.in_flight -= 1
            self.cond.notify_all()

    def take_for_caller(self) -> int | None:
        """The next chunk; waits while helpers hold the last ones (they may hand them back)."""
        with self.cond:
            while True:
                if self.pending:
                    return self.pending.popleft()
                if self.in_flight == 0:
                    self.closed = True
                    return None
                self.cond.wait()

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify_all()


def _helper_main(conn: Connection, base: str | None, spool: str) -> None:
    """Entry point of a helper process: build the pipeline once, then extract chunks.

    Each chunk's result is pickled to a file in ``spool`` and only its path is sent.
    """
    from transforms.extract import build_pipeline, extractor_version

    try:
        nlp = build_pipeline(base)
    except BaseException:
        conn.send(("failed", traceback.format_exc()))
        return
    conn.send(("ready", extractor_version(nlp)))
    # A reader thread takes the next chunk off the pipe while this one is extracted, so the
    # helper never waits for the parent (whose thread has to win the GIL from extraction).
    inbox: SimpleQueue[Any] = SimpleQueue()

    def read() -> None:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError, KeyboardInterrupt):
                message = None
            inbox.put(message)
            if message is None:
                return

    threading.Thread(target=read, name="contacts-extract-reader", daemon=True).start()
    names = (Path(spool) / f"{os.getpid()}-{n}.pickle" for n in itertools.count())
    while (chunk := inbox.get()) is not None:
        frames_version, articles = chunk
        try:
            result = _extract_chunk(nlp, articles, frames_version)
        except Exception:
            conn.send(("error", traceback.format_exc()))
            continue
        path = next(names)
        path.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        conn.send(("ok", str(path)))


def _take_result(path: str) -> Any:
    """A helper's result from its spool file, which is removed."""
    file = Path(path)
    try:
        return pickle.loads(file.read_bytes())
    finally:
        file.unlink(missing_ok=True)


def _extract_chunk(nlp: Any, articles: Sequence[Article], frames_version: str | None) -> Any:
    """Records of ``articles``; with ``frames_version``, their raw-table frames instead.

    Frames travel between processes as Arrow buffers, which costs next to nothing; record
    objects cost about 0.3 ms per article to pickle and unpickle, some 10% of extracting.
    """
    from transforms.extract import extract_article

    records = [extract_article(nlp, article) for article in articles]
    if frames_version is None:
        return records
    from transforms.records import extraction_frames

    return extraction_frames(records, frames_version)


class _Helper:
    """One helper process and the thread in this process that alone talks to it."""

    def __init__(self, ctx: Any, base: str | None, version: str, owner: ParallelExtractor, spool: str):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_helper_main, args=(child, base, spool), daemon=True)
        self.version = version
        self.owner = owner
        self.ready = threading.Event()
        self.gone = False
        self.jobs: SimpleQueue[_Job | None] = SimpleQueue()
        self.process.start()
        child.close()
        self.thread = threading.Thread(target=self._run, name="contacts-extract-helper", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            status, payload = self.conn.recv()
        except (EOFError, OSError):
            self.gone = True
            return  # stopped before it was ready, or died
        if status != "ready" or payload != self.version:
            self.gone = True
            if status != "ready":
                self.owner._problem(f"helper failed to start:\n{payload}")
            else:
                self.owner._problem(
                    f"helper built extractor {payload}, this process {self.version}: not used"
                )
            return
        self.ready.set()
        try:
            while (job := self.jobs.get()) is not None:
                if not self._serve(job):
                    self.gone = True
                    return
        except BaseException:
            self.gone = True  # its chunks went back in _serve; later jobs skip this helper
            raise
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)

    def _serve(self, job: _Job) -> bool:
        # Up to two chunks in flight: the helper finds the next one waiting when it is done.
        sent: deque[int] = deque()
        used = False
        try:
            while True:
                while len(sent) < 2 and (index := job.take_for_helper(ahead=bool(sent))) is not None:
                    sent.append(index)
                    self.conn.send((job.frames_version, job.chunks[index]))
                if not sent:
                    return True
                status, payload = self.conn.recv()
                index = sent.popleft()
                if status != "ok":
                    # This process extracts the chunks again and raises the error itself.
                    sent.appendleft(index)
                    return False
                job.done(index, _take_result(payload), first_of_helper=not used)
                used = True
        except (EOFError, OSError, ValueError) as exc:
            self.owner._problem(f"helper lost ({exc!r}); its chunks went back to the queue", job)
            return False
        finally:
            for index in reversed(sent):
                job.give_back(index)

    def stop(self) -> None:
        self.jobs.put(None)
        if self.ready.is_set() and not self.gone:
            self.thread.join(timeout=10)
            self.process.join(timeout=5)
        if self.process.is_alive():
            # Still building its pipeline (or stuck): not needed any more.
            self.process.terminate()
            self.process.join(timeout=5)
        self.thread.join(timeout=5)
        self.conn.close()


class ParallelExtractor:
    """This process plus ``workers - 1`` helper processes, kept for several ``extract`` calls.

    ``nlp`` is this process's pipeline (built from ``base`` when not given); the helpers
    build theirs from ``base`` when started (on the first ``extract``, or by ``start``).
    Use as a context manager, or call ``close``.
    """

    def __init__(self, workers: int | None = None, base: str | None = None, nlp: Any = None):
        from transforms.extract import build_pipeline, extractor_version

        self.workers = default_workers() if workers is None else max(1, workers)
        self.base = base
        self.nlp = nlp if nlp is not None else build_pipeline(base)
        self.version = extractor_version(self.nlp)
        self._helpers: list[_Helper] = []
        self._spool: str | None = None
        self._switch_interval: float | None = None  # this process's own, while changed
        self._problems: list[str] = []
        self._lock = threading.Lock()

    def __enter__(self) -> ParallelExtractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _problem(self, message: str, job: _Job | None = None) -> None:
        log.warning(message)
        with self._lock:
            self._problems.append(message)
        if job is not None:
            with job.cond:
                job.stats.problems.append(message)

    @property
    def problems(self) -> list[str]:
        with self._lock:
            return list(self._problems)

    def start(self) -> None:
        """Start the helper processes (if not yet started); returns at once."""
        if self._helpers or self.workers == 1:
            return
        ctx = multiprocessing.get_context("spawn")
        self._spool = tempfile.mkdtemp(prefix="contacts-extract-")
        if self._switch_interval is None:
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(self._switch_interval, HELPER_SWITCH_INTERVAL))
        try:
            for _ in range(self.workers - 1):
                self._helpers.append(_Helper(ctx, self.base, self.version, self, self._spool))
        except (AssertionError, OSError) as exc:
            # E.g. inside a daemonic process, which may not have children: extract alone.
            self._problem(f"cannot start helper processes ({exc}); extracting in this process")
            self.close()
            self.workers = 1

    def wait_ready(self, timeout: float | None = None) -> int:
        """Wait until every helper is ready or gone; returns how many are ready."""
        self.start()
        deadline = None if timeout is None else time.monotonic() + timeout
        for helper in self._helpers:
            while not helper.ready.is_set() and not helper.gone and helper.thread.is_alive():
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    break
                helper.ready.wait(0.1 if left is None else min(0.1, left))
        return sum(h.ready.is_set() and not h.gone for h in self._helpers)

    def extract(
        self, articles: Sequence[Article], *, caller_extracts: bool = True, stats: ParallelStats | None = None
    ) -> list[ArticleExtraction]:
        """Records for ``articles`` in input order, equal to ``extract_articles``'s.

        With ``caller_extracts=False`` this process only hands out chunks, and extracts
        just what the helpers could not (all of it if none starts).
        """
        return self.finish(self.submit(articles, stats), caller_extracts=caller_extracts)

    def submit(
        self,
        articles: Sequence[Article],
        stats: ParallelStats | None = None,
        frames_version: str | None = None,
    ) -> _Job:
        """Queue ``articles`` for the helpers and return at once; ``finish`` collects them.

        Helpers take jobs in the order they were submitted, so a job submitted before the
        previous one is finished keeps them busy while this process does other work. With
        ``frames_version``, ``finish`` returns the raw-table frames of the records
        (``transforms.records.extraction_frames``), built where the records were extracted.
        """
        stats = stats if stats is not None else ParallelStats()
        stats.workers = self.workers
        size = chunk_size(len(articles), self.workers)
        chunks = [list(articles[i : i + size]) for i in range(0, len(articles), size)]
        stats.chunks = len(chunks)
        job = _Job(chunks, stats, frames_version)
        if chunks:
            self.start()
            for helper in self._helpers:
                if not helper.gone:
                    helper.jobs.put(job)
        return job

    def finish(self, job: _Job, *, caller_extracts: bool = True) -> Any:
        """Extract the rest of ``job`` in this process; its records in order (or its frames)."""
        stats = job.stats
        try:
            if not caller_extracts:
                # The helpers leave a job when its queue is empty or when they fail; what
                # they leave, this process extracts below.
                with job.cond:
                    while (job.pending or job.in_flight) and self._working():
                        job.cond.wait(0.1)
            while (index := job.take_for_caller()) is not None:
                job.results[index] = _extract_chunk(self.nlp, job.chunks[index], job.frames_version)
                stats.chunks_by_caller += 1
        finally:
            job.close()
        stats.helpers_ready = sum(h.ready.is_set() and not h.gone for h in self._helpers)
        assert all(result is not None for result in job.results)
        if job.frames_version is not None:
            return _concat_frames(job.results, job.frames_version)
        out: list[ArticleExtraction] = []
        for result in job.results:
            out.extend(result)
        return out

    def _working(self) -> bool:
        return any(h.thread.is_alive() and not h.gone for h in self._helpers)

    def close(self) -> None:
        helpers, self._helpers = self._helpers, []
        for helper in helpers:
            helper.stop()
        # Results of chunks nobody collected (a job closed early, a helper stopped).
        spool, self._spool = self._spool, None
        if spool is not None:
            shutil.rmtree(spool, ignore_errors=True)
        interval, self._switch_interval = self._switch_interval, None
        if interval is not None:
            sys.setswitchinterval(interval)


def extract_parallel(
    articles: Sequence[Article],
    workers: int | None = None,
    base: str | None = None,
    *,
    nlp: Any = None,
    min_articles: int = MIN_ARTICLES,
    stats: ParallelStats | None = None,
) -> list[ArticleExtraction]:
    """Extract ``articles`` with ``workers`` processes (this one included), in input order.

    ``nlp`` is this process's pipeline (built from ``base`` when not given); helpers build
    theirs from ``base``. ``workers`` defaults to ``default_workers()``; with one worker,
    or fewer than ``min_articles`` articles, everything runs in this process.
    """
    from transforms.extract import build_pipeline, extract_article

    stats = stats if stats is not None else ParallelStats()
    workers = default_workers() if workers is None else max(1, workers)
    if workers == 1 or len(articles) < max(min_articles, 2):
        stats.workers = 1
        nlp = nlp if nlp is not None else build_pipeline(base)
        return [extract_article(nlp, a) for a in articles]
    with ParallelExtractor(workers, base, nlp) as extractor:
        return extractor.extract(articles, stats=stats)


class RunExtractor:
    """The extractor of one run that extracts batch by batch (``raw_extractions``).

    Batches are extracted in this process until the run has asked for ``min_articles``
    articles in all; from then on helpers are started and kept for the following batches,
    so a run pays their start-up once and a small incremental run never does.
    ``extract_batches`` also reads one batch ahead, so the helpers extract the next batch
    while this process writes the last one.
    """

    def __init__(
        self, nlp: Any, base: str | None = None, workers: int | None = None, min_articles: int = MIN_ARTICLES
    ):
        self.nlp = nlp
        self.base = base
        self.workers = default_workers() if workers is None else max(1, workers)
        self.min_articles = min_articles
        self.requested = 0
        self.stats = ParallelStats(workers=self.workers)
        self._parallel: ParallelExtractor | None = None

    def _submit(self, articles: Sequence[Article], frames_version: str | None = None) -> _Job | None:
        """A job for the helpers, or None when this run extracts in this process (so far)."""
        self.requested += len(articles)
        if self._parallel is None and self.workers > 1 and self.requested >= self.min_articles:
            self._parallel = ParallelExtractor(self.workers, self.base, self.nlp)
            self._parallel.start()
        if self._parallel is None or self._parallel.workers == 1:
            return None
        return self._parallel.submit(articles, ParallelStats(), frames_version)

    def _finish(
        self, job: _Job | None, articles: Sequence[Article], frames_version: str | None = None
    ) -> Any:
        if job is None:
            return _extract_chunk(self.nlp, articles, frames_version)
        assert self._parallel is not None
        result = self._parallel.finish(job)
        self.stats.chunks += job.stats.chunks
        self.stats.chunks_by_caller += job.stats.chunks_by_caller
        self.stats.chunks_by_helpers += job.stats.chunks_by_helpers
        self.stats.helpers_ready = job.stats.helpers_ready
        self.stats.problems = self._parallel.problems
        return result

    def extract(self, articles: Sequence[Article]) -> list[ArticleExtraction]:
        return self._finish(self._submit(articles), articles)

    def extract_batches(
        self, batches: Iterable[tuple[K, Sequence[Article]]], frames_version: str | None = None
    ) -> Iterator[Batch[K]]:
        """``(key, articles)`` in, ``(key, articles, records)`` out, in order.

        The next batch is taken from ``batches`` (e.g. read from the warehouse) and handed
        to the helpers before the current one is yielded: while the caller writes batch n,
        the helpers extract batch n+1. ``batches`` is only advanced from this generator.
        With ``frames_version``, each batch comes with its raw-table frames
        (``ExtractionFrames``) instead of records, built in the extracting processes.
        """
        source = iter(batches)
        current = next(source, None)
        job = self._submit(current[1], frames_version) if current is not None else None
        following_job: _Job | None = None
        try:
            while current is not None:
                key, articles = current
                following = next(source, None)
                following_job = self._submit(following[1], frames_version) if following is not None else None
                records = self._finish(job, articles, frames_version)
                yield key, articles, records
                current, job, following_job = following, following_job, None
        finally:
            # Stopped early (an error while writing): the helpers need not finish the batch
            # read ahead.
            for pending in (job, following_job):
                if pending is not None:
                    pending.close()
        # All batches done: the helpers' memory is not held through the rest of the run
        # (dbt). A later call starts them again if it has enough articles.
        self.close()

    def close(self) -> None:
        if self._parallel is not None:
            self._parallel.close()
            self._parallel = None
