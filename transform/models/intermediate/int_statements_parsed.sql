{{
    config(
        materialized='incremental',
        unique_key='statement_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

{#- Statement-level facts unpacked from the payload once, so no later model parses JSON.
    Incremental by loaded_at: a LATE statement (old timestamp, new stored/loaded time) is picked up
    like any other new row; re-reading the lookback window is harmless because rows are keyed by id. -#}

with

statements as (

    select * from {{ ref('stg_xapi__statements') }}
    {% if is_incremental() %}
    where loaded_at >= (
        select coalesce(max(loaded_at), timestamptz '1970-01-01 00:00:00+00') from {{ this }}
    ) - interval {{ var('incremental_lookback_hours') | int }} hour
    {% endif %}

),

unpacked as (

    select
        statement_id,
        actor_key,
        verb_id,
        object_id,
        object_type,
        payload ->> '$.object.definition.type' as activity_type,
        registration,
        voided_statement_id,
        is_voiding,
        statement_at,
        stored_at,
        loaded_at,
        payload ->> '$.result.duration' as result_duration,
        payload ->> '$.result.extensions."https://w3id.org/xapi/video/extensions/played-segments"' as played_segments,
        coalesce(
            try_cast(payload ->> '$.context.extensions."https://w3id.org/xapi/video/extensions/length"' as double),
            try_cast(payload ->> '$.object.definition.extensions."https://w3id.org/xapi/video/extensions/length"' as double)
        ) as media_length_seconds,
        try_cast(payload ->> '$.result.success' as boolean) as result_success,
        try_cast(payload ->> '$.result.score.scaled' as double) as score_scaled,
        try_cast(payload ->> '$.result.extensions."https://w3id.org/xapi/cmi5/result/extensions/progress"' as double) as progress_percent,
        list_filter(
            json_extract(payload, '$.context.contextActivities.grouping[*]'),
            lambda activity: (activity ->> '$.definition.type') = 'http://activitystrea.ms/review'
        )[1] ->> '$.id' as review_cycle_id,
        json_extract(payload, '$.context.contextActivities.parent[*]')[1] ->> '$.id' as parent_activity_id,
        payload -> '$.context.instructor' as instructor

    from statements

),

final as (

    select
        statement_id,
        actor_key,
        verb_id,
        object_id,
        object_type,
        activity_type,
        registration,
        voided_statement_id,
        is_voiding,
        statement_at,
        stored_at,
        loaded_at,
        cast(timezone('UTC', statement_at) as date) as activity_date,
        cast(date_trunc('week', timezone('UTC', statement_at)) as date) as week_start,
        -- Time spent: the played segments of a video/audio statement, otherwise result.duration.
        cast(coalesce(
            {{ played_segments_seconds('played_segments') }},
            {{ iso8601_duration_seconds('result_duration') }},
            0
        ) as double) as learning_seconds,
        media_length_seconds,
        result_success,
        score_scaled,
        -- greatest/least skip nulls in DuckDB, so a missing progress must stay null explicitly.
        case when progress_percent is not null then least(greatest(progress_percent / 100.0, 0.0), 1.0) end as progress_share,
        review_cycle_id,
        parent_activity_id,
        {{ agent_key('instructor') }} as instructor_key

    from unpacked

)

select * from final
