"""The raw layer as Dagster assets: inbox -> raw.articles, KB -> raw.knowledge_*, spaCy -> raw.contact_*.

Asset key = the DuckDB relation (``raw/articles`` is ``raw.articles``); group = layer.
Every asset that writes the DuckDB file is in the ``duckdb_warehouse`` pool, whose
limit is 1 in the instance config (orchestration/dagster.yaml): DuckDB allows one
writing process at a time.

Versions, so the UI can tell what is stale: ``raw/articles`` reports a data version that
changes only when an article is added or changed, and the extraction assets carry a code
version derived from the extractor's sources and the knowledge base. After new articles
arrive or the extractor changes, the UI marks the extraction tables as unsynced until
they are materialized again.
"""

# No `from __future__ import annotations`: Dagster inspects the `context` annotation.
import hashlib
import time
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    DataVersion,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from orchestration import settings
from orchestration.resources import ContactsWarehouse, ExtractorResource, InboxResource
from transforms import monitoring
from transforms import warehouse as wh
from transforms.articles import max_file_bytes
from transforms.inbox import reader_version, scan_inbox
from transforms.knowledge import knowledge_dir, knowledge_frames, load_knowledge_base
from transforms.records import articles_frame, extraction_frames, rejections_frame

WAREHOUSE_POOL = "duckdb_warehouse"
RAW_GROUP = "raw"
# A run with this tag set to "true" re-extracts every article and rebuilds the dbt models
# with --full-refresh (the rebuild_contacts job sets it; it can be added in the launchpad).
FULL_REFRESH_TAG = "contacts/full_refresh"
# Lists in the metadata are cut here; the tables hold everything.
METADATA_LIST_LIMIT = 50


def raw_key(table: str) -> AssetKey:
    return AssetKey([wh.RAW_SCHEMA, table])


def is_full_refresh(tags: Mapping[str, str]) -> bool:
    return str(tags.get(FULL_REFRESH_TAG, "")).strip().lower() in ("true", "1", "yes")


_TRANSFORMS = Path(__file__).resolve().parent.parent / "transforms"


def extractor_code_version() -> str:
    """A version that changes whenever the extractor's code or knowledge base changes.

    Hashes the sources ``transforms.extract`` versions itself by (a superset of them) and
    the knowledge-base files, without importing spaCy or building the pipeline, so loading
    the Definitions stays cheap. The run itself compares the exact extractor version per
    article (``raw.extraction_state``); this one only tells the UI that a re-extraction is due.
    """
    digest = hashlib.sha256()
    sources = [
        *sorted((_TRANSFORMS / "pipeline").glob("*.py")),
        _TRANSFORMS / "pipeline" / "config.cfg",
        *(
            _TRANSFORMS / name
            for name in ("extract.py", "articles.py", "records.py", "temporal.py", "knowledge.py")
        ),
        *sorted(knowledge_dir().glob("*.csv")),
    ]
    for path in sources:
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    digest.update((settings.spacy_base() or "blank:de").encode())
    return digest.hexdigest()[:16]


def _spec(
    table: str,
    description: str,
    deps: tuple[str, ...] = (),
    kinds: tuple[str, ...] = (),
    code_version: str | None = None,
) -> AssetSpec:
    return AssetSpec(
        raw_key(table),
        group_name=RAW_GROUP,
        description=description,
        deps=[raw_key(d) for d in deps],
        kinds={"duckdb", "python", *kinds},
        code_version=code_version,
    )


