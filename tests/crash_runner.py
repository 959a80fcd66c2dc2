"""``python -m orchestration.cli run`` with a fault-injection point, for tests/test_crash_safety.py.

    python tests/crash_runner.py PHASE MARKER

Runs the real command (Definitions, Dagster, DuckDB, dbt) with the fake extractor of
conftest standing in for spaCy. When the run reaches PHASE it writes the file MARKER; the
test then kills the process group with SIGKILL. Phases:

- ``extraction``: inside the extractor, after the first article of the batch;
- ``load_articles``: inside the transaction that upserts raw.articles, after the insert;
- ``load_extractions``: inside the transaction that replaces the extraction rows, after
  the deletes and the inserts of all but the state table;
- ``dbt``: after dbt reported its first finished node (dbt keeps building meanwhile);
- ``none``: no fault, a plain run.

The first three hold the run at that point (sleep) until killed, so the kill lands
there exactly; in dbt the kill lands wherever dbt has got to.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

PHASES = ("extraction", "load_articles", "load_extractions", "dbt", "none")


def _mark_and_hold(marker: Path, phase: str, hold: bool) -> None:
    marker.write_text(phase, encoding="utf-8")
    if hold:
        time.sleep(600)


def install(phase: str, marker: Path) -> None:
    from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation

    from orchestration.resources import ExtractorResource
    from tests.conftest import fake_extract
    from transforms import warehouse as wh

    def extract(self, articles):
        results = []
        for n, article in enumerate(articles):
            results.append(fake_extract(article))
            if phase == "extraction" and n == 0:
                _mark_and_hold(marker, phase, hold=True)
        return results

    # The fake extractor in place of spaCy (as tests.conftest.FakeExtractor, version fake-1).
    ExtractorResource.version = lambda self: "fake-1"
    ExtractorResource.extract = extract
    # Batch by batch in this process, as for a subclass with its own extract.
    ExtractorResource.extract_batches = lambda self, batches: ((k, a, self.extract(a)) for k, a in batches)

    real_insert = wh._insert

    def insert(con, name, view, where=""):
        real_insert(con, name, view, where)
        if (phase, name) in (("load_articles", "articles"), ("load_extractions", "entity_mentions")):
            _mark_and_hold(marker, phase, hold=True)

    wh._insert = insert

    real_stream = DbtCliInvocation.stream

    def stream(self):
        for n, event in enumerate(real_stream(self)):
            yield event
            if phase == "dbt" and n == 0:
                _mark_and_hold(marker, phase, hold=False)

    DbtCliInvocation.stream = stream


def main(argv: list[str]) -> int:
    phase, marker = argv[0], Path(argv[1])
    if phase not in PHASES:
        raise SystemExit(f"unknown phase {phase!r}; one of {PHASES}")
    install(phase, marker)
    from orchestration.cli import main as cli_main

    return cli_main(["run"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
