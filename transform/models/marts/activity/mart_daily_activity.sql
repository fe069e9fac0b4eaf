with

statements as (

    select * from {{ ref('int_statements_classified') }}

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
