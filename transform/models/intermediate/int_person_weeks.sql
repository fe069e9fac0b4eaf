{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ prepare_rebuild_scope('person_id', 'person', weeks_grid()) }}",
        post_hook="{{ finish_rebuild_scope(weeks_grid()) }}"
    )
}}

{#- Engagement components per person and ISO week. Learning minutes are the person's sessions that began in the
    week (int_learning_sessions: each counted once); completions are distinct activities completed or passed.
    Incremental by person: each build rebuilds the weeks of the people new statements touch, and everyone's when a
    new week begins (macros/incremental_scope.sql). -#}

-- depends_on: {{ ref('int_actor_changes') }}, {{ ref('int_build_inputs') }}

with

people as (

    select * from {{ ref('int_people') }}

),

identities as (

    select * from {{ ref('stg_hris__identities') }}

),

actor_weeks as (

    select * from {{ ref('int_actor_weeks') }}

),

weeks as (

    {{ weeks_grid() }}

),

-- Every person gets a row for every week they belonged to the organisation, active or not.
grid as (

    select people.person_id, cast(weeks.period_start as date) as week_start
    from people
    inner join weeks
        on people.member_from <= cast(weeks.period_start as date) + 6
        and (people.member_until is null or people.member_until >= cast(weeks.period_start as date))
    where {{ in_rebuild_scope('people.person_id') }}

),

person_actor_weeks as (

    select
        {{ person_id('identities.employee_id', 'actor_weeks.actor_key') }} as person_id,
        actor_weeks.*
    from actor_weeks
    left join identities on actor_weeks.actor_key = identities.actor_key
    where actor_weeks.statement_count > 0
      and {{ in_rebuild_scope(person_id('identities.employee_id', 'actor_weeks.actor_key')) }}

),

session_weeks as (

    select
        person_id,
        cast(date_trunc('week', session_date) as date) as week_start,
        -- Summed as decimals, so the result does not depend on the order rows are added in.
        sum(cast(session_seconds as decimal(18, 3))) / 60.0 as learning_minutes
    from {{ ref('int_learning_sessions') }}
    where {{ in_rebuild_scope('person_id') }}
    group by 1, 2

),

components as (

    select
        person_id,
        week_start,
        len(list_distinct(flatten(list(active_dates)))) as active_days,
        list_max(flatten(list(active_dates))) as last_active_date_in_week,
        len(list_distinct(flatten(list(completed_activities)))) as completions,
        len(list_distinct(flatten(list(activity_types)))) as breadth,
        sum(social_actions) as social_actions,
        sum(concluded_attempts) as concluded_attempts,
        sum(passes) as passes

    from person_actor_weeks
    group by 1, 2

),

final as (

    select
        grid.person_id,
        grid.week_start,
        cast(coalesce(components.active_days, 0) as integer) as active_days,
        round(coalesce(session_weeks.learning_minutes, 0), 2)::double as learning_minutes,
        cast(coalesce(components.completions, 0) as integer) as completions,
        cast(coalesce(components.breadth, 0) as integer) as breadth,
        cast(coalesce(components.social_actions, 0) as integer) as social_actions,
        cast(coalesce(components.concluded_attempts, 0) as integer) as concluded_attempts,
        cast(coalesce(components.passes, 0) as integer) as passes,
        -- The newest active day up to this week's Sunday, carried forward through inactive weeks.
        max(components.last_active_date_in_week) over (
            partition by grid.person_id order by grid.week_start rows between unbounded preceding and current row
        ) as last_active_date

    from grid
    left join components on grid.person_id = components.person_id and grid.week_start = components.week_start
    left join session_weeks on grid.person_id = session_weeks.person_id and grid.week_start = session_weeks.week_start

)

select * from final
