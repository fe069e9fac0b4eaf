-- depends_on: {{ ref('int_actor_changes') }}, {{ ref('int_build_inputs') }}, {{ ref('int_people') }}, {{ ref('stg_hris__identities') }}

with

statements as (

    select * from {{ ref('int_statements_classified') }}
    where is_learning and {{ in_rebuild_scope('person_id') }}

),

-- One ordering for both windows, so the statements are sorted once.
gaps as (

    select
        person_id,
        statement_id,
        statement_at,
        learning_seconds,
        statement_at - lag(statement_at) over by_time as gap

    from statements
    window by_time as (partition by person_id order by statement_at, statement_id)

),

numbered as (

    select
        *,
        sum(case when gap is null or gap > interval {{ var('session_gap_minutes') | int }} minute then 1 else 0 end)
            over (partition by person_id order by statement_at, statement_id rows unbounded preceding) as session_number
    from gaps

),

-- A session is a run of learning statements with gaps of at most var('session_gap_minutes'); its length is
-- the time between its first and last statement, or the time reported in it when that is longer.
final as (

    select
        person_id,
        session_number,
        min(statement_at) as session_started_at,
        cast(timezone('UTC', min(statement_at)) as date) as session_date,
        count(*) as statement_count,
        greatest(date_diff('second', min(statement_at), max(statement_at)), sum(learning_seconds))::double as session_seconds

    from numbered
    group by 1, 2

)

select * from final
