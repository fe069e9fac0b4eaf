with

unit_periods as (

    select * from {{ ref('int_lci_unit_periods') }}
    where period_kind = 'quarter'

),

with_trend as (

    select
        *,
        lci - lag(lci) over (partition by unit_level, unit_name order by period_start) as lci_change
    from unit_periods

),

final as (

    select
        unit_level,
        unit_name,
        period_start as quarter_start,
        cast(headcount as integer) as headcount,
        is_suppressed,
        {{ lci_score_columns() }}

    from with_trend

)

select * from final
