{{
    config(
        materialized='incremental',
        unique_key=['actor_key', 'week_start'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ reset_when_inputs_change() }}",
        post_hook="{{ record_inputs_version() }}"
    )
}}

{#- Engagement components per xAPI identity and ISO week. Incremental: each build recomputes only the
    (actor, week) pairs touched by newly loaded statements - including the old week a LATE statement
    (old timestamp) lands in, and the week of a statement that a new voiding statement removes.
    Distinct days, activity types and completed activities are kept as lists so that a person with several
    identities is counted once per day, type and activity. Learning time is not here: it is a property of
    sessions, which may span identities (int_learning_sessions). Everything is rebuilt when int_build_inputs changes (the verb mapping). -#}

-- depends_on: {{ ref('int_build_inputs') }}

with

statements as (

    select * from {{ ref('int_statements_classified') }}

),

{% if is_incremental() %}
parsed as (

    select * from {{ ref('int_statements_parsed') }}

),

new_statements as (

    select *
    from parsed
    where loaded_at >= (
        select coalesce(max(last_loaded_at), timestamptz '1970-01-01 00:00:00+00') from {{ this }}
    ) - interval {{ var('incremental_lookback_hours') | int }} hour

),

touched as (

    select actor_key, week_start from new_statements
    union
    select voided_target.actor_key, voided_target.week_start
    from new_statements as voiding
    inner join parsed as voided_target on voiding.voided_statement_id = voided_target.statement_id
    where voiding.is_voiding

),
{% else %}
touched as (

    select distinct actor_key, week_start from statements

),
{% endif %}

weekly as (

    select
        statements.actor_key,
        statements.week_start,
        count(*) as statement_count,
        list_distinct(list(statements.activity_date)) as active_dates,
        list_sort(list_distinct(list(statements.activity_id) filter (where statements.is_completion and statements.activity_id is not null)))
            as completed_activities,
        list_distinct(list(coalesce(statements.activity_type, 'untyped')) filter (where statements.is_learning)) as activity_types,
        count(*) filter (where statements.is_social) as social_actions,
        count(*) filter (where statements.is_pass or statements.is_failure) as concluded_attempts,
        count(*) filter (where statements.is_pass) as passes

    from statements
    inner join touched
        on statements.actor_key = touched.actor_key and statements.week_start = touched.week_start
    group by 1, 2

),

last_loaded as (

    select parsed_all.actor_key, parsed_all.week_start, max(parsed_all.loaded_at) as last_loaded_at
    from {{ ref('int_statements_parsed') }} as parsed_all
    inner join touched
        on parsed_all.actor_key = touched.actor_key and parsed_all.week_start = touched.week_start
    group by 1, 2

),

-- A touched pair whose statements were all voided still gets a row (with zeros), so that
-- delete+insert replaces the old row instead of leaving it behind.
final as (

    select
        touched.actor_key,
        touched.week_start,
        coalesce(weekly.statement_count, 0) as statement_count,
        coalesce(weekly.active_dates, []::date[]) as active_dates,
        coalesce(weekly.completed_activities, []::varchar[]) as completed_activities,
        coalesce(weekly.activity_types, []::varchar[]) as activity_types,
        coalesce(weekly.social_actions, 0) as social_actions,
        coalesce(weekly.concluded_attempts, 0) as concluded_attempts,
        coalesce(weekly.passes, 0) as passes,
        last_loaded.last_loaded_at

    from touched
    left join weekly on touched.actor_key = weekly.actor_key and touched.week_start = weekly.week_start
    left join last_loaded on touched.actor_key = last_loaded.actor_key and touched.week_start = last_loaded.week_start

)

select * from final
