{#- One row per period start from `start_date` to `end_date` (both date expressions), stepping by `step`
    ('day', 'week', 'month' or 'quarter'). Replaces dbt_utils.date_spine, which needs a dbt package. -#}
{% macro date_spine(start_date, end_date, step='day') -%}
    select cast(period_start as date) as period_start
    from range(
        cast(date_trunc('{{ step }}', cast({{ start_date }} as date)) as timestamp),
        cast({{ end_date }} as timestamp) + interval 1 day,
        interval 1 {{ step }}
    ) as spine(period_start)
{%- endmacro %}
