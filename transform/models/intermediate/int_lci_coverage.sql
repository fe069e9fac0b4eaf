{{ config(materialized='table') }}

{#- Which parts of the Learning Culture Index the connected tools can measure. **Grain:** period x component.
    A component (seed lci_signals) is measured in a period when the organisation's tools sent one of its signals in
    the 365 days up to the period's end, or when an operator declared that a tool sends it (seed declared_signals,
    for a tool that is quiet for a while). An unmeasured component is NULL in every sub-score, never 0. -#}

with

statements as not materialized (

    select * from {{ ref('int_statements_classified') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

component_signals as (

    select * from {{ ref('lci_signals') }}

),

declared as (

    select * from {{ ref('declared_signals') }}

),

-- One row per day and signal the tools sent: a single pass over the statements, few rows out.
daily as (

    select
        activity_date,
        bool_or(is_learning) as learning,
        bool_or(is_learning and resource_kind is not null) as resource_kind,
        bool_or(is_pass or is_failure) as attempt_outcome,
        bool_or(is_assignment) as assignment,
        bool_or(is_path_enrolment) as path_enrolment,
        bool_or(is_goal_defined) as goal_defined,
        bool_or(is_goal_defined and review_cycle_id is not null) as review_goal,
        bool_or(is_badge) as badge,
        bool_or(is_recommendation) as recommendation,
        bool_or(is_post) as post,
        bool_or(is_reply) as reply,
        bool_or(is_peer_review) as peer_review,
        bool_or(is_media and media_length_seconds is not null) as media
    from statements
    group by activity_date

),

sent as (

    select activity_date, signal
    from daily
    unpivot (is_sent for signal in (
        learning, resource_kind, attempt_outcome, assignment, path_enrolment, goal_defined, review_goal, badge,
        recommendation, post, reply, peer_review, media
    ))
    where is_sent
    union all
    select distinct touched_date as activity_date, 'manager_touchpoint' as signal
    from {{ ref('int_manager_touchpoints') }}

),

signal_periods as (

    select distinct periods.period_kind, periods.period_start, sent.signal, 'statements' as measured_by
    from periods
    inner join sent on sent.activity_date between periods.period_end - 364 and periods.period_end
    union all
    select periods.period_kind, periods.period_start, declared.signal, 'declared' as measured_by
    from periods
    inner join declared
        on cast(declared.declared_from as date) <= periods.period_end
        and (declared.declared_until is null or cast(declared.declared_until as date) >= periods.period_start)

),

final as (

    select
        periods.period_kind,
        periods.period_start,
        component_signals.component,
        any_value(component_signals.sub_score) as sub_score,
        count(signal_periods.signal) > 0 as is_measured,
        -- Whether a tool was seen sending it, or only declared to.
        coalesce(bool_or(signal_periods.measured_by = 'statements'), false) as is_seen_in_statements

    from periods
    cross join component_signals
    left join signal_periods
        on periods.period_kind = signal_periods.period_kind
        and periods.period_start = signal_periods.period_start
        and component_signals.signal = signal_periods.signal
    group by 1, 2, 3

)

select * from final
