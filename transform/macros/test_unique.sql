{#- dbt's `unique` test (its default implementation, overridden here), made cheaper for columns of ten million
    statement ids: values are grouped by their hash first, and only values whose hash repeats are compared, so a
    hash collision never fails the test. -#}
{% macro default__test_unique(model, column_name) %}

with repeated_hashes as (

    select hash({{ column_name }}) as value_hash
    from {{ model }}
    where {{ column_name }} is not null
    group by 1
    having count(*) > 1

)

select {{ column_name }} as unique_field, count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
  and hash({{ column_name }}) in (select value_hash from repeated_hashes)
group by {{ column_name }}
having count(*) > 1

{% endmacro %}
