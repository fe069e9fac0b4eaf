with

imports as (

    select * from {{ source('hris', 'roster_imports') }}

),

source as (

    select * from {{ source('hris', 'roster') }}

),

-- The current roster is the latest import; earlier imports stay in raw as history.
latest_import as (

    select import_id, imported_at
    from imports
    order by imported_at desc, import_id desc
    limit 1

),

renamed as (

    select
        source.import_id,
        cast(latest_import.imported_at as timestamptz) as imported_at,
        source.employee_id,
        source.display_name,
        coalesce(nullif(trim(source.department), ''), 'unassigned') as department,
        coalesce(nullif(trim(source.team), ''), 'unassigned') as team,
        nullif(trim(source.manager_id), '') as manager_id,
        source.job_role,
        source.location,
        source.hire_date,
        source.termination_date,
        coalesce(source.exit_voluntary, false) as is_exit_voluntary,
        try_cast(source.attributes ->> '$.satisfaction' as double) as satisfaction,
        try_cast(source.attributes ->> '$.overtime_hours' as double) as overtime_hours,
        try_cast(source.attributes ->> '$.last_promotion_date' as date) as last_promotion_date,
        coalesce(try_cast(source.attributes ->> '$.leaderboard_opt_in' as boolean), false) as is_leaderboard_opt_in

    from source
    inner join latest_import on source.import_id = latest_import.import_id

),

final as (

    select * from renamed

)

select * from final
