{#
    Fails for every row where the boolean SQL expression is not true (false or null).

    data_tests:
      - expression_is_true:
          arguments:
            expression: "count_articles <= count_mentions"
#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not coalesce(({{ expression }}), false)

{% endtest %}
