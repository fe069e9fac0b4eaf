with

unit_periods as (

    select * from {{ ref('int_lci_unit_periods') }}
    where period_kind = 'quarter' and population = 'all'

),

-- The change compares complete quarters only; a quarter still running shows its value so far and no change.
with_trend as (

    select
        *,
        case when is_complete
             then lci - lag(lci) over (partition by unit_level, unit_name, is_complete order by period_start)
        end as lci_change
    from unit_periods

),

final as (

    select
        unit_level,
        unit_name,
        period_start as quarter_start,
        cast(headcount as integer) as headcount,
        is_suppressed,
        is_complete,
        is_history_short,
        {{ unless_suppressed('measured_sub_scores', 'integer') }},
        {{ lci_score_columns() }}

    from with_trend

)

select * from final
