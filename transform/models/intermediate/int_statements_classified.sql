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
    where activity_type is null

),

verb_categories_by_activity_type as (

    select * from {{ ref('int_verb_categories') }}
    where activity_type is not null

),

resource_kinds as (

    select * from {{ ref('resource_kinds') }}

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

categorised as (

    select
        effective.*,
        coalesce(by_activity_type.category, verb_categories.category, 'other') as verb_category,
        -- A cmi5 AU often names no activity type; the cmi5 session it belongs to makes it course content.
        coalesce(resource_kinds.resource_kind, case when effective.cmi5_session_id is not null then 'course' end)
            as resource_kind,
        identities.employee_id

    from effective
    left join verb_categories_by_activity_type as by_activity_type
        on effective.verb_id = by_activity_type.verb_id and effective.activity_type = by_activity_type.activity_type
    left join verb_categories on effective.verb_id = verb_categories.verb_id
    left join resource_kinds on effective.activity_type = resource_kinds.activity_type
    left join identities on effective.actor_key = identities.actor_key

),

final as (

    select
        categorised.* exclude (verb_category, resource_kind, employee_id),
        case when categorised.stored_at < history.backfill_until
             then least(categorised.statement_at, categorised.stored_at)
             else categorised.stored_at
        end as known_at,
        categorised.verb_category,
        categorised.employee_id,
        -- Actors missing from the roster are people too: they count in organisation totals as 'unknown unit'.
        {{ person_id('categorised.employee_id', 'categorised.actor_key') }} as person_id,
        categorised.verb_category not in ('other', 'manager')
            and categorised.verb_id not in (
                'https://w3id.org/xapi/acrossx/verbs/was-assigned',
                'https://w3id.org/xapi/dod-isd/verbs/recommended'
            ) as is_learning,
        categorised.resource_kind,
        categorised.verb_id in ('http://adlnet.gov/expapi/verbs/completed', 'http://adlnet.gov/expapi/verbs/passed') as is_completion,
        -- An attempt ends in a pass or a fail: `passed` / `failed`, or a graded conclusion with result.success
        -- (Moodle's completed quiz attempt, Open edX's evaluated problem, an H5P question set's completed).
        categorised.verb_id = 'http://adlnet.gov/expapi/verbs/passed'
            or (categorised.verb_id in ({{ graded_conclusion_verbs() }}) and coalesce(categorised.result_success, false))
            as is_pass,
        categorised.verb_id = 'http://adlnet.gov/expapi/verbs/failed'
            or (categorised.verb_id in ({{ graded_conclusion_verbs() }}) and not coalesce(categorised.result_success, true))
            as is_failure,
        -- A new attempt or session opens: no result yet (Open edX also sends `attempted` with the grade of a
        -- problem already checked, which opens nothing).
        categorised.verb_id in ({{ attempt_start_verbs() }})
            and categorised.result_success is null and categorised.score_scaled is null as is_attempt_start,
        -- Which attempt a start opens: its cmi5 or video session, the Moodle attempt, the registration, or itself.
        coalesce(categorised.cmi5_session_id, categorised.video_session_id, categorised.attempt_id,
                 categorised.registration, categorised.statement_id) as attempt_key,
        categorised.verb_category = 'social' as is_social,
        categorised.verb_id = 'https://w3id.org/xapi/acrossx/verbs/posted'
            or (categorised.verb_id in ('http://activitystrea.ms/create', 'http://activitystrea.ms/schema/1.0/create')
                and categorised.verb_category = 'social') as is_post,
        categorised.verb_id = 'http://id.tincanapi.com/verb/replied' as is_reply,
        categorised.verb_id in (
            'http://id.tincanapi.com/verb/reviewed', 'http://id.tincanapi.com/verb/rated', 'http://id.tincanapi.com/verb/voted-up',
            'https://w3id.org/xapi/openedx/verb/voted'
        ) as is_peer_review,
        categorised.verb_category = 'achieve' as is_badge,
        -- Flags that test the activity type are false, not null, for an activity without one.
        categorised.verb_id = 'http://id.tincanapi.com/verb/defined'
            and coalesce(categorised.activity_type = 'http://id.tincanapi.com/activitytype/goal', false) as is_goal_defined,
        categorised.verb_id = 'http://adlnet.gov/expapi/verbs/completed'
            and coalesce(categorised.activity_type = 'http://id.tincanapi.com/activitytype/goal', false) as is_goal_completed,
        categorised.verb_id in ('http://adlnet.gov/expapi/verbs/registered', 'https://w3id.org/xapi/acrossx/verbs/was-assigned')
            and coalesce(categorised.activity_type = 'https://w3id.org/xapi/acrossx/activities/learning-plan', false)
            as is_path_enrolment,
        coalesce(categorised.activity_type = 'https://w3id.org/xapi/acrossx/activities/learning-plan', false) as is_path_statement,
        categorised.verb_id = 'https://w3id.org/xapi/acrossx/verbs/was-assigned' as is_assignment,
        categorised.verb_id = 'https://w3id.org/xapi/dod-isd/verbs/recommended' as is_recommendation,
        coalesce(categorised.activity_type in (
            'https://w3id.org/xapi/video/activity-type/video', 'https://w3id.org/xapi/audio/activity-type/audio'
        ), false) as is_media

    from categorised
    cross join history

)

select * from final
