with

imports as (

    select * from {{ source('hris', 'roster_imports') }}

),

source as (

    select * from {{ source('hris', 'roster_identities') }}

),

latest_import as (

    select import_id
    from imports
    order by imported_at desc, import_id desc
    limit 1

),

final as (

    select distinct
        source.actor_key,
        source.employee_id

    from source
    inner join latest_import on source.import_id = latest_import.import_id

)

select * from final
