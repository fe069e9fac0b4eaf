{#- Learning time, counted once: every learning statement belongs to exactly one session, and each session's
    seconds come from one rule (docs/metrics.md has the table per tool):
    - played_segments: a video or audio session (Video Profile session-id, else registration) whose statements carry
      played segments: the union of all its segments, capped at the media's length. Players repeat the session's
      segments so far in each statement, so adding them up counts the same seconds again and again;
    - reported_duration: a registration (per cmi5 session) or a Moodle quiz attempt whose statements report
      result.duration: the longest one. cmi5's completed, passed/failed and terminated each carry the session's
      duration so far;
    - between_statements: everything else (tools that send no duration, or durations that are no session's: H5P's
      answers count from when the question opened): runs of statements with gaps of at most
      var('session_gap_minutes'), from the first statement to the last, or the longest duration reported in the run
      when that is longer (a lone quiz result says how long its attempt took). -#}

-- depends_on: {{ ref('int_actor_changes') }}, {{ ref('int_build_inputs') }}, {{ ref('int_people') }}, {{ ref('stg_hris__identities') }}

with

statements as not materialized (

    select
        person_id, actor_key, statement_id, statement_at, verb_id, object_id, registration, video_session_id,
        cmi5_session_id, attempt_id, played_segments, reported_seconds, media_length_seconds, is_media
    from {{ ref('int_statements_classified') }}
    where is_learning and {{ in_rebuild_scope('person_id') }}

),

keyed as (

    select
        *,
        case when video_session_id is not null or (is_media and registration is not null)
             then 'video ' || coalesce(object_id, '') || ' ' || coalesce(video_session_id, registration)
        end as video_unit,
        case when registration is not null then 'registration ' || registration || ' ' || coalesce(cmi5_session_id, '')
             when attempt_id is not null then 'attempt ' || attempt_id
        end as reported_unit
    from statements

),

-- The units whose tool reports their time: video sessions with played segments, registrations' cmi5 sessions and
-- Moodle attempts with a duration (aggregates and hash joins: no sort of all statements).
video_units as (

    select person_id, video_unit
    from keyed
    where video_unit is not null
    group by 1, 2
    having bool_or(played_segments is not null)

),

reported_units as (

    select person_id, reported_unit
    from keyed
    where reported_unit is not null
    group by 1, 2
    having bool_or(reported_seconds is not null)

),

ruled as (

    select
        keyed.person_id, keyed.actor_key, keyed.statement_id, keyed.statement_at, keyed.verb_id, keyed.played_segments,
        keyed.reported_seconds, keyed.media_length_seconds,
        case when video_units.video_unit is not null then 'played_segments'
             when reported_units.reported_unit is not null then 'reported_duration'
             else 'between_statements'
        end as time_rule,
        coalesce(video_units.video_unit, reported_units.reported_unit) as reported_key
    from keyed
    left join video_units
        on keyed.person_id = video_units.person_id and keyed.video_unit = video_units.video_unit
    left join reported_units
        on keyed.person_id = reported_units.person_id and keyed.reported_unit = reported_units.reported_unit

),

gaps as (

    select
        person_id,
        statement_id,
        statement_at,
        statement_at - lag(statement_at) over (partition by person_id order by statement_at, statement_id) as gap
    from ruled
    where reported_key is null

),

idle_sessions as (

    select
        person_id,
        statement_id,
        sum(case when gap is null or gap > interval {{ var('session_gap_minutes') | int }} minute then 1 else 0 end)
            over (partition by person_id order by statement_at, statement_id rows unbounded preceding) as idle_session
    from gaps

),

-- A session is (reported_key, idle_session): one of the two is null. Grouping on them, not on a key string built for
-- every statement, keeps the sessions of tools without durations cheap.
sessioned as (

    select ruled.*, idle_sessions.idle_session
    from ruled
    left join idle_sessions on ruled.person_id = idle_sessions.person_id and ruled.statement_id = idle_sessions.statement_id

),

-- Played segments 'start[.]end' joined by '[,]'; an open segment ('12', a seek's start) has no end and adds nothing.
segments as (

    select
        person_id,
        session_key,
        try_cast(split_part(segment, '[.]', 1) as double) as segment_start,
        try_cast(split_part(segment, '[.]', 2) as double) as segment_end
    from (
        select person_id, reported_key as session_key, unnest(string_split(played_segments, '[,]')) as segment
        from ruled
        where time_rule = 'played_segments' and played_segments is not null
    ) as listed

),

-- The union of the segments: sorted by start, a segment opens a new stretch when it starts after every earlier
-- one ended; each stretch runs from its first start to its last end.
stretch_starts as (

    select
        *,
        coalesce(segment_start > max(segment_end) over (
            partition by person_id, session_key order by segment_start, segment_end
            rows between unbounded preceding and 1 preceding
        ), true) as opens_stretch
    from segments
    where segment_end > segment_start

),

stretches as (

    select
        person_id,
        session_key,
        sum(case when opens_stretch then 1 else 0 end) over (
            partition by person_id, session_key order by segment_start, segment_end rows unbounded preceding
        ) as stretch,
        segment_start,
        segment_end
    from stretch_starts

),

played as (

    select person_id, session_key, sum(stretch_seconds) as played_seconds
    from (
        select person_id, session_key, stretch, max(segment_end) - min(segment_start) as stretch_seconds
        from stretches
        group by 1, 2, 3
    ) as per_stretch
    group by 1, 2

),

final as (

    select
        sessioned.person_id,
        coalesce(sessioned.reported_key, 'between statements ' || cast(sessioned.idle_session as varchar)) as session_key,
        any_value(sessioned.time_rule) as time_rule,
        min(sessioned.statement_at) as session_started_at,
        cast(timezone('UTC', min(sessioned.statement_at)) as date) as session_date,
        -- The actor and verb of the session's first statement: mart_daily_activity books the session's time there.
        arg_min(sessioned.actor_key, (sessioned.statement_at, sessioned.statement_id)) as first_actor_key,
        arg_min(sessioned.verb_id, (sessioned.statement_at, sessioned.statement_id)) as first_verb_id,
        count(*) as statement_count,
        round(case any_value(sessioned.time_rule)
            when 'played_segments' then least(
                coalesce(any_value(played.played_seconds), 0),
                coalesce(nullif(max(sessioned.media_length_seconds), 0), coalesce(any_value(played.played_seconds), 0)))
            when 'reported_duration' then max(sessioned.reported_seconds)
            else greatest(date_diff('millisecond', min(sessioned.statement_at), max(sessioned.statement_at)) / 1000.0,
                          coalesce(max(sessioned.reported_seconds), 0))
        end, 3)::double as session_seconds

    from sessioned
    left join played on sessioned.person_id = played.person_id and sessioned.reported_key = played.session_key
    group by sessioned.person_id, sessioned.reported_key, sessioned.idle_session

)

select * from final
