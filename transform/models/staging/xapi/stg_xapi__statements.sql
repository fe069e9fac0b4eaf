with

source as (

    select * from {{ source('xapi', 'statements') }}

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

    from renamed

)

select * from final
