"""Asset checks on the raw layer, beyond dbt's data tests: is the extraction doing its job?

All are warnings (they never fail a run): they show in the UI next to the asset, with the
figures and examples as metadata, when the inbox or the extractor drifts. Thresholds are
deliberately loose; they catch breakage (a format change that leaves texts empty, a
knowledge base that lost its persons), not the normal spread of news.
"""

# No `from __future__ import annotations`: Dagster inspects the resource annotations.
from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue, asset_check

from orchestration.assets import WAREHOUSE_POOL, raw_key
from orchestration.resources import ContactsWarehouse
from transforms import monitoring
from transforms import warehouse as wh

# At least this share of the extracted articles should yield a contact: the inbox is
# diplomacy news. Far less means empty or garbled texts, or an extractor gone blind.
MIN_SHARE_WITH_CONTACTS = 0.3
# At most this share of the participants may be unknown to the knowledge base.
MAX_SHARE_UNLINKED = 0.5
# At most this share of the articles may lack a publication date (relative dates such as
# "am Freitag" cannot be resolved without it).
MAX_SHARE_UNDATED = 0.2


def _result(share: monitoring.Share, passed: bool, label: str, examples_label: str) -> AssetCheckResult:
    value = share.share
    return AssetCheckResult(
        passed=passed,
        severity=AssetCheckSeverity.WARN,
        description=(
            f"{share.part} of {share.total} {label}" + (f" ({value:.0%})" if value is not None else "")
        ),
        metadata={
            "count": share.part,
            "total": share.total,
            "share": float(value) if value is not None else 0.0,
            examples_label: MetadataValue.json(list(share.examples)),
        },
    )


@asset_check(
    asset=raw_key("contact_mentions"),
    description=f"At least {MIN_SHARE_WITH_CONTACTS:.0%} of the extracted articles yield a contact.",
    pool=WAREHOUSE_POOL,
)
def articles_with_contacts(warehouse: ContactsWarehouse) -> AssetCheckResult:
    with warehouse.get_connection() as con:
        wh.ensure_schema(con)  # a check may run before anything was loaded
        share = monitoring.articles_with_contacts(con)
    passed = share.total == 0 or share.part / share.total >= MIN_SHARE_WITH_CONTACTS
    return _result(share, passed, "extracted articles have at least one contact", "articles_without_contacts")


@asset_check(
    asset=raw_key("contact_participants"),
    description=f"At most {MAX_SHARE_UNLINKED:.0%} of the participants are not linked to the knowledge base.",
    pool=WAREHOUSE_POOL,
)
def participants_linked_to_knowledge_base(warehouse: ContactsWarehouse) -> AssetCheckResult:
    with warehouse.get_connection() as con:
        wh.ensure_schema(con)  # a check may run before anything was loaded
        share = monitoring.unlinked_participants(con)
    passed = share.total == 0 or share.part / share.total <= MAX_SHARE_UNLINKED
    return _result(share, passed, "participants are not in the knowledge base", "most_frequent_unlinked")


@asset_check(
    asset=raw_key("articles"),
    description=f"At most {MAX_SHARE_UNDATED:.0%} of the articles have no publication date.",
    pool=WAREHOUSE_POOL,
)
def articles_have_dates(warehouse: ContactsWarehouse) -> AssetCheckResult:
    with warehouse.get_connection() as con:
        wh.ensure_schema(con)  # a check may run before anything was loaded
        share = monitoring.undated_articles(con)
    passed = share.total == 0 or share.part / share.total <= MAX_SHARE_UNDATED
    return _result(share, passed, "articles have no publication date", "undated_articles")


@asset_check(
    asset=raw_key("rejected_inputs"),
    description="Every file in the inbox could be read; otherwise lists what was rejected and why.",
    pool=WAREHOUSE_POOL,
)
def inbox_fully_read(warehouse: ContactsWarehouse) -> AssetCheckResult:
    with warehouse.get_connection() as con:
        wh.ensure_schema(con)  # a check may run before anything was loaded
        rejected = monitoring.rejected_inputs(con)
    return AssetCheckResult(
        passed=not rejected,
        severity=AssetCheckSeverity.WARN,
        description=f"{len(rejected)} input(s) could not be read" if rejected else "every input was read",
        metadata={
            "rejected_inputs": len(rejected),
            "rejections": MetadataValue.md(monitoring.markdown_table(("file", "reason"), rejected[:50])),
        },
    )


raw_checks = [
    articles_with_contacts,
    participants_linked_to_knowledge_base,
    articles_have_dates,
    inbox_fully_read,
]
