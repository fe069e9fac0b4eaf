{{
    config(
        materialized='incremental',
        unique_key='statement_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ reset_when_inputs_change() }}",
        post_hook=[
            "delete from {{ this }} where statement_id in (select voided_statement_id from {{ ref('int_statements_parsed') }} where is_voiding)",
            "{{ record_inputs_version() }}"
        ]
    )
}}

{#- Incremental by loaded_at, like int_statements_parsed: each build classifies the statements loaded since its
    newest row. A statement voided later is deleted by the post-hook; everything starts again when the roster, the
    verb mapping or the backfill setting changes (int_build_inputs). -#}

-- depends_on: {{ ref('int_build_inputs') }}

with

all_parsed as (

    select * from {{ ref('int_statements_parsed') }}

),

parsed as (

    select * from all_parsed
    {% if is_incremental() %}
    where loaded_at >= (
        select coalesce(max(loaded_at), timestamptz '1970-01-01 00:00:00+00') from {{ this }}
    ) - interval {{ var('incremental_lookback_hours') | int }} hour
    {% endif %}

),

verb_categories as (

    select * from {{ ref('int_verb_categories') }}

),

identities as (

    select * from {{ ref('stg_hris__identities') }}

),

voided as (

    select distinct voided_statement_id
    from all_parsed
    where is_voiding and voided_statement_id is not null

),

-- When Leerstroom first hears of a tool's history, the tool sends it all at once: on go-live, statements of
-- the past year are all stored within days. Statements stored in that backfill window (the first
-- history_backfill_days after the oldest stored statement) count as known from their own timestamp
-- (never later than stored); every later statement counts from when it was stored. Features that must not
-- see the future (retention risk) filter on known_at, so past snapshots see the backfilled history
-- while a statement that arrives late after go-live still never changes a past snapshot.
history as (

    select min(stored_at) + to_days({{ var('history_backfill_days') | int }}) as backfill_until
    from all_parsed

),

-- METRICS.md: voided statements, and the voiding statements themselves, count in no metric.
effective as (

    select parsed.*
    from parsed
    anti join voided on parsed.statement_id = voided.voided_statement_id
    where not parsed.is_voiding

),

final as (

    select
        effective.*,
        case when effective.stored_at < history.backfill_until
             then least(effective.statement_at, effective.stored_at)
             else effective.stored_at
        end as known_at,
        coalesce(verb_categories.category, 'other') as verb_category,
        identities.employee_id,
        -- Actors missing from the roster are people too: they count in organisation totals as 'unknown unit'.
        {{ person_id('identities.employee_id', 'effective.actor_key') }} as person_id,
        coalesce(verb_categories.category, 'other') not in ('other', 'manager')
            and effective.verb_id not in (
                'https://w3id.org/xapi/acrossx/verbs/was-assigned',
                'https://w3id.org/xapi/dod-isd/verbs/recommended'
            ) as is_learning,
        effective.verb_id in ('http://adlnet.gov/expapi/verbs/completed', 'http://adlnet.gov/expapi/verbs/passed') as is_completion,
        effective.verb_id = 'http://adlnet.gov/expapi/verbs/passed' as is_pass,
        effective.verb_id = 'http://adlnet.gov/expapi/verbs/failed' as is_failure,
        coalesce(verb_categories.category, 'other') = 'social' as is_social,
        effective.verb_id = 'https://w3id.org/xapi/acrossx/verbs/posted' as is_post,
        effective.verb_id = 'http://id.tincanapi.com/verb/replied' as is_reply,
        effective.verb_id in (
            'http://id.tincanapi.com/verb/reviewed', 'http://id.tincanapi.com/verb/rated', 'http://id.tincanapi.com/verb/voted-up'
        ) as is_peer_review,
        coalesce(verb_categories.category, 'other') = 'achieve' as is_badge,
        effective.verb_id = 'http://id.tincanapi.com/verb/defined'
            and effective.activity_type = 'http://id.tincanapi.com/activitytype/goal' as is_goal_defined,
        effective.verb_id = 'http://adlnet.gov/expapi/verbs/completed'
            and effective.activity_type = 'http://id.tincanapi.com/activitytype/goal' as is_goal_completed,
        effective.verb_id in ('http://adlnet.gov/expapi/verbs/registered', 'https://w3id.org/xapi/acrossx/verbs/was-assigned')
            and effective.activity_type = 'https://w3id.org/xapi/acrossx/activities/learning-plan' as is_path_enrolment,
        effective.activity_type = 'https://w3id.org/xapi/acrossx/activities/learning-plan' as is_path_statement,
        effective.verb_id = 'https://w3id.org/xapi/acrossx/verbs/was-assigned' as is_assignment,
        effective.verb_id = 'https://w3id.org/xapi/dod-isd/verbs/recommended' as is_recommendation,
        effective.activity_type in (
            'https://w3id.org/xapi/video/activity-type/video', 'https://w3id.org/xapi/audio/activity-type/audio'
        ) as is_media

    from effective
    left join verb_categories on effective.verb_id = verb_categories.verb_id
    left join identities on effective.actor_key = identities.actor_key
    cross join history

)

select * from final