@multi_asset(
    name="raw_inbox",
    specs=[
        _spec(
            "articles",
            "Articles read from the inbox folder ($CONTACTS_INBOX: .txt, .jsonl, .html); one row per doc_id. "
            "Articles stay when their file leaves the inbox.",
        ),
        _spec(
            "rejected_inputs",
            "Inbox files (or JSONL lines) that could not be read as articles, with the reason (current set).",
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def raw_inbox(context: AssetExecutionContext, warehouse: ContactsWarehouse, inbox: InboxResource):
    folder = inbox.path()
    # Files whose size and modification time are those of their last read are trusted and
    # not read again (raw.inbox_files remembers what each gave); a rebuild or
    # CONTACTS_INBOX_RESCAN reads every file.
    rescan = is_full_refresh(context.run.tags) or settings.inbox_rescan()
    version = reader_version()
    with warehouse.get_connection() as con:
        # With what is stored, a second copy of an article loaded in an earlier run (its
        # first file may be gone from the inbox by now) is refused, so no article is counted twice.
        scan = scan_inbox(con, folder, version, max_bytes=max_file_bytes(), rescan=rescan)
        loaded_at = datetime.now(UTC)
        upsert = wh.upsert_articles(con, articles_frame(scan.articles, loaded_at))
        wh.record_rejections(con, rejections_frame(scan.rejections, loaded_at))
        # After the articles: a crash in between makes the next run read these files again.
        wh.replace_inbox_files(
            con,
            wh.inbox_files_frame(scan.outcomes, version, loaded_at),
            None if rescan else scan.unchanged_files,
            version,
        )
        counts = wh.table_counts(con, ("articles", "rejected_inputs"))
        articles_version = monitoring.articles_version(con)
        rejections_version = monitoring.rejections_version(con)
        latest = monitoring.latest_articles(con)
    for rejection in scan.rejections:
        context.log.warning(f"rejected {rejection.source_path}: {rejection.reason}")
    current = len(scan.articles) + scan.unchanged
    unchanged = upsert.unchanged + scan.unchanged
    context.log.info(
        f"inbox {folder}: {current} article(s) ({upsert.inserted} new, {upsert.updated} changed, "
        f"{unchanged} unchanged), {len(scan.rejections)} rejected; {len(scan.outcomes)} file(s) read, "
        f"{len(scan.unchanged_files)} unchanged since their last read" + (" (rescan)" if rescan else "")
    )
    rejected = [{"file": r.source_path, "reason": r.reason} for r in scan.rejections]
    yield MaterializeResult(
        asset_key=raw_key("articles"),
        metadata={
            "inbox": MetadataValue.path(str(folder)),
            # Articles in the inbox now (after duplicates), whether their file was read again or not.
            "articles_read": current,
            "inserted": upsert.inserted,
            "updated": upsert.updated,
            "unchanged": unchanged,
            "files_read": len(scan.outcomes),
            "files_unchanged": len(scan.unchanged_files),
            "rejected_inputs": len(scan.rejections),
            # Kept under its old name: files and JSONL lines that were rejected.
            "rejected_files": len(scan.rejections),
            "rejections": MetadataValue.json(rejected[:METADATA_LIST_LIMIT]),
            "articles_by_format": MetadataValue.json(scan.formats),
            "decoded_from_other_encodings": MetadataValue.json(scan.other_encodings[:METADATA_LIST_LIMIT]),
            "latest_articles": MetadataValue.md(
                monitoring.markdown_table(("doc_id", "published", "title", "source"), latest)
            ),
            "dagster/row_count": counts["articles"],
        },
        data_version=DataVersion(articles_version),
    )
    yield MaterializeResult(
        asset_key=raw_key("rejected_inputs"),
        metadata={
            "rejected_inputs": len(scan.rejections),
            "rejected_files": len(scan.rejections),
            "rejections": MetadataValue.md(
                monitoring.markdown_table(
                    ("file", "reason"), [(r["file"], r["reason"]) for r in rejected[:METADATA_LIST_LIMIT]]
                )
            ),
            "dagster/row_count": counts["rejected_inputs"],
        },
        data_version=DataVersion(rejections_version),
    )


@multi_asset(
    name="raw_knowledge",
    specs=[
        _spec("knowledge_actors", "Curated actors (persons, organisations, groups) from transforms/kb."),
        _spec("knowledge_offices", "Office terms (who held which role when) from transforms/kb/offices.csv."),
        _spec("knowledge_countries", "Countries (ISO3 and German name) from transforms/kb/countries.csv."),
    ],
    pool=WAREHOUSE_POOL,
)
def raw_knowledge(context: AssetExecutionContext, warehouse: ContactsWarehouse):
    kb = load_knowledge_base()
    frames = knowledge_frames(kb)
    with warehouse.get_connection() as con:
        written = {name: wh.replace_table(con, name, frame) for name, frame in frames.items()}
    for name in wh.KNOWLEDGE_TABLES:
        yield MaterializeResult(
            asset_key=raw_key(name),
            metadata={
                "knowledge_dir": MetadataValue.path(str(knowledge_dir())),
                "kb_fingerprint": kb.fingerprint[:16],
                "dagster/row_count": written[name],
            },
            data_version=DataVersion(kb.fingerprint[:20]),
        )


EXTRACTION_DESCRIPTIONS = (
    ("contact_mentions", "Contact records extracted from each article (one row per record)."),
    ("contact_participants", "Participants of each extracted contact record."),
    ("contact_topics", "Topics of each extracted contact record."),
    ("entity_mentions", "Actor mentions found in the articles, linked to the knowledge base or not."),
    (
        "extraction_state",
        "Bookkeeping: the content hash and extractor version each article's extraction rows came from.",
    ),
)


def _progress(done: int, total: int, started: float) -> str:
    elapsed = time.monotonic() - started
    rate = done / elapsed if elapsed > 0 else 0.0
    left = f", about {(total - done) / rate:.0f} s left" if rate > 0 and done < total else ""
    return f"extracted {done}/{total} article(s) in {elapsed:.0f} s ({rate:.1f}/s{left})"


def build_raw_extractions(code_version: str | None):
    """The extraction assets; ``code_version`` is normally ``extractor_code_version()``."""

    @multi_asset(
        name="raw_extractions",
        specs=[
            _spec(name, description, deps=("articles",), kinds=("spacy",), code_version=code_version)
            for name, description in EXTRACTION_DESCRIPTIONS
        ],
        pool=WAREHOUSE_POOL,
    )
    def raw_extractions(
        context: AssetExecutionContext, warehouse: ContactsWarehouse, extractor: ExtractorResource
    ):
        # Only articles that are new, changed, or were extracted by another extractor version
        # (code or knowledge base changed) are extracted; the others keep their rows. Running
        # twice on the same inbox therefore writes nothing the second time. A rebuild
        # (FULL_REFRESH_TAG) extracts everything.
        rebuild = is_full_refresh(context.run.tags)
        version = extractor.version()
        batch_size = settings.extraction_batch_size()
        with warehouse.get_connection() as con:
            plan = wh.plan_extraction(con, version, everything=rebuild)
            if plan.orphaned:
                wh.replace_extractions(con, plan.orphaned, extraction_frames([], version))
        total = len(plan.to_extract)
        context.log.info(
            f"extractor {version}: {total} article(s) to extract{' (rebuild: all)' if rebuild else ''}, "
            f"{plan.up_to_date} up to date, {len(plan.orphaned)} orphaned removed"
        )
        # Batches: each one is committed with its extraction state in one transaction, so a
        # crash loses at most the batch in progress and the next run goes on from there.
        # The extractor reads one batch ahead: its worker processes extract the next batch
        # while this one is written (transforms/parallel.py).
        written: Counter[str] = Counter()
        started = time.monotonic()

        def read_batches():
            for start in range(0, total, batch_size):
                batch = plan.to_extract[start : start + batch_size]
                with warehouse.get_connection() as con:
                    articles = wh.read_articles(con, batch)
                yield batch, articles

        done = 0
        # The frames come built by the processes that extracted the records.
        for batch, articles, frames in extractor.extract_frame_batches(read_batches(), version):
            state = wh.extraction_state_frame(articles, version)
            with warehouse.get_connection() as con:
                written.update(wh.replace_extractions(con, batch, frames, state))
            done += len(batch)
            context.log.info(_progress(done, total, started))
        with warehouse.get_connection() as con:
            counts = wh.table_counts(con, (*wh.EXTRACTION_TABLES, "extraction_state"))
            data_version = DataVersion(monitoring.extractions_version(con))
            previews = {
                "contact_mentions": {
                    "contacts_by_type": MetadataValue.json(monitoring.contacts_by_type(con)),
                },
                "contact_participants": {
                    "top_actors": MetadataValue.md(
                        monitoring.markdown_table(
                            ("actor", "country", "contacts", "articles"), monitoring.top_actors(con)
                        )
                    ),
                },
                "contact_topics": {
                    "topics_by_month": MetadataValue.md(
                        monitoring.markdown_table(
                            ("month", "topic", "contacts"), monitoring.topics_by_month(con)
                        )
                    ),
                },
                "entity_mentions": {},
                "extraction_state": {},
            }
        for name, _ in EXTRACTION_DESCRIPTIONS:
            yield MaterializeResult(
                asset_key=raw_key(name),
                metadata={
                    "extractor_version": version,
                    "rebuild": rebuild,
                    "articles_extracted": total,
                    "articles_up_to_date": plan.up_to_date,
                    "extracted_doc_ids": MetadataValue.json(plan.to_extract[:METADATA_LIST_LIMIT]),
                    "orphans_removed": len(plan.orphaned),
                    "rows_written": written.get(name, 0),
                    "dagster/row_count": counts[name],
                    **previews[name],
                },
                data_version=data_version,
            )

    return raw_extractions


raw_extractions = build_raw_extractions(extractor_code_version())

raw_assets = [raw_inbox, raw_knowledge, raw_extractions]
