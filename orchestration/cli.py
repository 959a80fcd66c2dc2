"""Command line: ``python -m orchestration.cli run`` (what ``make run`` calls).

``run`` materializes every asset (raw layer, dbt models and their tests) in this process
and prints a short summary of the warehouse. ``summary`` prints the summary only.
Exit status is non-zero when a step or a dbt test fails.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

from orchestration import settings

TOP_ROWS = 8
MAX_CELL = 38

# (relation, preferred columns, ORDER BY terms); columns missing from the relation are
# skipped, so the summary survives model changes. Identifiers only come from this list.
REPORTS: tuple[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]], ...] = (
    (
        "marts.fct_meetings",
        ("meeting_date", "contact_type", "status", "location", "participant_key", "count_mentions"),
        (("meeting_date", "DESC NULLS LAST"), ("count_mentions", "DESC"), ("meeting_id", "ASC")),
    ),
    (
        "marts.dim_actors",
        ("actor_id", "actor_kind", "country_iso3", "count_meetings", "count_mentions"),
        (("count_meetings", "DESC"), ("count_mentions", "DESC"), ("actor_id", "ASC")),
    ),
    (
        "marts.rpt_topics_by_month",
        ("meeting_month", "topic", "count_meetings", "count_articles"),
        (("meeting_month", "DESC"), ("count_meetings", "DESC"), ("topic", "ASC")),
    ),
)
COUNTS = (
    ("articles read", "raw.articles"),
    ("rejected files", "raw.rejected_inputs"),
    ("contacts extracted", "raw.contact_mentions"),
    ("meetings", "marts.fct_meetings"),
    ("actors", "marts.dim_actors"),
)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _relation(name: str) -> str:
    return ".".join(_quote(part) for part in name.split("."))


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    schema, table = relation.split(".")
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, table],
    ).fetchall()
    return [r[0] for r in rows]


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def format_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Plain text, columns aligned; numbers right-aligned."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(header)]
    numeric = [
        all(isinstance(row[i], int | float) for row in rows if row[i] is not None) for i in range(len(header))
    ]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)


def summary(database: Path, top: int = TOP_ROWS) -> str:
    con = duckdb.connect(str(database), read_only=True)
    try:
        lines = [f"warehouse: {database}", ""]
        width = max(len(label) for label, _ in COUNTS)
        for label, relation in COUNTS:
            if _columns(con, relation):
                value = str(con.execute(f"SELECT count(*) FROM {_relation(relation)}").fetchall()[0][0])
            else:
                value = "(missing)"
            lines.append(f"{label.ljust(width)}  {value}")
        for relation, wanted, order in REPORTS:
            existing = _columns(con, relation)
            lines += ["", relation]
            if not existing:
                lines.append("(missing)")
                continue
            columns = [c for c in wanted if c in existing] or existing[:6]
            order_by = [f"{_quote(c)} {direction}" for c, direction in order if c in existing]
            query = f"SELECT {', '.join(_quote(c) for c in columns)} FROM {_relation(relation)}"
            if order_by:
                query += " ORDER BY " + ", ".join(order_by)
            rows = con.execute(query + " LIMIT ?", [top]).fetchall()
            lines.append(format_table(columns, rows) if rows else "(no rows)")
        return "\n".join(lines)
    finally:
        con.close()


def _instance():
    from dagster import DagsterInstance

    # With DAGSTER_HOME (make sets it) the run is recorded there and waits for the
    # duckdb_warehouse pool like runs launched from `make dev`; without it, a throwaway
    # instance is enough.
    if os.environ.get("DAGSTER_HOME"):
        from orchestration.instance import prepare_dagster_home

        prepare_dagster_home(Path(os.environ["DAGSTER_HOME"]))
        return DagsterInstance.get()
    return DagsterInstance.ephemeral()


def run() -> int:
    from orchestration.definitions import JOB_NAME, defs

    job = defs.resolve_job_def(JOB_NAME)
    # dbt's log goes to stdout; send it (and everything else the run prints) to stderr so
    # stdout carries just the summary and can be piped.
    with _instance() as instance, contextlib.redirect_stdout(sys.stderr):
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    failed = [event for event in result.all_events if event.is_step_failure]
    failed_checks = [
        event.asset_check_evaluation_data
        for event in result.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION" and not event.asset_check_evaluation_data.passed
    ]
    if not result.success or failed:
        for event in failed:
            print(f"FAILED step {event.step_key}: {event.message}", file=sys.stderr)
        print(f"run {result.run_id} failed", file=sys.stderr)
        return 1
    print(summary(settings.warehouse_path()))
    for evaluation in failed_checks:
        # Only warn-severity tests get here: error-severity failures fail the run above.
        key = evaluation.asset_key.to_user_string()
        print(f"warning: check {key}:{evaluation.check_name} failed", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.cli", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="materialize all assets, then print the summary")
    show = sub.add_parser("summary", help="print the summary of an existing warehouse")
    show.add_argument("--top", type=int, default=TOP_ROWS)
    args = parser.parse_args(argv)
    if args.command == "run":
        return run()
    database = settings.warehouse_path()
    if not database.exists():
        print(f"no warehouse at {database}; run `make run` first", file=sys.stderr)
        return 1
    print(summary(database, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
