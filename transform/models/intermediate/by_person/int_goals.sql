-- depends_on: {{ ref('int_actor_changes') }}, {{ ref('int_build_inputs') }}, {{ ref('int_people') }}, {{ ref('stg_hris__identities') }}

with

statements as (

    select * from {{ ref('int_statements_classified') }}
    where {{ in_rebuild_scope('person_id') }}

),

-- One row per person and goal activity: defining it again keeps the first definition.
final as (

    select
        person_id,
        object_id as goal_id,
        min(statement_at) filter (where is_goal_defined) as defined_at,
        min(known_at) filter (where is_goal_defined) as defined_known_at,
        min(statement_at) filter (where is_goal_completed) as completed_at,
        min(known_at) filter (where is_goal_completed) as completed_known_at,
        -- The review cycle the goal is linked to (a grouping activity of type review), if any.
        max(review_cycle_id) as review_cycle_id

    from statements
    where (is_goal_defined or is_goal_completed) and object_id is not null
    group by 1, 2
    having min(statement_at) filter (where is_goal_defined) is not null

)

select * from final
