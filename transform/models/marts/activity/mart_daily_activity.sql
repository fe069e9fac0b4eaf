{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ prepare_rebuild_scope('person_id', 'person') }}",
        post_hook="{{ finish_rebuild_scope() }}"
    )
}}

{#- Statements and learning time per UTC day, actor and verb. A learning session's seconds (int_learning_sessions,
    each counted once) are booked on the row of its first statement: the day it began, its actor and verb, so the
    rows of a person and day add up to the person's learning time that day. Incremental by person: each build
    rebuilds the days of the people new statements touch (a session may join a person's identities). -#}

-- depends_on: {{ ref('int_actor_changes') }}, {{ ref('int_build_inputs') }}, {{ ref('int_people') }}, {{ ref('stg_hris__identities') }}

with

statements as (

    select * from {{ ref('int_statements_classified') }}
    where {{ in_rebuild_scope('person_id') }}

),

sessions as (

    select * from {{ ref('int_learning_sessions') }}
    where {{ in_rebuild_scope('person_id') }}

),

daily as (

    select
        cast(timezone('UTC', statement_at) as date) as activity_date,
        actor_key,
        verb_id,
        any_value(person_id) as person_id,
        count(*) as statement_count,
        min(statement_at) as first_statement_at,
        max(statement_at) as last_statement_at

    from statements
    group by 1, 2, 3

),

session_time as (

    select
        session_date as activity_date,
        first_actor_key as actor_key,
        first_verb_id as verb_id,
        count(*) as learning_sessions,
        sum(cast(session_seconds as decimal(18, 3))) as learning_seconds
    from sessions
    group by 1, 2, 3

),

final as (

    select
        daily.activity_date,
        daily.actor_key,
        daily.verb_id,
        daily.person_id,
        daily.statement_count,
        daily.first_statement_at,
        daily.last_statement_at,
        cast(coalesce(session_time.learning_sessions, 0) as bigint) as learning_sessions,
        cast(coalesce(session_time.learning_seconds, 0) as double) as learning_seconds

    from daily
    left join session_time
        on daily.activity_date = session_time.activity_date
        and daily.actor_key = session_time.actor_key
        and daily.verb_id = session_time.verb_id

)

select * from final
