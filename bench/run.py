"""The benchmark behind ``make bench``: extraction speed and end-to-end runs on synthetic articles.

    python -m bench.run [--sizes 10000 100000] [--throughput-articles 3000] [--skip-e2e]

1. Throughput, one process, all on the same generated text after the same warm-up:
   spaCy's tokenizer alone (``nlp.make_doc`` of the project pipeline, and of a blank German
   pipeline for reference) against the whole extraction (``extract_article``); the
   extraction on the bundled sample corpus read ten times over (the figure of the speed
   target, comparable from run to run); then the parallel extractor
   (``transforms/parallel.py``) with ``--workers`` processes, steady state (helpers already
   started) and cold (start-up included, as in a run).
2. End to end, per size: ``python -m orchestration.cli run`` (what ``make run`` does) with
   CONTACTS_INBOX / CONTACTS_WAREHOUSE in a scratch folder (``--instance persistent``:
   also DAGSTER_HOME, as ``make run``); then the same run again with nothing new (fixed
   cost); then with ``--incremental`` new articles added. Wall time, CPU seconds of the
   process tree, Dagster step times, and peak memory of the whole process tree (RSS
   summed) and of its largest process, sampled from /proc every 0.2 s.

Results go to ``bench/results/bench-<UTC time>.json``; a Markdown summary is printed.
Generated inboxes are kept in ``--workdir`` (default /tmp/contacts-bench) for the next run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.generator import DEFAULT_SEED, ArticleGenerator, write_corpus

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"
DEFAULT_WORKDIR = Path("/tmp/contacts-bench")
SAMPLE_ARTICLES = REPO_ROOT / "data" / "samples" / "articles"
SAMPLE_REPEATS = 10  # the sample corpus is small (55 articles): read this many times per round
# Shards far from the corpus ones: warm-up text and the articles an incremental run adds.
WARMUP_SHARD = 50_000
MEASURE_SHARD = 60_000
INCREMENTAL_SHARD = 90_000


def _log(message: str) -> None:
    print(f"[bench {datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- throughput ----------------------------------------------------------------------


def _articles(generator: ArticleGenerator, count: int, start_shard: int):
    from transforms.articles import parse_article

    return [parse_article(d, t.encode("utf-8"), d) for d, t in generator.articles(count, 1000, start_shard)]


def _rate(words: int, seconds: float) -> float:
    return round(words / seconds, 1) if seconds > 0 else 0.0


def sample_corpus_rate(nlp, rounds: int = 3) -> dict:
    """Extraction words/s of ``nlp`` on the bundled sample articles, each read ``SAMPLE_REPEATS``
    times per round: CPU time (``time.process_time``), best of ``rounds``.

    The figure the speed target is stated in. Unlike the generated text it never changes, so
    it compares runs of different code; as every round after the first reads text the
    caches have seen, it is an upper bound for new text.
    """
    from transforms.articles import read_article
    from transforms.extract import extract_article

    articles = [read_article(p) for p in sorted(SAMPLE_ARTICLES.glob("*.txt"))]
    words = sum(len(a.text.split()) for a in articles) * SAMPLE_REPEATS
    best = float("inf")
    for _ in range(rounds):
        cpu = time.process_time()
        for _ in range(SAMPLE_REPEATS):
            for a in articles:
                extract_article(nlp, a)
        best = min(best, time.process_time() - cpu)
    return {
        "sample_corpus_articles": len(articles),
        "sample_corpus_x10_words": words,
        "sample_corpus_x10_words_per_s": _rate(words, best),
    }


def throughput(count: int, warmup: int, workers: int, seed: int) -> dict:
    """Words/s of the tokenizer and of the extraction on the same text, then with helpers.

    Single-process figures use CPU time (``time.process_time``), so other work on the
    machine changes them little; wall time is recorded too. Parallel figures are wall time.
    Every measurement has its own pipeline, warmed up on the same other articles, so none
    sees the measured text twice.
    """
    import spacy

    from transforms.extract import build_pipeline, extract_article, extractor_version

    generator = ArticleGenerator(seed)
    warm = _articles(generator, warmup, WARMUP_SHARD)
    measured = _articles(generator, count, MEASURE_SHARD)
    words = sum(len(a.text.split()) for a in measured)
    _log(f"throughput on {count} articles, {words} words (warm-up {warmup} articles)")

    def timed(fn) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        return time.perf_counter() - wall, time.process_time() - cpu

    def warmed(extract: bool):
        nlp = build_pipeline()
        for a in warm:
            extract_article(nlp, a) if extract else nlp.make_doc(a.text)
        return nlp

    tok_nlp = warmed(extract=False)
    tokens = 0

    def tokenize():
        nonlocal tokens
        tokens = sum(len(tok_nlp.make_doc(a.text)) for a in measured)

    tokenizer_wall, tokenizer_cpu = timed(tokenize)
    blank = spacy.blank("de")
    for a in warm:
        blank.make_doc(a.text)
    blank_wall, blank_cpu = timed(lambda: [blank.make_doc(a.text) for a in measured])

    # The sample-corpus figure first, while the process holds nothing else: the 6,000 results
    # kept below are objects the cyclic GC traverses on every full collection, which cost the
    # same code ~8% (143.5k against 131.9k words/s); an extraction worker holds one batch.
    sample = sample_corpus_rate(warmed(extract=True))
    nlp = warmed(extract=True)
    version = extractor_version(nlp)
    sequential: list = []
    extract_wall, extract_cpu = timed(lambda: sequential.extend(extract_article(nlp, a) for a in measured))
    result = {
        "load_1min": round(os.getloadavg()[0], 2),
        "articles": count,
        "words": words,
        "spacy_tokens": tokens,
        "words_per_article": round(words / count, 1),
        "contacts": sum(len(x.contacts) for x in sequential),
        "entity_mentions": sum(len(x.entities) for x in sequential),
        "extractor_version": version,
        "tokenizer_words_per_s": _rate(words, tokenizer_cpu),
        "blank_de_tokenizer_words_per_s": _rate(words, blank_cpu),
        "extraction_words_per_s": _rate(words, extract_cpu),
        "extraction_articles_per_s": round(count / extract_cpu, 1),
        "wall": {
            "tokenizer_words_per_s": _rate(words, tokenizer_wall),
            "extraction_words_per_s": _rate(words, extract_wall),
        },
    }
    result["extraction_to_tokenizer_ratio"] = round(tokenizer_cpu / extract_cpu, 4)
    _log(
        f"tokenizer {result['tokenizer_words_per_s']:.0f} words/s, extraction "
        f"{result['extraction_words_per_s']:.0f} words/s "
        f"(ratio {result['extraction_to_tokenizer_ratio']:.1%})"
    )
    result.update(sample)
    _log(f"sample corpus x{SAMPLE_REPEATS}: {result['sample_corpus_x10_words_per_s']:.0f} words/s")
    if workers > 1:
        second = _articles(generator, count, MEASURE_SHARD + 100)
        result["parallel"] = _parallel_throughput([measured, second], warm, workers, warmed)
        par = result["parallel"]
        _log(
            f"{workers} workers: {par['steady_words_per_s']:.0f} words/s steady (x{par['steady_speedup']}), "
            f"{par['cold_words_per_s']:.0f} with start-up (x{par['cold_speedup']}); CPU efficiency "
            f"{par['cpu_efficiency']:.0%}"
        )
    return result


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(fn):
    """``fn()``'s value, wall seconds and CPU seconds of this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def _parallel_throughput(measured_sets, warm, workers, warmed) -> dict:
    """Wall-clock words/s with helpers, as ``raw_extractions`` uses them (frames built by the
    extracting processes), against one process extracting and building the frames.

    One round per article set: one process, then the helpers, on the same set; the better
    round counts (single runs on a shared machine vary by ~10%).
    """
    from functools import partial

    from transforms.extract import extract_article
    from transforms.parallel import ParallelExtractor, ParallelStats, RunExtractor
    from transforms.records import extraction_frames

    version = "bench"
    nlp = warmed(extract=True)

    def one_process(articles):
        return extraction_frames([extract_article(nlp, a) for a in articles], version)

    rounds = []
    with ParallelExtractor(workers, nlp=warmed(extract=True)) as extractor:
        _, start_s, _ = _measure(extractor.wait_ready)
        extractor.extract(warm, caller_extracts=False)  # the helpers get the same warm-up
        helpers = [h.process.pid for h in extractor._helpers]
        for measured in measured_sets:
            expected, base_wall, base_cpu = _measure(partial(one_process, measured))
            stats = ParallelStats()
            job = extractor.submit(measured, stats, frames_version=version)
            before = [_cpu_seconds(pid) for pid in helpers]
            got, wall, cpu = _measure(partial(extractor.finish, job))
            helper_cpu = sum(_cpu_seconds(pid) - b for pid, b in zip(helpers, before, strict=True))
            words = sum(len(a.text.split()) for a in measured)
            rounds.append(
                {
                    "one_process_with_frames_words_per_s": _rate(words, base_wall),
                    "steady_words_per_s": _rate(words, wall),
                    "steady_speedup": round(base_wall / wall, 2),
                    # One process's CPU time over that of all processes with helpers: the
                    # share not lost to sending chunks and results between processes.
                    "cpu_efficiency": round(base_cpu / (cpu + helper_cpu), 3),
                    "same_frames_as_one_process": all(
                        got.as_dict()[name].equals(frame) for name, frame in expected.as_dict().items()
                    ),
                    "chunks": stats.chunks,
                    "chunks_by_helpers": stats.chunks_by_helpers,
                }
            )
        problems = extractor.problems
    # Cold, on the first set: helpers started by this call, as in a run (the caller
    # extracts meanwhile), against that round's one process.
    run = RunExtractor(warmed(extract=True), workers=workers, min_articles=0)
    try:
        batches = [(0, measured_sets[0])]
        _, cold_s, _ = _measure(lambda: list(run.extract_batches(batches, frames_version=version)))
    finally:
        run.close()
    first_words = sum(len(a.text.split()) for a in measured_sets[0])
    first_base = first_words / rounds[0]["one_process_with_frames_words_per_s"]
    best = max(rounds, key=lambda r: r["steady_speedup"])
    return {
        "workers": workers,
        "helper_start_s": round(start_s, 2),
        **best,
        "cold_words_per_s": _rate(first_words, cold_s),
        "cold_speedup": round(first_base / cold_s, 2),
        "rounds": rounds,
        "all_same_frames": all(r["same_frames_as_one_process"] for r in rounds),
        "problems": problems + run.stats.problems,
    }


