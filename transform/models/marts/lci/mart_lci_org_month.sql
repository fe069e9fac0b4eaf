with

unit_periods as (

    select * from {{ ref('int_lci_unit_periods') }}
    where period_kind = 'month' and unit_level = 'organisation'

),

with_trend as (

    select *, lci - lag(lci) over (order by period_start) as lci_change
    from unit_periods

),

final as (

    select
        period_start as month_start,
        cast(headcount as integer) as headcount,
        is_suppressed,
        {{ lci_score_columns() }}

    from with_trend

)

select * from final
