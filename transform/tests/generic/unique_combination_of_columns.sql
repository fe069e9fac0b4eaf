{#- A grain test: no two rows share the same values in all of `combination_of_columns`.
    Leerstroom has no dbt packages (dbt Hub is out of reach), so this replaces dbt_utils' test. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with grouped as (

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as row_count
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}

)

select * from grouped
where row_count > 1

{% endtest %}
