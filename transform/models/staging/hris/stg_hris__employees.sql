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
        {{ hris_roster_columns('source') }}

    from source
    inner join latest_import on source.import_id = latest_import.import_id

),

final as (

    select * from renamed

)

select * from final
