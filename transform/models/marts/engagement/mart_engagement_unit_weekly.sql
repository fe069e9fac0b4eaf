with

weekly as (

    select * from {{ ref('mart_engagement_weekly') }}

),

units as (

    select * from {{ ref('int_person_units') }}

),

data_window as (

    select * from {{ ref('int_data_window') }}

),

rolled_up as (

    select
        units.unit_level,
        units.unit_name,
        weekly.week_start,
        count(*) as headcount,
        count(*) filter (where weekly.active_days > 0) as active_learners,
        -- Rounded: a float sum depends on the order rows are added in, and builds must be repeatable.
        round(sum(weekly.learning_minutes), 2) as total_learning_minutes,
        sum(weekly.completions) as total_completions,
        sum(weekly.social_actions) as total_social_actions,
        -- The index has 2 decimals: summed as decimals, so the result does not depend on the order rows are added
        -- in (a double sum could round an average of x.xx5 either way).
        sum(cast(weekly.engagement_index as decimal(18, 2))) as sum_engagement_index,
        avg(cast(weekly.engagement_index as decimal(18, 2))) as avg_engagement_index,
        -- Segments overlap (a person may be highly engaged and struggling): each count is of its own flag.
        count(*) filter (where weekly.is_highly_engaged) as highly_engaged_count,
        count(*) filter (where weekly.is_struggling) as struggling_count,
        count(*) filter (where weekly.is_disengaging) as disengaging_count,
        count(*) filter (where weekly.is_inactive) as inactive_count,
        count(*) filter (where weekly.engagement_segment = 'active') as active_count

    from weekly
    inner join units on weekly.employee_id = units.person_id
    group by 1, 2, 3

),

flagged as (

    select
        rolled_up.*,
        {{ is_below_privacy_k('headcount') }} as is_suppressed,
        -- A week is complete once data arrived after its Sunday; the week still running is "so far".
        rolled_up.week_start + 6 < data_window.last_stored_date as is_complete
    from rolled_up
    cross join data_window

),

final as (

    select
        unit_level,
        unit_name,
        week_start,
        cast(headcount as integer) as headcount,
        is_suppressed,
        is_complete,
        {{ unless_suppressed('active_learners', 'integer') }},
        {{ unless_suppressed('total_learning_minutes', 'double') }},
        {{ unless_suppressed('total_completions', 'integer') }},
        {{ unless_suppressed('total_social_actions', 'integer') }},
        {{ unless_suppressed('sum_engagement_index', 'double') }},
        case when is_suppressed then null else round(avg_engagement_index, 2) end::double as avg_engagement_index,
        {{ unless_suppressed('highly_engaged_count', 'integer') }},
        {{ unless_suppressed('struggling_count', 'integer') }},
        {{ unless_suppressed('disengaging_count', 'integer') }},
        {{ unless_suppressed('inactive_count', 'integer') }},
        {{ unless_suppressed('active_count', 'integer') }}

    from flagged

)

select * from final
