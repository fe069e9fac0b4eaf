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
final as (

    select 'quarter' as period_kind, cast(period_start as date) as period_start,
           cast(period_start + interval 3 month - interval 1 day as date) as period_end
    from quarters
    union all
    select 'month' as period_kind, cast(period_start as date) as period_start,
           cast(period_start + interval 1 month - interval 1 day as date) as period_end
    from months

)

select * from final
