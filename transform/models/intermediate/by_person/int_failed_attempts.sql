-- depends_on: {{ ref('int_actor_changes') }}, {{ ref('int_build_inputs') }}, {{ ref('int_people') }}, {{ ref('stg_hris__identities') }}

with

statements as not materialized (

    select * from {{ ref('int_statements_classified') }}
    where {{ in_rebuild_scope('person_id') }}

),

failures as (

    select statement_id, person_id, object_id, statement_at, known_at
    from statements
    where is_failure and object_id is not null

),

-- A retry is any later learning statement by the same person on the same activity (a new attempt,
-- a launch, an answer); a pass after the fail is a later `passed` on it.
later_attempts as (

    select person_id, object_id, statement_at, known_at, is_pass
    from statements
    where is_learning and object_id is not null

),

final as (

    select
        failures.statement_id,
        failures.person_id,
        failures.object_id,
        failures.statement_at as failed_at,
        cast(timezone('UTC', failures.statement_at) as date) as failed_date,
        failures.known_at,
        min(later_attempts.statement_at) as first_retry_at,
        min(later_attempts.known_at) as first_retry_known_at,
        min(later_attempts.statement_at) filter (where later_attempts.is_pass) as first_pass_after_at

    from failures
    left join later_attempts
        on failures.person_id = later_attempts.person_id
        and failures.object_id = later_attempts.object_id
        and later_attempts.statement_at > failures.statement_at
    group by 1, 2, 3, 4, 5, 6

)

select * from final
