-- depends_on: {{ ref('int_actor_changes') }}, {{ ref('int_build_inputs') }}, {{ ref('int_people') }}, {{ ref('stg_hris__identities') }}

with

statements as not materialized (

    select * from {{ ref('int_statements_classified') }}
    where activity_id is not null and {{ in_rebuild_scope('person_id') }}

),

failures as (

    select statement_id, person_id, activity_id, object_id, registration, statement_at, known_at
    from statements
    where is_failure

),

-- What can show a new attempt on the activity: a start (attempted, initialized, launched, Moodle's start), another
-- graded outcome (nobody is graded twice on one try), or a statement under another registration. Anything else a
-- tool sends after a fail (cmi5's terminated 30 s later, a page view) is not a retry.
attempt_evidence as (

    select person_id, activity_id, registration, statement_at, known_at, is_pass,
           is_attempt_start or is_pass or is_failure as is_new_attempt
    from statements
    where is_attempt_start or is_pass or is_failure or registration is not null

),

retries as (

    select
        failures.statement_id,
        attempt_evidence.statement_at,
        attempt_evidence.known_at,
        attempt_evidence.is_pass
    from failures
    inner join attempt_evidence
        on failures.person_id = attempt_evidence.person_id
        and failures.activity_id = attempt_evidence.activity_id
        and attempt_evidence.statement_at > failures.statement_at
    where attempt_evidence.is_new_attempt
       or attempt_evidence.registration is distinct from failures.registration

),

final as (

    select
        failures.statement_id,
        failures.person_id,
        failures.activity_id,
        failures.object_id,
        failures.statement_at as failed_at,
        cast(timezone('UTC', failures.statement_at) as date) as failed_date,
        failures.known_at,
        min(retries.statement_at) as first_retry_at,
        min(retries.known_at) as first_retry_known_at,
        min(retries.statement_at) filter (where retries.is_pass) as first_pass_after_at

    from failures
    left join retries on failures.statement_id = retries.statement_id
    group by 1, 2, 3, 4, 5, 6, 7

)

select * from final
