with

data_window as (

    select * from {{ ref('int_data_window') }}

),

quarters as (

    {{ date_spine('(select first_activity_date from data_window)', '(select last_stored_date from data_window)', 'quarter') }}

),

months as (

    {{ date_spine('(select first_activity_date from data_window)', '(select last_stored_date from data_window)', 'month') }}

),

-- The Learning Culture Index is reported per quarter (units) and per month (organisation trend).
spans as (

    select 'quarter' as period_kind, cast(period_start as date) as period_start,
           cast(period_start + interval 3 month - interval 1 day as date) as period_end
    from quarters
    union all
    select 'month' as period_kind, cast(period_start as date) as period_start,
           cast(period_start + interval 1 month - interval 1 day as date) as period_end
    from months

),

-- A period is complete once data arrived after its last day; until then it is "so far", and headlines compare
-- complete periods only. Its trailing windows (365 days for goals and paths, T1's 13 weeks) are short while they
-- reach back before the first data: flagged, never silently shorter.
final as (

    select
        spans.period_kind,
        spans.period_start,
        spans.period_end,
        spans.period_end < data_window.last_stored_date as is_complete,
        least(spans.period_end, data_window.last_stored_date) as reached_date,
        spans.period_end - 364 < data_window.first_activity_date as is_history_short
    from spans
    cross join data_window

)

select * from final
