{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ prepare_rebuild_scope('actor_key', 'actor') }}",
        post_hook="{{ finish_rebuild_scope() }}"
    )
}}

{#- Incremental by actor: each build rebuilds the days of the actors new statements touch (macros/incremental_scope.sql). -#}

-- depends_on: {{ ref('int_actor_changes') }}, {{ ref('int_build_inputs') }}

with

statements as (

    select * from {{ ref('int_statements_classified') }}
    where {{ in_rebuild_scope('actor_key') }}

),

daily as (

    select
        cast(timezone('UTC', statement_at) as date) as activity_date,
        actor_key,
        verb_id,
        count(*) as statement_count,
        min(statement_at) as first_statement_at,
        max(statement_at) as last_statement_at

    from statements
    group by 1, 2, 3

),

final as (

    select * from daily

)

select * from final