# --- end to end ------------------------------------------------------------------------


class _TreeMemory:
    """Peaks of the summed RSS of a process and its descendants, and of the largest single
    one of them, sampled from /proc. (``ru_maxrss`` of a child started by fork can report
    the parent's size at the fork.)"""

    def __init__(self, pid: int, interval: float = 0.2):
        self.pid = pid
        self.interval = interval
        self.peak_bytes = 0
        self.peak_single_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._page = os.sysconf("SC_PAGE_SIZE")

    def __enter__(self) -> _TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> tuple[int, int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
            children.setdefault(ppid, []).append(int(entry))
        total = largest = 0
        todo = [self.pid]
        while todo:
            pid = todo.pop()
            todo.extend(children.get(pid, ()))
            try:
                with open(f"/proc/{pid}/statm", "rb") as fh:
                    rss = int(fh.read().split()[1]) * self._page
            except OSError:
                continue
            total += rss
            largest = max(largest, rss)
        return total, largest

    def _run(self) -> None:
        while not self._stop.is_set():
            total, largest = self._sample()
            self.peak_bytes = max(self.peak_bytes, total)
            self.peak_single_bytes = max(self.peak_single_bytes, largest)
            self._stop.wait(self.interval)


# Dagster writes durations as "438ms", "4.18s", "1m 3s" or "1h 2m 3s".
_STEP = re.compile(r'Finished execution of step "([^"]+)" in ((?:[\d.]+(?:ms|h|m|s) ?)+)\.')
_DURATION_PART = re.compile(r"([\d.]+)(ms|h|m|s)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
_EXTRACTED = re.compile(r"(\d+) article\(s\)(?: to extract[^,]*)?, (\d+) up to date")


def _seconds(text: str) -> float:
    return sum(float(v) * _UNIT_SECONDS[u] for v, u in _DURATION_PART.findall(text))


def run_pipeline(env: dict[str, str], log_path: Path) -> dict:
    """One ``python -m orchestration.cli run``; wall time, peak memory, step times."""
    command = [sys.executable, "-m", "orchestration.cli", "run"]
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        with _TreeMemory(process.pid) as memory:
            _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    text = log_path.read_text(errors="replace")
    steps = {name: round(_seconds(duration), 2) for name, duration in _STEP.findall(text)}
    extracted = _EXTRACTED.search(text)
    result = {
        "ok": process.returncode == 0,
        "wall_s": round(wall, 2),
        "peak_rss_largest_process_mb": round(memory.peak_single_bytes / 2**20, 1),
        "peak_rss_process_tree_mb": round(memory.peak_bytes / 2**20, 1),
        # CPU seconds of the run and its children: less sensitive than wall time to
        # other work on the machine, which the load averages show.
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "load_1min_before": round(load_before, 2),
        "load_1min_after": round(os.getloadavg()[0], 2),
        "steps_s": steps,
        "log": str(log_path),
    }
    if extracted:
        result["articles_extracted"] = int(extracted.group(1))
        result["articles_up_to_date"] = int(extracted.group(2))
    if process.returncode != 0:
        result["error_tail"] = text[-3000:]
    return result


def _inbox(workdir: Path, size: int, seed: int, generator: ArticleGenerator) -> tuple[Path, dict]:
    folder = workdir / f"inbox-{size}-seed{seed}-{generator.bank.fingerprint}"
    manifest = folder / ".complete.json"
    if manifest.exists():
        return folder, json.loads(manifest.read_text())
    if folder.exists():
        shutil.rmtree(folder)
    _log(f"generating {size} articles into {folder}")
    start = time.perf_counter()
    stats = write_corpus(folder, size, seed, generator=generator)
    stats["generate_s"] = round(time.perf_counter() - start, 1)
    manifest.write_text(json.dumps(stats))
    return folder, stats


def _warehouse_facts(database: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(database), read_only=True)
    try:
        counts = {
            name: con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
            for name in ("raw.articles", "raw.contact_mentions", "raw.entity_mentions", "marts.fct_meetings")
        }
    finally:
        con.close()
    return {"rows": counts, "file_mb": round(database.stat().st_size / 2**20, 1)}


def end_to_end(
    size: int, workdir: Path, seed: int, incremental: int, generator: ArticleGenerator, instance: str
) -> dict:
    inbox, inbox_stats = _inbox(workdir, size, seed, generator)
    scratch = workdir / f"run-{size}"
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    database = scratch / "warehouse" / "contacts.duckdb"
    env = {
        **os.environ,
        "CONTACTS_INBOX": str(inbox),
        "CONTACTS_WAREHOUSE": str(database),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CONTACTS_KB_DIR", None)
    # "ephemeral": the command as given, a throwaway in-memory Dagster instance.
    # "persistent": like `make run`, runs recorded in a sqlite instance (DAGSTER_HOME).
    env.pop("DAGSTER_HOME", None)
    if instance == "persistent":
        env["DAGSTER_HOME"] = str(scratch / "dagster_home")
    result: dict = {"articles": size, "words": inbox_stats["words"], "instance": instance}
    result["inbox"] = inbox_stats
    _log(f"{size} articles: full run")
    result["full"] = run_pipeline(env, scratch / "full.log")
    _log(f"  {result['full']['wall_s']} s, {result['full']['peak_rss_process_tree_mb']} MB")
    if not result["full"]["ok"]:
        return result
    _log(f"{size} articles: run again, nothing new")
    result["unchanged"] = run_pipeline(env, scratch / "unchanged.log")
    _log(f"  {result['unchanged']['wall_s']} s")
    added = [inbox / f"{doc_id}.txt" for doc_id, _ in generator.shard(INCREMENTAL_SHARD, incremental)]
    try:
        for path, (_, text) in zip(added, generator.shard(INCREMENTAL_SHARD, incremental), strict=True):
            path.write_text(text, encoding="utf-8")
        _log(f"{size} articles: incremental run with {incremental} new")
        result["incremental"] = run_pipeline(env, scratch / "incremental.log")
        result["incremental"]["articles_added"] = incremental
        _log(f"  {result['incremental']['wall_s']} s")
    finally:
        for path in added:
            path.unlink(missing_ok=True)
    result["warehouse"] = _warehouse_facts(database)
    return result


# --- report ----------------------------------------------------------------------------


def _versions() -> dict:
    from importlib.metadata import version

    out = {"python": platform.python_version()}
    for package in ("spacy", "duckdb", "polars", "dagster", "dbt-core", "dbt-duckdb"):
        try:
            out[package] = version(package)
        except Exception:  # noqa: BLE001 - a missing package is just not reported
            out[package] = None
    return out


def _machine() -> dict:
    from transforms.parallel import available_cpus

    memory = None
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 2**20, 1)
    return {"cpus": available_cpus(), "memory_gb": memory, "platform": platform.platform()}


def summary(results: dict) -> str:
    lines = []
    tp = results.get("throughput")
    if tp:
        lines += [
            f"Extraction throughput ({tp['articles']} articles, {tp['words']} words, "
            f"{tp['words_per_article']} words/article; extractor {tp['extractor_version']}):",
            "",
            "| measure | words/s |",
            "|---|---:|",
            f"| spaCy tokenizer alone (project pipeline) | {tp['tokenizer_words_per_s']:,.0f} |",
            f"| spaCy tokenizer alone (blank de) | {tp['blank_de_tokenizer_words_per_s']:,.0f} |",
            f"| extraction, 1 process | {tp['extraction_words_per_s']:,.0f} |",
        ]
        if "sample_corpus_x10_words_per_s" in tp:
            lines.append(
                f"| extraction, 1 process, sample corpus x{SAMPLE_REPEATS} "
                f"({tp['sample_corpus_x10_words']:,} words, best of 3) "
                f"| {tp['sample_corpus_x10_words_per_s']:,.0f} |"
            )
        par = tp.get("parallel")
        if par:
            lines += [
                f"| extraction + frames, 1 process | {par['one_process_with_frames_words_per_s']:,.0f} |",
                f"| extraction + frames, {par['workers']} processes, steady | "
                f"{par['steady_words_per_s']:,.0f} (x{par['steady_speedup']}) |",
                f"| extraction + frames, {par['workers']} processes, incl. start-up | "
                f"{par['cold_words_per_s']:,.0f} (x{par['cold_speedup']}) |",
            ]
        lines += ["", f"Extraction / tokenizer: {tp['extraction_to_tokenizer_ratio']:.1%}"]
        if par:
            lines.append(f"CPU efficiency with {par['workers']} processes: {par['cpu_efficiency']:.0%}")
        lines.append("")
    e2e = results.get("end_to_end") or []
    if e2e:
        lines += [
            "| articles | run | wall s | extraction step s | dbt step s "
            "| peak MB (tree) | peak MB (largest) |",
            "|---:|---|---:|---:|---:|---:|---:|",
        ]
        for entry in e2e:
            for kind in ("full", "unchanged", "incremental"):
                run = entry.get(kind)
                if not run:
                    continue
                steps = run.get("steps_s", {})
                label = kind if kind != "incremental" else f"+{run.get('articles_added')} new"
                lines.append(
                    f"| {entry['articles']:,} | {label} | {run['wall_s']} "
                    f"| {steps.get('raw_extractions', '')} | "
                    f"{steps.get('dbt_models', '')} | {run['peak_rss_process_tree_mb']:,.0f} | "
                    f"{run['peak_rss_largest_process_mb']:,.0f} |"
                )
    return "\n".join(lines)


# What a run needs of the repository; copied so that edits made while the benchmark runs
# (other people's work in the same tree) cannot change the code between its measurements.
SNAPSHOT_PARTS = ("bench", "orchestration", "transforms", "dbt_project", "data/samples", "pyproject.toml")
_SNAPSHOT_SKIP = shutil.ignore_patterns(
    "target", "logs", "dbt_packages", "__pycache__", "results", "*.duckdb", "*.wal"
)


def _run_on_snapshot(argv: list[str], workdir: Path, output: Path) -> int:
    snapshot = workdir / f"code-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}"
    for part in SNAPSHOT_PARTS:
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, snapshot / part, ignore=_SNAPSHOT_SKIP)
        elif source.exists():
            shutil.copy2(source, snapshot / part)
    _log(f"code copied to {snapshot}; parsing the dbt project there")
    # Loading the Definitions once parses the dbt project, outside the measured runs.
    subprocess.run([sys.executable, "-c", "import orchestration.definitions"], cwd=snapshot, check=True)
    command = [
        sys.executable,
        "-m",
        "bench.run",
        *argv,
        "--no-snapshot",
        "--workdir",
        str(workdir),
        "--output",
        str(output),
    ]
    try:
        return subprocess.run(command, cwd=snapshot).returncode
    finally:
        shutil.rmtree(snapshot, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    from transforms.parallel import default_workers

    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--throughput-articles", type=int, default=6000)
    parser.add_argument("--warmup-articles", type=int, default=500)
    parser.add_argument("--workers", type=int, default=None, help="default: $CONTACTS_WORKERS or the CPUs")
    parser.add_argument("--incremental", type=int, default=100)
    parser.add_argument(
        "--instance",
        choices=("ephemeral", "persistent"),
        default="ephemeral",
        help="Dagster instance of the runs: in memory (default) or sqlite in a DAGSTER_HOME as `make run`",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-e2e", action="store_true")
    parser.add_argument("--output", type=Path, default=None, help="results file (default bench/results/)")
    parser.add_argument(
        "--no-snapshot",
        dest="snapshot",
        action="store_false",
        help="run on the working tree itself instead of a copy of the code taken at the start",
    )
    args = parser.parse_args(argv)
    workers = args.workers or default_workers()
    started = datetime.now(UTC)
    output = (args.output or RESULTS_DIR / f"bench-{started.strftime('%Y%m%dT%H%M%SZ')}.json").resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    if args.snapshot:
        return _run_on_snapshot(argv if argv is not None else sys.argv[1:], args.workdir.resolve(), output)
    results: dict = {
        "started_at": started.isoformat(timespec="seconds"),
        "machine": _machine(),
        "versions": _versions(),
        "settings": {
            "seed": args.seed,
            "workers": workers,
            "sizes": args.sizes,
            "incremental": args.incremental,
            "instance": args.instance,
        },
    }
    generator = ArticleGenerator(args.seed)
    results["generator_fingerprint"] = generator.bank.fingerprint
    results["code"] = str(REPO_ROOT)

    def save() -> None:
        output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    if not args.skip_throughput:
        results["throughput"] = throughput(args.throughput_articles, args.warmup_articles, workers, args.seed)
        save()
    if not args.skip_e2e:
        results["end_to_end"] = []
        args.workdir.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            entry = end_to_end(size, args.workdir, args.seed, args.incremental, generator, args.instance)
            results["end_to_end"].append(entry)
            save()
    results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    save()
    print(summary(results))
    _log(f"results: {output}")
    failed = [e["articles"] for e in results.get("end_to_end", []) if not e["full"]["ok"]]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
