with

imports as (

    select * from {{ source('hris', 'roster_imports') }}

),

source as (

    select * from {{ source('hris', 'roster') }}

),

-- Each import is the roster in force from its imported_at until the next import's.
versions as (

    select
        import_id,
        cast(imported_at as timestamptz) as imported_at,
        cast(lead(imported_at) over (order by imported_at, import_id) as timestamptz) as superseded_at
    from imports

),

renamed as (

    select
        source.import_id,
        versions.imported_at,
        versions.superseded_at,
        {{ hris_roster_columns('source') }}

    from source
    inner join versions on source.import_id = versions.import_id

),

final as (

    select * from renamed

)

select * from final
