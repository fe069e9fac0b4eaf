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

-- Safety net: the sink writes each id once; should a replay ever load one twice, keep its first load.
-- Deduplicating here, after the incremental filter, costs only the new rows; an id loaded again in a later
-- batch replaces the built row (delete+insert on statement_id) with the same statement.
deduplicated as (

    select *
    from statements
    qualify row_number() over (
        partition by statement_id
        order by loaded_at, kafka_partition, kafka_offset
    ) = 1

),

-- Each JSON function call parses the payload again, so every path is read in one of two calls:
-- the scalars as text, and the three nested parts as JSON (small documents, parsed again cheaply below).
extracted as (

    select
        *,
        json_extract_string(payload, [
            '$.object.definition.type',
            '$.result.duration',
            '$.result.extensions."https://w3id.org/xapi/video/extensions/played-segments"',
            '$.context.extensions."https://w3id.org/xapi/video/extensions/length"',
            '$.object.definition.extensions."https://w3id.org/xapi/video/extensions/length"',
            '$.result.success',
            '$.result.score.scaled',
            '$.result.extensions."https://w3id.org/xapi/cmi5/result/extensions/progress"',
            '$.context.extensions."https://w3id.org/xapi/video/extensions/session-id"',
            '$.context.extensions."https://w3id.org/xapi/cmi5/context/extensions/sessionid"'
        ]) as scalars,
        json_extract(payload, [
            '$.context.contextActivities.grouping',
            '$.context.contextActivities.parent',
            '$.context.instructor'
        ]) as parts

    from deduplicated

),

unpacked as (

    select
        statement_id,
        actor_key,
        verb_id,
        object_id,
        object_type,
        scalars[1] as activity_type,
        registration,
        voided_statement_id,
        is_voiding,
        statement_at,
        stored_at,
        loaded_at,
        scalars[2] as result_duration,
        scalars[3] as played_segments,
        coalesce(try_cast(scalars[4] as double), try_cast(scalars[5] as double)) as media_length_seconds,
        try_cast(scalars[6] as boolean) as result_success,
        try_cast(scalars[7] as double) as score_scaled,
        try_cast(scalars[8] as double) as progress_percent,
        -- contextActivities are arrays; xAPI 1.0 tools may send a single activity object instead.
        list_filter(
            case when json_type(parts[1]) = 'OBJECT' then [parts[1]] else json_extract(parts[1], '$[*]') end,
            lambda activity: (activity ->> '$.definition.type') = 'http://activitystrea.ms/review'
        )[1] ->> '$.id' as review_cycle_id,
        case when json_type(parts[2]) = 'OBJECT' then parts[2] ->> '$.id' else parts[2] ->> '$[0].id' end
            as parent_activity_id,
        case when json_type(parts[2]) = 'OBJECT' then parts[2] ->> '$.definition.type' else parts[2] ->> '$[0].definition.type' end
            as parent_activity_type,
        scalars[9] as video_session_id,
        scalars[10] as cmi5_session_id,
        parts[3] as instructor

    from extracted

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
        -- Time is never added up per statement: a player repeats the session's played segments, and a cmi5 AU the
        -- session's duration, in statement after statement. int_learning_sessions counts each session once.
        played_segments,
        cast({{ iso8601_duration_seconds('result_duration') }} as double) as reported_seconds,
        media_length_seconds,
        video_session_id,
        cmi5_session_id,
        -- An attempt activity (Moodle's quiz attempts) is one try at its parent, the quiz: the attempt is the unit
        -- that reports its own duration, the parent the activity that is attempted and completed.
        case when activity_type = '{{ attempt_activity_type() }}' then object_id
             when parent_activity_type = '{{ attempt_activity_type() }}' then parent_activity_id
        end as attempt_id,
        case when activity_type = '{{ attempt_activity_type() }}' then coalesce(parent_activity_id, object_id)
             else object_id
        end as activity_id,
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
