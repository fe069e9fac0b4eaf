with

source as (

    select * from {{ source('quality', 'quarantined_statements') }}

),

-- One row per statement, however many rules it broke: it counts again only when every reason was released.
per_statement as (

    select
        lower(statement_id) as statement_id,
        bool_and(coalesce(decision = 'released', false)) as is_released,
        max(decided_at) as decided_at,
        bool_or(reason = 'timestamp_in_future') as is_timestamp_in_future

    from source
    group by 1

),

final as (

    select
        statement_id,
        is_released,
        case when is_released then decided_at end as released_at,
        is_timestamp_in_future

    from per_statement

)

select * from final
