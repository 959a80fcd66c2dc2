"""Incremental runs on a copy of an existing warehouse, without rebuilding it first.

    python -m bench.incremental SIZE LABEL [SHARD]   (from the repository root)

Copies ``$SRC`` (default ROOT/pristine-SIZE/contacts.duckdb, e.g. a warehouse left by
``make bench``; ROOT is ``$INCR_ROOT``, default /tmp/incr-bench) to ROOT/run-SIZE-LABEL/,
then runs ``python -m orchestration.cli run`` on the inbox ROOT/inbox-SIZE (``$INBOX``
overrides it) twice with nothing new
and once with 100 new articles (generator shard SHARD, default 91,000: articles the
warehouse does not hold yet), as ``bench/run.py`` does; prints wall, CPU seconds and step
times of each. Used for docs/scaling.md section 3.
"""

import json
import os
import shutil
import sys
from pathlib import Path

from bench.generator import ArticleGenerator
from bench.run import run_pipeline


def main(argv: list[str]) -> int:
    size, label = int(argv[0]), argv[1]
    shard = int(argv[2]) if len(argv) > 2 else 91_000
    root = Path(os.environ.get("INCR_ROOT") or "/tmp/incr-bench")
    inbox = Path(os.environ.get("INBOX") or root / f"inbox-{size}")
    scratch = root / f"run-{size}-{label}"
    shutil.rmtree(scratch, ignore_errors=True)
    (scratch / "warehouse").mkdir(parents=True)
    db = scratch / "warehouse" / "contacts.duckdb"
    shutil.copy(Path(os.environ.get("SRC") or root / f"pristine-{size}" / "contacts.duckdb"), db)
    env = {**os.environ, "CONTACTS_INBOX": str(inbox), "CONTACTS_WAREHOUSE": str(db), "PYTHONUNBUFFERED": "1"}
    env.pop("DAGSTER_HOME", None)
    env.pop("CONTACTS_KB_DIR", None)
    out = {
        "unchanged": run_pipeline(env, scratch / "unchanged.log"),
        "unchanged2": run_pipeline(env, scratch / "unchanged2.log"),
    }
    items = list(ArticleGenerator(7).shard(shard, 100))
    added = [inbox / f"{doc_id}.txt" for doc_id, _ in items]
    try:
        for path, (_, text) in zip(added, items, strict=True):
            path.write_text(text, encoding="utf-8")
        out["incremental"] = run_pipeline(env, scratch / "incremental.log")
    finally:
        for path in added:
            path.unlink(missing_ok=True)
    keys = ("ok", "wall_s", "cpu_s", "load_1min_before", "load_1min_after", "steps_s", "articles_extracted")
    for name, result in out.items():
        print(name, json.dumps({k: result[k] for k in keys if k in result}))
    (scratch / "result.json").write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
