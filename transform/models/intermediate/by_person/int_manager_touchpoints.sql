-- depends_on: {{ ref('int_actor_changes') }}, {{ ref('int_build_inputs') }}, {{ ref('int_people') }}, {{ ref('stg_hris__identities') }}

with

statements as not materialized (

    select * from {{ ref('int_statements_classified') }}

),

identities as (

    select * from {{ ref('stg_hris__identities') }}

),

people as (

    select * from {{ ref('int_people') }}

),

-- METRICS.md: a manager mentoring or assigning to a colleague (the colleague is the statement's object) ...
mentoring as (

    select
        statements.statement_id,
        touched.employee_id as person_id,
        statements.employee_id as toucher_employee_id,
        statements.statement_at,
        statements.known_at
    from statements
    inner join identities as touched on statements.object_id = touched.actor_key
    where statements.object_type = 'Agent'
      and statements.verb_id in (
          'http://id.tincanapi.com/verb/mentored', 'http://activitystrea.ms/assign', 'http://activitystrea.ms/schema/1.0/assign'
      )

),

-- ... or named as context.instructor of the colleague's own learning statement.
instructing as (

    select
        statements.statement_id,
        statements.person_id,
        instructor.employee_id as toucher_employee_id,
        statements.statement_at,
        statements.known_at
    from statements
    inner join identities as instructor on statements.instructor_key = instructor.actor_key

),

-- Only touchpoints by the person's own manager (in the current roster) count.
final as (

    select
        touchpoints.statement_id,
        touchpoints.person_id,
        people.manager_id,
        touchpoints.statement_at,
        cast(timezone('UTC', touchpoints.statement_at) as date) as touched_date,
        touchpoints.known_at

    from (select * from mentoring union all select * from instructing) as touchpoints
    inner join people on touchpoints.person_id = people.person_id
    where touchpoints.toucher_employee_id = people.manager_id
      and {{ in_rebuild_scope('touchpoints.person_id') }}

)

select * from final
