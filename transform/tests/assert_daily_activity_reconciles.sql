-- Every statement the metrics count (voided and voiding ones removed) is counted in mart_daily_activity exactly once: totals must agree.
with

effective as (

    select count(*) as statement_count from {{ ref('int_statements_classified') }}

),

mart as (

    select coalesce(sum(statement_count), 0) as statement_count from {{ ref('mart_daily_activity') }}

),

final as (

    select effective.statement_count as effective_count, mart.statement_count as mart_count
    from effective
    cross join mart
    where effective.statement_count <> mart.statement_count

)

select * from final
