{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ prepare_rebuild_scope('person_id', 'person', periods_grid(), ['period_kind', 'period_start', 'period_end']) }}",
        post_hook="{{ finish_rebuild_scope(periods_grid(), ['period_kind', 'period_start', 'period_end']) }}"
    )
}}

{#- What each person did in each period that the Learning Culture Index counts. **Grain:** person x period
    (period_kind 'quarter' or 'month'). Trailing windows ("up to the period's end") look back 365 days. T1's active
    weeks are counted in int_lci_unit_periods, because the weeks a period has reached change as data arrives.
    Incremental by person: each build rebuilds the rows of the people new statements touch, and adds everyone's
    rows for a new period (a new month); see macros/incremental_scope.sql. Nothing here depends on other people. -#}

-- depends_on: {{ ref('int_actor_changes') }}, {{ ref('int_build_inputs') }}, {{ ref('stg_hris__identities') }}

with

people as (

    select * from {{ ref('int_people') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

statements as not materialized (

    select * from {{ ref('int_statements_classified') }}
    where {{ in_rebuild_scope('person_id') }} or {{ any_rebuild_cells() }}

),

members as (

    select people.person_id, people.is_manager, people.manager_id is not null as is_direct_report,
           periods.period_kind, periods.period_start, periods.period_end
    from people
    inner join periods
        on people.member_from <= periods.period_end
        and (people.member_until is null or people.member_until >= periods.period_start)
    where {{ in_rebuild_scope('people.person_id') }}
       or {{ in_rebuild_cells({'period_kind': 'periods.period_kind', 'period_start': 'periods.period_start',
                               'period_end': 'periods.period_end'}) }}

),

in_period as (

    select
        members.person_id, members.period_kind, members.period_start,
        count(*) filter (where statements.is_learning) as learning_statements,
        count(*) filter (where statements.is_post) as posts,
        count(*) filter (where statements.is_reply) as replies,
        count(*) filter (where statements.is_peer_review) as peer_reviews,
        count(*) filter (where statements.is_badge) as badges,
        count(distinct statements.object_id) filter (
            where statements.is_media and statements.media_length_seconds <= 300
        ) as micro_items

    from members
    inner join statements
        on members.person_id = statements.person_id
        and statements.activity_date between members.period_start and members.period_end
    group by 1, 2, 3

),

-- T5: the resources a person used in the period, by kind (seed resource_kinds): distinct activities, so a video
-- that sends ten statements weighs as much as an article that sends one.
kind_counts as (

    select members.person_id, members.period_kind, members.period_start, statements.resource_kind,
           count(distinct coalesce(statements.activity_id, statements.statement_id)) as kind_count
    from members
    inner join statements
        on members.person_id = statements.person_id
        and statements.activity_date between members.period_start and members.period_end
        and statements.is_learning
        and statements.resource_kind is not null
    group by 1, 2, 3, 4

),

-- Shannon entropy over the kinds, and the kinds; int_lci_unit_periods divides it by ln(the taxonomy's kinds).
diversity as (

    select
        person_id, period_kind, period_start,
        round(-sum((kind_count / total) * ln(kind_count / total)), 6) as kind_entropy,
        list(resource_kind order by resource_kind) as learning_kinds

    from (select *, sum(kind_count) over (partition by person_id, period_kind, period_start) as total from kind_counts) as kind_counts
    group by 1, 2, 3

),

-- L3: launches (a new attempt or session on an activity, counted once per attempt) and those that came within
-- 7 days after the activity was recommended to the person.
recommended as (

    select person_id, object_id, assigned_at
    from {{ ref('int_assignments') }}
    where assignment_kind = 'recommendation'

),

-- One row per start, joined on person and activity first (a hash join) and only then on the 7 days.
launched as (

    select
        starts.person_id,
        starts.activity_date,
        starts.attempt_key,
        bool_or(recommended.assigned_at is not null) as is_after_recommendation
    from statements as starts
    left join recommended
        on starts.person_id = recommended.person_id
        and starts.activity_id = recommended.object_id
        and starts.statement_at between recommended.assigned_at and recommended.assigned_at + interval 7 day
    where starts.is_attempt_start and starts.activity_id is not null
    group by starts.person_id, starts.statement_id, starts.activity_date, starts.attempt_key

),

launches as (

    select members.person_id, members.period_kind, members.period_start,
           count(distinct launched.attempt_key) as launches,
           count(distinct launched.attempt_key) filter (where launched.is_after_recommendation)
               as launches_after_recommendation
    from members
    inner join launched
        on members.person_id = launched.person_id
        and launched.activity_date between members.period_start and members.period_end
    group by 1, 2, 3

),

failures as (

    select members.person_id, members.period_kind, members.period_start,
           count(*) as failed_attempts,
           count(*) filter (where failed.first_retry_at <= failed.failed_at + interval 14 day) as retried_within_14_days,
           count(*) filter (where failed.first_pass_after_at is not null) as passed_after_fail
    from members
    inner join {{ ref('int_failed_attempts') }} as failed
        on members.person_id = failed.person_id
        and failed.failed_date between members.period_start and members.period_end
    group by 1, 2, 3

),

goals as (

    select members.person_id, members.period_kind, members.period_start,
           count(*) as goals_defined_365,
           count(*) filter (where cast(timezone('UTC', goals.completed_at) as date) <= members.period_end) as goals_completed_365,
           count(*) filter (where goals.review_cycle_id is not null) as review_goals_365
    from members
    inner join {{ ref('int_goals') }} as goals
        on members.person_id = goals.person_id
        and cast(timezone('UTC', goals.defined_at) as date) between members.period_end - 364 and members.period_end
    group by 1, 2, 3

),

paths as (

    select members.person_id, members.period_kind, members.period_start, count(*) as paths_enrolled_365
    from members
    inner join {{ ref('int_path_enrolments') }} as paths
        on members.person_id = paths.person_id
        and cast(timezone('UTC', paths.enrolled_at) as date) between members.period_end - 364 and members.period_end
    group by 1, 2, 3

),

assignments as (

    select members.person_id, members.period_kind, members.period_start,
           count(*) filter (where assignments.assignment_kind = 'assignment') as assignments,
           count(*) filter (where assignments.assignment_kind = 'recommendation') as recommendations,
           count(*) filter (where assignments.assignment_kind = 'recommendation' and assignments.is_taken_up_within_7_days)
               as recommendations_taken_up
    from members
    inner join {{ ref('int_assignments') }} as assignments
        on members.person_id = assignments.person_id
        and assignments.assigned_date between members.period_start and members.period_end
    group by 1, 2, 3

),

touchpoints as (

    select members.person_id, members.period_kind, members.period_start, count(*) as manager_touchpoints
    from members
    inner join {{ ref('int_manager_touchpoints') }} as touchpoints
        on members.person_id = touchpoints.person_id
        and touchpoints.touched_date between members.period_start and members.period_end
    group by 1, 2, 3

),

sessions as (

    select members.person_id, members.period_kind, members.period_start,
           count(*) as learning_sessions,
           count(*) filter (where sessions.session_seconds <= 600) as micro_sessions
    from members
    inner join {{ ref('int_learning_sessions') }} as sessions
        on members.person_id = sessions.person_id
        and sessions.session_date between members.period_start and members.period_end
    group by 1, 2, 3

),

final as (

    select
        members.person_id,
        members.period_kind,
        members.period_start,
        members.period_end,
        members.is_manager,
        members.is_direct_report,
        coalesce(in_period.learning_statements, 0) > 0 as is_active_learner,
        coalesce(in_period.posts, 0) as posts,
        coalesce(in_period.replies, 0) as replies,
        coalesce(in_period.peer_reviews, 0) as peer_reviews,
        coalesce(in_period.badges, 0) as badges,
        coalesce(in_period.micro_items, 0) as micro_items,
        diversity.kind_entropy,
        coalesce(diversity.learning_kinds, []::varchar[]) as learning_kinds,
        coalesce(failures.failed_attempts, 0) as failed_attempts,
        coalesce(failures.retried_within_14_days, 0) as retried_within_14_days,
        coalesce(failures.passed_after_fail, 0) as passed_after_fail,
        coalesce(goals.goals_defined_365, 0) as goals_defined_365,
        coalesce(goals.goals_completed_365, 0) as goals_completed_365,
        coalesce(goals.review_goals_365, 0) as review_goals_365,
        coalesce(paths.paths_enrolled_365, 0) as paths_enrolled_365,
        coalesce(assignments.assignments, 0) as assignments,
        coalesce(assignments.recommendations, 0) as recommendations,
        coalesce(assignments.recommendations_taken_up, 0) as recommendations_taken_up,
        coalesce(launches.launches, 0) as launches,
        coalesce(launches.launches_after_recommendation, 0) as launches_after_recommendation,
        coalesce(touchpoints.manager_touchpoints, 0) as manager_touchpoints,
        coalesce(sessions.learning_sessions, 0) as learning_sessions,
        coalesce(sessions.micro_sessions, 0) as micro_sessions

    from members
    {% for cte in ['in_period', 'diversity', 'launches', 'failures', 'goals', 'paths', 'assignments', 'touchpoints', 'sessions'] %}
    left join {{ cte }}
        on members.person_id = {{ cte }}.person_id
        and members.period_kind = {{ cte }}.period_kind
        and members.period_start = {{ cte }}.period_start
    {% endfor %}

)

select * from final
