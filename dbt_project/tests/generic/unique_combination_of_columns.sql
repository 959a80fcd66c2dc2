{#
    Fails for every combination of the given columns that occurs more than once
    (a compound primary key check; dbt_utils is not available offline).

    data_tests:
      - unique_combination_of_columns:
          arguments:
            combination_of_columns: [meeting_id, actor_id]
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with keyed as (
    select
        {{ combination_of_columns | join(', ') }}
    from {{ model }}
)

select
    {{ combination_of_columns | join(', ') }},
    count(*) as count_rows
from keyed
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
