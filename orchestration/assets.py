"""The raw layer as Dagster assets: inbox -> raw.articles, KB -> raw.knowledge_*, spaCy -> raw.contact_*.

Asset key = the DuckDB relation (``raw/articles`` is ``raw.articles``); group = layer.
Every asset that writes the DuckDB file is in the ``duckdb_warehouse`` pool, whose
limit is 1 in the instance config (orchestration/dagster.yaml): DuckDB allows one
writing process at a time.
"""

# No `from __future__ import annotations`: Dagster inspects the `context` annotation.
from datetime import UTC, datetime

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, MetadataValue, multi_asset

from orchestration.resources import ContactsWarehouse, ExtractorResource, InboxResource
from transforms import warehouse as wh
from transforms.articles import read_inbox
from transforms.knowledge import knowledge_dir, knowledge_frames, load_knowledge_base
from transforms.records import articles_frame, extraction_frames, rejections_frame

WAREHOUSE_POOL = "duckdb_warehouse"
RAW_GROUP = "raw"


def raw_key(table: str) -> AssetKey:
    return AssetKey([wh.RAW_SCHEMA, table])


def _spec(table: str, description: str, deps: tuple[str, ...] = (), kinds: tuple[str, ...] = ()) -> AssetSpec:
    return AssetSpec(
        raw_key(table),
        group_name=RAW_GROUP,
        description=description,
        deps=[raw_key(d) for d in deps],
        kinds={"duckdb", "python", *kinds},
    )


def _markdown_table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


@multi_asset(
    name="raw_inbox",
    specs=[
        _spec("articles", "Articles read from the inbox folder ($CONTACTS_INBOX); one row per doc_id."),
        _spec(
            "rejected_inputs",
            "Inbox files that could not be read as articles, with the reason (current set).",
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def raw_inbox(context: AssetExecutionContext, warehouse: ContactsWarehouse, inbox: InboxResource):
    folder = inbox.path()
    scan = read_inbox(folder)
    loaded_at = datetime.now(UTC)
    with warehouse.get_connection() as con:
        upsert = wh.upsert_articles(con, articles_frame(scan.articles, loaded_at))
        wh.record_rejections(con, rejections_frame(scan.rejections, loaded_at))
        counts = wh.table_counts(con, ("articles", "rejected_inputs"))
    for rejection in scan.rejections:
        context.log.warning(f"rejected {rejection.source_path}: {rejection.reason}")
    rejected = [{"file": r.source_path, "reason": r.reason} for r in scan.rejections]
    yield MaterializeResult(
        asset_key=raw_key("articles"),
        metadata={
            "inbox": MetadataValue.path(str(folder)),
            "files_read": len(scan.articles) + len(scan.rejections),
            "articles_read": len(scan.articles),
            "inserted": upsert.inserted,
            "updated": upsert.updated,
            "unchanged": upsert.unchanged,
            "rejected_files": len(scan.rejections),
            "rejections": MetadataValue.json(rejected),
            "dagster/row_count": counts["articles"],
        },
    )
    yield MaterializeResult(
        asset_key=raw_key("rejected_inputs"),
        metadata={
            "rejected_files": len(scan.rejections),
            "rejections": MetadataValue.md(
                _markdown_table(("file", "reason"), [(r["file"], r["reason"]) for r in rejected])
            ),
            "dagster/row_count": counts["rejected_inputs"],
        },
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
        )


@multi_asset(
    name="raw_extractions",
    specs=[
        _spec(name, description, deps=("articles",), kinds=("spacy",))
        for name, description in (
            ("contact_mentions", "Contact records extracted from each article (one row per record)."),
            ("contact_participants", "Participants of each extracted contact record."),
            ("contact_topics", "Topics of each extracted contact record."),
            ("entity_mentions", "Actor mentions found in the articles, linked to the knowledge base or not."),
        )
    ],
    pool=WAREHOUSE_POOL,
)
def raw_extractions(
    context: AssetExecutionContext, warehouse: ContactsWarehouse, extractor: ExtractorResource
):
    # Only articles that are new, changed, or were extracted by another extractor version
    # (code or knowledge base changed) are extracted; the others keep their rows. Running
    # twice on the same inbox therefore writes nothing the second time.
    version = extractor.version()
    with warehouse.get_connection() as con:
        plan = wh.plan_extraction(con, version)
        articles = wh.read_articles(con, plan.to_extract)
    extractions = extractor.extract(articles) if articles else []
    frames = extraction_frames(extractions, version)
    replaced = [*plan.to_extract, *plan.orphaned]
    with warehouse.get_connection() as con:
        inserted = wh.replace_extractions(con, replaced, frames, wh.extraction_state_frame(articles, version))
        counts = wh.table_counts(con, wh.EXTRACTION_TABLES)
    context.log.info(
        f"extractor {version}: extracted {len(articles)} article(s), {plan.up_to_date} up to date, "
        f"{len(plan.orphaned)} orphaned removed"
    )
    for name in wh.EXTRACTION_TABLES:
        yield MaterializeResult(
            asset_key=raw_key(name),
            metadata={
                "extractor_version": version,
                "articles_extracted": len(articles),
                "articles_up_to_date": plan.up_to_date,
                "rows_written": inserted.get(name, 0),
                "dagster/row_count": counts[name],
            },
        )


raw_assets = [raw_inbox, raw_knowledge, raw_extractions]
