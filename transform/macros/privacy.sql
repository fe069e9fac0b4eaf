{#- Small-group suppression (METRICS.md, Privacy): a unit with fewer than var('privacy_k') people shows no metric. -#}
{% macro is_below_privacy_k(headcount) -%}
    ({{ headcount }} < {{ var('privacy_k') | int }})
{%- endmacro %}

{#- `column` when the row's unit is large enough, else null; keeps the column's name. -#}
{% macro unless_suppressed(column, data_type=none) -%}
    case when is_suppressed then null else {{ column }} end{% if data_type %}::{{ data_type }}{% endif %} as {{ column }}
{%- endmacro %}

{#- A unit x quarter mart cut from int_lci_unit_periods: the unit, the quarter, headcount and is_suppressed,
    then `columns` (a list of [name, data_type] or [name, data_type, expression]) nulled for suppressed units. Every lever mart is one of these,
    so they all share one definition of a unit, a quarter and suppression. -#}
{% macro unit_quarter_mart(columns) -%}
with

unit_periods as (

    select * from {{ ref('int_lci_unit_periods') }}
    where period_kind = 'quarter' and population = 'all'

),

final as (

    select
        unit_level,
        unit_name,
        period_start as quarter_start,
        cast(headcount as integer) as headcount,
        is_suppressed,
        {%- for column in columns %}
        case when is_suppressed then null else {{ column[2] if column | length > 2 else column[0] }} end::{{ column[1] }} as {{ column[0] }}{% if not loop.last %},{% endif %}
        {%- endfor %}

    from unit_periods

)

select * from final
{%- endmacro %}
