"""The serving copy for BI tools as a Dagster asset: marts -> serving.duckdb + marts/*.parquet.

The asset depends on every mart, so it runs after each successful dbt build and never
after a failed one (a failing model or test fails the dbt step and skips this one). The
logic is in ``transforms.serving``; this module only wires it to the warehouse resource.
"""

# No `from __future__ import annotations`: Dagster inspects the `context` annotation.
from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    MaterializeResult,
    MetadataValue,
    asset,
)

from orchestration.assets import WAREHOUSE_POOL
from orchestration.resources import ContactsWarehouse
from transforms.serving import MARTS_SCHEMA, STORAGE_VERSION, ServingPaths, publish_marts

SERVING_GROUP = "serving"
SERVING_KEY = AssetKey([SERVING_GROUP, "marts"])


def build_serving_asset(dbt_models: AssetsDefinition) -> AssetsDefinition:
    """The ``serving/marts`` asset, downstream of every ``marts/*`` asset of ``dbt_models``."""
    marts = sorted((key for key in dbt_models.keys if key.path[0] == MARTS_SCHEMA), key=lambda k: k.path)

    @asset(
        key=SERVING_KEY,
        group_name=SERVING_GROUP,
        deps=marts,
        description=(
            "Copy of the marts for Metabase and SQL clients: serving.duckdb (DuckDB "
            f"{STORAGE_VERSION} storage, readable by DuckDB 1.x) and marts/*.parquet beside the "
            "warehouse file, both replaced atomically."
        ),
        kinds={"duckdb", "parquet"},
        # It reads the warehouse file, which a writer elsewhere would hold locked.
        pool=WAREHOUSE_POOL,
    )
    def serving_marts(context: AssetExecutionContext, warehouse: ContactsWarehouse) -> MaterializeResult:
        paths = ServingPaths.beside(warehouse.path())
        with warehouse.get_connection() as con:
            result = publish_marts(con, paths)
        context.log.info(
            f"published {len(result.row_counts)} marts to {paths.database}, {paths.parquet_dir} "
            f"({result.mode}; changed: {', '.join(result.changed) or 'none'})"
        )
        return MaterializeResult(
            metadata={
                "serving_database": MetadataValue.path(str(paths.database)),
                "parquet_dir": MetadataValue.path(str(paths.parquet_dir)),
                "storage_version": STORAGE_VERSION,
                "row_counts": MetadataValue.json(result.row_counts),
                "changed_marts": MetadataValue.json(result.changed),
                # unchanged (copy left as it was) | updated (changed rows only) | written (in full)
                "publish_mode": result.mode,
                "dagster/row_count": sum(result.row_counts.values()),
            }
        )

    return serving_marts
