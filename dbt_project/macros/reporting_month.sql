{#
    The month a meeting is counted in by the monthly reports: its own month, else the
    month its first article was published. Null when it has neither; the reports leave
    such meetings out.
#}
{% macro reporting_month(meeting_month='meeting_month', first_reported_date='first_reported_date') -%}
    coalesce({{ meeting_month }}, date_trunc('month', {{ first_reported_date }})::date)
{%- endmacro %}
