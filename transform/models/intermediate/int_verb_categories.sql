with

shipped as (

    select * from {{ ref('verb_categories') }}

),

shipped_by_activity_type as (

    select * from {{ ref('verb_activity_type_categories') }}

),

operator_rows as (

    select * from {{ ref('verb_categories_operator') }}

),

-- An operator's row for a verb replaces every shipped row for it, so local vocabularies need no edit of shipped
-- files. Otherwise a shipped row for the verb on one activity type (Moodle's `create` on a discussion is a post)
-- comes before the verb's own row (the same `create` on a book is authoring).
combined as (

    select verb_id, cast(null as varchar) as activity_type, category, reason, true as is_operator_mapping
    from operator_rows
    union all
    select verb_id, activity_type, category, reason, false as is_operator_mapping from shipped_by_activity_type
    where verb_id not in (select verb_id from operator_rows)
    union all
    select verb_id, cast(null as varchar) as activity_type, category, reason, false as is_operator_mapping from shipped
    where verb_id not in (select verb_id from operator_rows)

),

final as (

    select
        cast(verb_id as varchar) as verb_id,
        cast(activity_type as varchar) as activity_type,
        cast(category as varchar) as category,
        cast(reason as varchar) as reason,
        is_operator_mapping
    from combined

)

select * from final
