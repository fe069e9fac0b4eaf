{{ config(materialized='table') }}

with

employees as (

    select * from {{ ref('stg_hris__employees') }}

),

statements as (

    select * from {{ ref('int_statements_classified') }}

),

managers as (

    select distinct manager_id from employees where manager_id is not null

),

on_roster as (

    select
        employees.employee_id as person_id,
        employees.employee_id,
        true as is_on_roster,
        employees.display_name,
        employees.department,
        employees.team,
        employees.manager_id,
        employees.job_role,
        employees.location,
        employees.hire_date,
        employees.termination_date,
        employees.is_exit_voluntary,
        employees.satisfaction,
        employees.overtime_hours,
        employees.last_promotion_date,
        employees.is_leaderboard_opt_in,
        managers.manager_id is not null as is_manager,
        coalesce(employees.hire_date, date '1900-01-01') as member_from,
        employees.termination_date as member_until

    from employees
    left join managers on employees.employee_id = managers.manager_id

),

-- An actor missing from the roster belongs to the organisation's 'unknown unit' from its first to its last statement.
unknown_actors as (

    select
        person_id,
        cast(null as varchar) as employee_id,
        false as is_on_roster,
        cast(null as varchar) as display_name,
        'unknown unit' as department,
        'unknown unit' as team,
        cast(null as varchar) as manager_id,
        cast(null as varchar) as job_role,
        cast(null as varchar) as location,
        cast(null as date) as hire_date,
        cast(null as date) as termination_date,
        false as is_exit_voluntary,
        cast(null as double) as satisfaction,
        cast(null as double) as overtime_hours,
        cast(null as date) as last_promotion_date,
        false as is_leaderboard_opt_in,
        false as is_manager,
        min(activity_date) as member_from,
        max(activity_date) as member_until

    from statements
    where employee_id is null
    group by person_id

),

final as (

    select * from on_roster
    union all
    select * from unknown_actors

)

select * from final
