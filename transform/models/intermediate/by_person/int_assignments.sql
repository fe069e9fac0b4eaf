-- depends_on: {{ ref('int_actor_changes') }}, {{ ref('int_build_inputs') }}, {{ ref('int_people') }}, {{ ref('stg_hris__identities') }}

with

statements as not materialized (

    select * from {{ ref('int_statements_classified') }}
    where {{ in_rebuild_scope('person_id') }}

),

assigned as (

    select statement_id, person_id, object_id, statement_at, verb_id
    from statements
    where (is_assignment or is_recommendation) and object_id is not null

),

starts as (

    select person_id, object_id, statement_at
    from statements
    where is_learning and object_id is not null

),

-- Each assignment or recommendation with the person's first learning statement on the same activity after it.
final as (

    select
        assigned.statement_id,
        assigned.person_id,
        assigned.object_id,
        case when assigned.verb_id = 'https://w3id.org/xapi/dod-isd/verbs/recommended'
             then 'recommendation' else 'assignment' end as assignment_kind,
        assigned.statement_at as assigned_at,
        cast(timezone('UTC', assigned.statement_at) as date) as assigned_date,
        min(starts.statement_at) as first_launch_at,
        date_diff('day', assigned.statement_at, min(starts.statement_at)) as days_to_launch,
        coalesce(min(starts.statement_at) <= assigned.statement_at + interval 7 day, false) as is_taken_up_within_7_days

    from assigned
    left join starts
        on assigned.person_id = starts.person_id
        and assigned.object_id = starts.object_id
        and starts.statement_at >= assigned.statement_at
    group by 1, 2, 3, 4, 5, 6

)

select * from final
