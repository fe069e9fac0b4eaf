{{ config(materialized='table') }}

{#- The Learning Culture Index's measures, sub-scores and index per unit and period, before suppression.
    **Grain:** unit_level x unit_name x population x period_kind x period_start. A population is 'all' (everyone in
    the unit), or for months the people in the same unit the month before ('stayed') or the month after ('stays'):
    mart_lci_unit_month compares the same people from one month to the next to tell behaviour from composition. -#}

with

person_period_rows as (

    select * from {{ ref('int_lci_person_periods') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

-- T1: active weeks among the 13 ISO weeks up to the last day the period has reached (a period still running
-- counts the weeks so far, never weeks not reached yet).
weeks_active as (

    select person_period_rows.person_id, person_period_rows.period_kind, person_period_rows.period_start,
           count(*) filter (where person_weeks.active_days > 0) as weeks_active_last_13
    from person_period_rows
    inner join periods using (period_kind, period_start)
    inner join {{ ref('int_person_weeks') }} as person_weeks
        on person_period_rows.person_id = person_weeks.person_id
        and person_weeks.week_start > periods.reached_date - 91
        and person_weeks.week_start <= periods.reached_date
    group by 1, 2, 3

),

-- T5: each person's Shannon evenness over the fixed taxonomy of resource kinds: H / ln(kinds in seed
-- resource_kinds), so connecting one more tool changes nobody's score by itself.
person_periods as (

    select
        person_period_rows.*,
        coalesce(weeks_active.weeks_active_last_13, 0) as weeks_active_last_13,
        person_period_rows.kind_entropy
            / nullif(ln((select count(distinct resource_kind) from {{ ref('resource_kinds') }})), 0) as type_evenness
    from person_period_rows
    left join weeks_active using (person_id, period_kind, period_start)

),

-- Who counts in which unit, per period. A quarter counts each person in their current unit (int_person_units); a month
-- in the unit HR's roster placed them in at the month's end (int_person_unit_months), as everyone ('all') and as the
-- people who were in the same unit the month before ('stayed') or are in it the month after ('stays').
units as (

    select person_units.person_id, person_units.unit_level, person_units.unit_name, 'all' as population,
           periods.period_kind, periods.period_start
    from {{ ref('int_person_units') }} as person_units
    cross join periods
    where periods.period_kind = 'quarter'

    union all

    select unit_months.person_id, unit_months.unit_level, unit_months.unit_name, populations.population,
           'month' as period_kind, unit_months.month_start as period_start
    from {{ ref('int_person_unit_months') }} as unit_months
    cross join (values ('all'), ('stayed'), ('stays')) as populations(population)
    where populations.population = 'all'
       or (populations.population = 'stayed' and unit_months.is_member and unit_months.was_member_month_before
           and unit_months.unit_name_month_before = unit_months.unit_name)
       or (populations.population = 'stays' and unit_months.is_member and unit_months.is_member_month_after
           and unit_months.unit_name_month_after = unit_months.unit_name)

),

-- Which components the connected tools measure in each period (int_lci_coverage), one column per component.
coverage as (

    select
        period_kind,
        period_start,
        {%- for component in lci_components() %}
        coalesce(bool_or(is_measured) filter (where component = '{{ component }}'), false) as measures_{{ component }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref('int_lci_coverage') }}
    group by 1, 2

),

statements as not materialized (

    select * from {{ ref('int_statements_classified') }}

),

counted as (

    select
        units.unit_level,
        units.unit_name,
        units.population,
        person_periods.period_kind,
        person_periods.period_start,
        any_value(person_periods.period_end) as period_end,
        count(*) as headcount,
        count(*) filter (where person_periods.is_active_learner) as active_learners,
        count(*) filter (where person_periods.weeks_active_last_13 >= 9) as continuous_learners,
        count(*) filter (where person_periods.paths_enrolled_365 > 0 or person_periods.goals_defined_365 > 0)
            as people_with_path_or_goal,
        sum(person_periods.failed_attempts) as failed_attempts,
        sum(person_periods.retried_within_14_days) as retried_within_14_days,
        sum(person_periods.passed_after_fail) as passed_after_fail,
        count(*) filter (where person_periods.is_manager) as managers,
        count(*) filter (where person_periods.is_manager and person_periods.is_active_learner) as managers_learning,
        count(*) filter (where person_periods.is_direct_report) as direct_reports,
        sum(person_periods.manager_touchpoints) filter (where person_periods.is_direct_report) as manager_touchpoints,
        -- Averaged as decimals: a double sum depends on the order rows are added in, and builds must be repeatable.
        cast(avg(cast(coalesce(person_periods.type_evenness, 0) as decimal(18, 9)))
             filter (where person_periods.is_active_learner) as double) as mean_type_evenness,
        sum(person_periods.learning_sessions) as learning_sessions,
        sum(person_periods.micro_sessions) as micro_sessions,
        sum(person_periods.micro_items) as micro_items,
        count(*) filter (where person_periods.badges > 0) as badge_earners,
        sum(person_periods.badges) as badges,
        count(*) filter (where person_periods.paths_enrolled_365 > 0) as path_enrolled_people,
        sum(person_periods.assignments) as assignments,
        sum(person_periods.recommendations) as recommendations,
        sum(person_periods.recommendations_taken_up) as recommendations_taken_up,
        sum(person_periods.launches) as launches,
        sum(person_periods.launches_after_recommendation) as launches_after_recommendation,
        count(*) filter (where person_periods.posts > 0 or person_periods.replies > 0) as posters_or_repliers,
        sum(person_periods.posts) as posts,
        sum(person_periods.replies) as replies,
        sum(person_periods.peer_reviews) as peer_reviews,
        count(*) filter (where person_periods.review_goals_365 > 0) as people_with_review_goal,
        sum(person_periods.goals_defined_365) as goals_defined,
        sum(person_periods.goals_completed_365) as goals_completed

    from person_periods
    inner join units
        on person_periods.person_id = units.person_id
        and person_periods.period_kind = units.period_kind
        and person_periods.period_start = units.period_start
    group by 1, 2, 3, 4, 5

),

days_to_launch as (

    select units.unit_level, units.unit_name, units.population, periods.period_kind, periods.period_start,
           median(assignments.days_to_launch) as median_days_to_launch
    from {{ ref('int_assignments') }} as assignments
    inner join periods on assignments.assigned_date between periods.period_start and periods.period_end
    inner join units
        on assignments.person_id = units.person_id
        and periods.period_kind = units.period_kind
        and periods.period_start = units.period_start
    where assignments.assignment_kind = 'assignment' and assignments.first_launch_at is not null
    group by 1, 2, 3, 4, 5

),

-- Progress of each path enrolment of the last 365 days as of the period's end: 1 once completed,
-- otherwise the latest cmi5 progress reported on it up to the period's end (0 when none).
enrolment_periods as (

    select
        paths.person_id, paths.path_id, paths.completed_at, periods.period_kind, periods.period_start, periods.period_end,
        -- The period's end as an instant: statements before it fall on or before period_end (UTC days).
        timezone('UTC', cast(periods.period_end + 1 as timestamp)) as period_end_exclusive
    from {{ ref('int_path_enrolments') }} as paths
    inner join periods
        on cast(timezone('UTC', paths.enrolled_at) as date) between periods.period_end - 364 and periods.period_end

),

-- Two reports at the same instant count as the higher one.
progress_reports as (

    select person_id, object_id, statement_at, max(progress_share) as progress_share
    from statements
    where progress_share is not null
    group by 1, 2, 3

),

path_progress as (

    select
        enrolment_periods.person_id, enrolment_periods.period_kind, enrolment_periods.period_start, enrolment_periods.path_id,
        case when cast(timezone('UTC', enrolment_periods.completed_at) as date) <= enrolment_periods.period_end then 1.0
             else coalesce(progress_reports.progress_share, 0.0) end as progress_share
    from enrolment_periods
    asof left join progress_reports
        on enrolment_periods.person_id = progress_reports.person_id
        and enrolment_periods.path_id = progress_reports.object_id
        and enrolment_periods.period_end_exclusive > progress_reports.statement_at

),

median_progress as (

    select units.unit_level, units.unit_name, units.population, path_progress.period_kind, path_progress.period_start,
           median(path_progress.progress_share) as median_path_progress
    from path_progress
    inner join units
        on path_progress.person_id = units.person_id
        and path_progress.period_kind = units.period_kind
        and path_progress.period_start = units.period_start
    group by 1, 2, 3, 4, 5

),

measured as (

    select
        counted.*,
        days_to_launch.median_days_to_launch,
        median_progress.median_path_progress,
        periods.is_complete,
        periods.is_history_short,
        manager_touchpoints / nullif(direct_reports, 0) as touchpoints_per_report,
        micro_items / nullif(active_learners, 0) as micro_items_per_learner,
        badges / nullif(active_learners, 0) as badges_per_learner,
        replies / nullif(posts, 0) as replies_per_post,
        peer_reviews / nullif(active_learners, 0) as peer_reviews_per_learner

    from counted
    inner join periods using (period_kind, period_start)
    left join days_to_launch using (unit_level, unit_name, population, period_kind, period_start)
    left join median_progress using (unit_level, unit_name, population, period_kind, period_start)

),

-- Each component counts only where the tools measure it (int_lci_coverage); a sub-score is the mean of
-- its measured components, and NULL ("not measured") when none is.
scored_raw as (

    select
        measured.*,
        {{ mean_of_present([measured('continuous_learners_share', share_score('continuous_learners', 'headcount'))]) }}
            as t1_continuous_learning,
        {{ mean_of_present([measured('people_with_path_or_goal_share', share_score('people_with_path_or_goal', 'headcount')),
                            measured('days_assignment_to_launch', anchored('median_days_to_launch', 't2_days_assignment_to_launch'))]) }}
            as t2_development_facilitated,
        {{ mean_of_present([measured('retried_after_fail_share', share_score('retried_within_14_days', 'failed_attempts')),
                            measured('passed_after_fail_share', share_score('passed_after_fail', 'failed_attempts'))]) }}
            as t3_mistakes_as_learning,
        {{ mean_of_present([measured('managers_learning_share', share_score('managers_learning', 'managers')),
                            measured('touchpoints_per_report', anchored('touchpoints_per_report', 't4_touchpoints_per_report'))]) }}
            as t4_leadership_active,
        {{ mean_of_present([measured('resource_evenness', '100.0 * mean_type_evenness')]) }} as t5_diverse_resources,
        {{ mean_of_present([measured('micro_sessions_share', share_score('micro_sessions', 'learning_sessions')),
                            measured('micro_items_per_learner', anchored('micro_items_per_learner', 'l1_micro_items_per_learner'))]) }}
            as l1_microlearning,
        {{ mean_of_present([measured('badge_earners_share', share_score('badge_earners', 'headcount')),
                            measured('badges_per_learner', anchored('badges_per_learner', 'l2_badges_per_learner'))]) }}
            as l2_gamification,
        {{ mean_of_present([measured('path_enrolled_share', share_score('path_enrolled_people', 'headcount')),
                            measured('median_path_progress', '100.0 * median_path_progress'),
                            measured('launches_after_recommendation_share',
                                     share_score('launches_after_recommendation', 'launches'))]) }}
            as l3_personalised_paths,
        {{ mean_of_present([measured('posters_or_repliers_share', share_score('posters_or_repliers', 'headcount')),
                            measured('replies_per_post', anchored('replies_per_post', 'l4_replies_per_post')),
                            measured('peer_reviews_per_learner', anchored('peer_reviews_per_learner', 'l4_peer_reviews_per_learner'))]) }}
            as l4_social_learning,
        {{ mean_of_present([measured('people_with_review_goal_share', share_score('people_with_review_goal', 'headcount')),
                            measured('goal_completion_rate', share_score('goals_completed', 'goals_defined'))]) }}
            as l5_tied_to_performance

    from measured
    inner join coverage using (period_kind, period_start)

),

-- Sub-scores are kept to 3 decimals, and the LCI is made of exactly those numbers.
scored as (

    select * replace (
        {%- for s in lci_sub_scores() %}
        round({{ s }}, 3) as {{ s }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    )
    from scored_raw

),

final as (

    select
        scored.*,
        round({{ lci_weighted_mean() }}, 3) as lci,
        {% for score in lci_sub_scores() %}(case when {{ score }} is null then 0 else 1 end){% if not loop.last %} + {% endif %}{% endfor %}
            as measured_sub_scores,
        {{ is_below_privacy_k('headcount') }} as is_suppressed

    from scored

)

select * from final
