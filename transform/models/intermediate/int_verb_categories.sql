with

shipped as (

    select * from {{ ref('verb_categories') }}

),

operator_rows as (

    select * from {{ ref('verb_categories_operator') }}

),

-- An operator's row for a verb replaces the shipped one, so local vocabularies need no edit of shipped files.
combined as (

    select verb_id, category, reason, true as is_operator_mapping from operator_rows
    union all
    select verb_id, category, reason, false as is_operator_mapping from shipped
    where verb_id not in (select verb_id from operator_rows)

),

final as (

    select
        cast(verb_id as varchar) as verb_id,
        cast(category as varchar) as category,
        cast(reason as varchar) as reason,
        is_operator_mapping
    from combined

)

select * from final
