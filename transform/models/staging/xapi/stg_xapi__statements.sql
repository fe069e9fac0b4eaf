with

source as (

    select * from {{ source('xapi', 'statements') }}

),

quarantine as (

    select * from {{ ref('stg_quality__quarantined_statements') }}

),

renamed as (

    select
        lower(statement_id) as statement_id,
        actor_key,
        verb_id,
        object_id,
        object_type,
        registration,
        lower(voided_statement_id) as voided_statement_id,
        verb_id = 'http://adlnet.gov/expapi/verbs/voided' as is_voiding,
        cast(statement_timestamp as timestamptz) as statement_at,
        cast(stored_at as timestamptz) as stored_at,
        cast(loaded_at as timestamptz) as loaded_at,
        payload,
        kafka_partition,
        kafka_offset

    from source

),

-- Statements the quality step set aside stay out of every metric until released. Released, one dated in the
-- future counts at its stored time, and all enter the metrics at their release (loaded_at), like late statements.
screened as (

    select
        renamed.* replace (
            case when quarantine.is_timestamp_in_future then renamed.stored_at else renamed.statement_at end
                as statement_at,
            coalesce(quarantine.released_at, renamed.loaded_at) as loaded_at
        )

    from renamed
    left join quarantine on renamed.statement_id = quarantine.statement_id
    where quarantine.statement_id is null or quarantine.is_released

),

final as (

    select
        statement_id,
        actor_key,
        verb_id,
        object_id,
        object_type,
        registration,
        voided_statement_id,
        is_voiding,
        statement_at,
        stored_at,
        loaded_at,
        kafka_partition,
        kafka_offset,
        payload

    from screened

)

select * from final
