with

statements as not materialized (

    select * from {{ ref('int_statements_classified') }}

),

people as (

    select * from {{ ref('int_people') }}

),

periods as (

    select * from {{ ref('int_periods') }}
    where period_kind = 'quarter'

),

unit_periods as (

    select * from {{ ref('int_lci_unit_periods') }}
    where period_kind = 'quarter' and unit_level = 'team' and population = 'all'

),

posts as (

    select object_id as post_id, person_id as poster_id
    from statements
    where is_post and object_id is not null
    qualify row_number() over (partition by object_id order by statement_at, statement_id) = 1

),

-- A reply answers the post it names as its context parent, or else its object: who helps whom.
replies as (

    select statements.person_id as replier_id, posts.poster_id, statements.activity_date
    from statements
    inner join posts on coalesce(statements.parent_activity_id, statements.object_id) = posts.post_id
    where statements.is_reply and statements.person_id <> posts.poster_id

),

team_pairs as (

    select
        periods.period_start as quarter_start,
        replier.department || ' / ' || replier.team as helper_team,
        poster.department || ' / ' || poster.team as helped_team,
        count(*) as replies,
        count(distinct replies.replier_id) as helpers,
        count(distinct replies.poster_id) as people_helped

    from replies
    inner join periods on replies.activity_date between periods.period_start and periods.period_end
    inner join people as replier on replies.replier_id = replier.person_id
    inner join people as poster on replies.poster_id = poster.person_id
    group by 1, 2, 3

),

-- Team level only, and a pair shows its numbers only when both teams reach the privacy threshold.
final as (

    select
        team_pairs.quarter_start,
        team_pairs.helper_team,
        team_pairs.helped_team,
        (coalesce(helper.is_suppressed, true) or coalesce(helped.is_suppressed, true)) as is_suppressed,
        case when coalesce(helper.is_suppressed, true) or coalesce(helped.is_suppressed, true) then null
             else team_pairs.replies end::integer as replies,
        case when coalesce(helper.is_suppressed, true) or coalesce(helped.is_suppressed, true) then null
             else team_pairs.helpers end::integer as helpers,
        case when coalesce(helper.is_suppressed, true) or coalesce(helped.is_suppressed, true) then null
             else team_pairs.people_helped end::integer as people_helped

    from team_pairs
    left join unit_periods as helper
        on team_pairs.helper_team = helper.unit_name and team_pairs.quarter_start = helper.period_start
    left join unit_periods as helped
        on team_pairs.helped_team = helped.unit_name and team_pairs.quarter_start = helped.period_start

)

select * from final
