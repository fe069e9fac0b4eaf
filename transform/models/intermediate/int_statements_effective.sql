with

statements as (

    select * from {{ ref('stg_xapi__statements') }}

),

voiding as (

    select voided_statement_id
    from statements
    where is_voiding and voided_statement_id is not null

),

-- METRICS.md: voided statements, and the voiding statements themselves, count in no metric.
final as (

    select statements.*
    from statements
    anti join voiding
        on statements.statement_id = voiding.voided_statement_id
    where not statements.is_voiding

)

select * from final
