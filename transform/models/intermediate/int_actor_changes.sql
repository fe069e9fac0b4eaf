{{
    config(
        materialized='incremental',
        unique_key='actor_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

{#- Which xAPI actors' derived rows new statements change, and the newest load that changed them. **Grain:** actor.
    A statement changes its actor, the Agent it is about (a manager mentoring someone) and its instructor; a voiding
    statement changes those of the statement it voids. Person-level models rebuild the people of the actors changed
    since their last build (macros/incremental_scope.sql). Incremental like int_statements_parsed; an actor's
    loaded_until only grows, because the re-read window always holds the actor's previous newest statement. -#}

with

parsed as not materialized (

    select * from {{ ref('int_statements_parsed') }}

),

new_statements as (

    select *
    from parsed
    {% if is_incremental() %}
    where loaded_at >= (
        select coalesce(max(loaded_until), timestamptz '1970-01-01 00:00:00+00') from {{ this }}
    ) - interval {{ var('incremental_lookback_hours') | int }} hour
    {% endif %}

),

voided_targets as (

    select targets.actor_key, targets.object_id, targets.object_type, targets.instructor_key,
           voiding.loaded_at as voided_loaded_at
    from new_statements as voiding
    inner join parsed as targets on voiding.voided_statement_id = targets.statement_id
    where voiding.is_voiding

),

touched as (

    select actor_key, loaded_at from new_statements
    union all
    select object_id, loaded_at from new_statements where object_type = 'Agent'
    union all
    select instructor_key, loaded_at from new_statements where instructor_key is not null
    union all
    select actor_key, voided_loaded_at from voided_targets
    union all
    select object_id, voided_loaded_at from voided_targets where object_type = 'Agent'
    union all
    select instructor_key, voided_loaded_at from voided_targets where instructor_key is not null

),

final as (

    select actor_key, max(loaded_at) as loaded_until
    from touched
    where actor_key is not null
    group by actor_key

)

select * from final
