{#
    Helpers for the incremental models (see dbt_project/README.md, "Incremental builds").

    Every incremental model works the same way: it compares what it holds with what its
    upstream holds now, recomputes only the keys that differ (delete+insert on its
    unique_key) and, in a post-hook, deletes the rows whose source is gone. The sweep is
    needed because delete+insert only replaces keys that still have rows in the batch: an
    article re-extracted without contacts, or a participant set whose last mention moved
    away, would otherwise leave its old rows behind.
#}

{#
    Post-hook: delete the rows of this model whose combination of `columns` no longer
    exists in `upstream` (optionally restricted by `upstream_filter`). A no-op on full
    refreshes, which rebuild the table from scratch anyway.
#}
{% macro delete_rows_missing_upstream(upstream, columns, upstream_filter=none) %}
    {% if is_incremental() %}
        delete from {{ this }} as built
        where not exists (
            select 1
            from {{ upstream }} as upstream
            where
                {% for column in columns -%}
                    upstream.{{ column }} = built.{{ column }}{{ " and" if not loop.last }}
                {% endfor -%}
                {%- if upstream_filter %} and ({{ upstream_filter }}){% endif %}
        )
    {% endif %}
{% endmacro %}


{#
    on-run-start hook: drop an incremental table whose columns differ from the columns its
    YAML declares, so this run rebuilds it from scratch instead of failing (or, worse,
    running the incremental filter against the old layout). This is what makes a model
    change that adds or renames columns safe for warehouses built before it; a change of
    logic that keeps the columns still needs `dbt build --full-refresh`. Downstream models
    compare themselves with their upstream, so they catch up with a rebuilt model on their
    own.

    The same for a table whose number of not-null and check constraints differs from its
    YAML: constraints are created with the table only, so an incremental table built
    before a constraint was declared would otherwise never be checked against it.
#}
{% macro drop_incremental_tables_with_changed_columns() %}
    {% if execute and flags.WHICH in ('build', 'run') %}
        {% set ns = namespace(dropped=false) %}
        {% for node in graph.nodes.values()
            if node.resource_type == 'model' and node.config.materialized == 'incremental' %}
            {% set relation = adapter.get_relation(
                database=node.database, schema=node.schema, identifier=node.alias) %}
            {% if relation is not none and relation.is_table %}
                {% set existing = adapter.get_columns_in_relation(relation)
                    | map(attribute='name') | map('lower') | list %}
                {% set declared = node.columns.keys() | map('lower') | list %}
                {% set ns_constraints = namespace(declared=0) %}
                {% for column in node.columns.values() %}
                    {% for constraint in column.constraints if constraint.type in ('not_null', 'check') %}
                        {% set ns_constraints.declared = ns_constraints.declared + 1 %}
                    {% endfor %}
                {% endfor %}
                {% for constraint in node.constraints if constraint.type == 'check' %}
                    {% set ns_constraints.declared = ns_constraints.declared + 1 %}
                {% endfor %}
                {% set existing_constraints = run_query(
                    "select count(*) from duckdb_constraints() where database_name = '" ~ relation.database
                    ~ "' and schema_name = '" ~ relation.schema ~ "' and table_name = '" ~ relation.identifier
                    ~ "' and constraint_type in ('NOT NULL', 'CHECK')").columns[0].values()[0] %}
                {% if existing | sort != declared | sort or existing_constraints != ns_constraints.declared %}
                    {% do log('dropping ' ~ relation ~ ': its columns or constraints changed, it is rebuilt in full', info=true) %}
                    {% do adapter.drop_relation(relation) %}
                    {% set ns.dropped = true %}
                {% endif %}
            {% endif %}
        {% endfor %}
        {# drop_relation runs in a transaction of its own; hooks are not committed for us. #}
        {% if ns.dropped %}
            {% do adapter.commit() %}
        {% endif %}
    {% endif %}
{% endmacro %}


{#
    delete+insert for this project's incremental models: delete the target rows whose
    unique key occurs in the batch, then insert the batch.

    Overrides dbt-duckdb's version, which for a composite key (int_meetings_deduplicated:
    contact_type, merge_key) deletes `using` the batch joined row by row: every target row
    of a group meets every batch row of the same group, so a group of n mentions costs n^2
    (a 5,000-mention group on the 100k warehouse, 1 s for the delete alone). Comparing with
    the distinct keys of the batch deletes the same rows.
#}
{% macro duckdb__get_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) -%}

    {%- set dest_cols_csv = get_quoted_csv(dest_columns | map(attribute="name")) -%}
    {%- set keys = [unique_key] if unique_key is string else (unique_key or []) -%}

    {% if keys %}
        delete from {{ target }}
        where
            ({{ keys | join(', ') }}) in (
                select distinct {{ keys | join(', ') }}
                from {{ source }}
            )
            {%- for predicate in incremental_predicates or [] %}
                and {{ predicate }}
            {%- endfor %};
    {% endif %}

    insert into {{ target }} ({{ dest_cols_csv }})
    (
        select {{ dest_cols_csv }}
        from {{ source }}
    )

{%- endmacro %}
