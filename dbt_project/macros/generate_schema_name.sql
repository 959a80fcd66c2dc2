{#
    Use a model's custom schema verbatim (staging, intermediate, marts) instead of
    dbt's default "<target_schema>_<custom_schema>", so relations and the Dagster asset
    keys derived from them are stable: marts.fct_meetings -> marts/fct_meetings.
    Models without a custom schema fall back to the target schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
