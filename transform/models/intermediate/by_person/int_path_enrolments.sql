-- depends_on: {{ ref('int_actor_changes') }}, {{ ref('int_build_inputs') }}, {{ ref('int_people') }}, {{ ref('stg_hris__identities') }}

with

statements as (

    select * from {{ ref('int_statements_classified') }}
    where {{ in_rebuild_scope('person_id') }}

),

-- One row per person and learning path (activity type learning-plan) they enrolled in or were assigned.
final as (

    select
        person_id,
        object_id as path_id,
        min(statement_at) filter (where is_path_enrolment) as enrolled_at,
        min(known_at) filter (where is_path_enrolment) as enrolled_known_at,
        min(statement_at) filter (where is_completion) as completed_at,
        min(known_at) filter (where is_completion) as completed_known_at

    from statements
    where is_path_statement and object_id is not null
    group by 1, 2
    having min(statement_at) filter (where is_path_enrolment) is not null

)

select * from final
