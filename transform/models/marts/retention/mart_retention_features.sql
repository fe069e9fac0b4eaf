{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ prepare_rebuild_scope('employee_id', 'person', month_ends_grid(), ['snapshot_date']) }}",
        post_hook="{{ finish_rebuild_scope(month_ends_grid(), ['snapshot_date']) }}"
    )
}}

{#- Features for the retention model. **Grain:** employee x month-end snapshot while employed: a snapshot on or
    after the termination date is no row, so a leaver never looks like a stayer who stopped learning. Every feature
    uses only what was KNOWN by the end of the snapshot day: statements by known_at (stored, or for the tools'
    go-live backfill their own timestamp), HR attributes from the roster version in force (imported by then; see
    stg_hris__roster_versions). An attribute no roster held by then stays null; it is never filled in from a later
    import. Hire and termination dates come from the current roster: they are dated facts that say who was employed
    when, and the label needs the exits HR knows today.
    Incremental by employee: each build rebuilds the snapshots of the people new statements touch, and adds
    everyone's snapshot when a month ends (macros/incremental_scope.sql); a new roster import rebuilds everyone. -#}

-- depends_on: {{ ref('int_actor_changes') }}, {{ ref('int_build_inputs') }}, {{ ref('stg_hris__identities') }}

with

people as (

    select * from {{ ref('int_people') }}
    where is_on_roster and ({{ in_rebuild_scope('employee_id') }} or {{ any_rebuild_cells() }})

),

statements as not materialized (

    select * from {{ ref('int_statements_classified') }}
    where employee_id is not null and ({{ in_rebuild_scope('employee_id') }} or {{ any_rebuild_cells() }})

),

roster_versions as (

    select * from {{ ref('stg_hris__roster_versions') }}

),

data_window as (

    select * from {{ ref('int_data_window') }}

),

month_ends as (

    {{ month_ends_grid() }}

),

snapshots as (

    select
        people.employee_id,
        month_ends.snapshot_date,
        cast(month_ends.snapshot_date + interval 1 day as timestamptz) as known_before
    from people
    inner join month_ends
        on coalesce(people.hire_date, date '1900-01-01') <= month_ends.snapshot_date
        -- Only while employed: from the termination date on, a person has no snapshot.
        and (people.termination_date is null or people.termination_date > month_ends.snapshot_date)
    where {{ in_rebuild_scope('people.employee_id') }} or {{ in_rebuild_cells({'snapshot_date': 'month_ends.snapshot_date'}) }}

),

known as (

    select
        snapshots.employee_id,
        snapshots.snapshot_date,
        max(statements.activity_date) filter (where statements.is_learning) as last_learning_date,
        count(distinct statements.activity_date) filter (
            where statements.activity_date between snapshots.snapshot_date - 27 and snapshots.snapshot_date) as active_days_last_4_weeks,
        count(distinct statements.activity_date) filter (
            where statements.activity_date between snapshots.snapshot_date - 83 and snapshots.snapshot_date - 28) as active_days_8_weeks_before,
        count(*) filter (where statements.is_social and statements.activity_date > snapshots.snapshot_date - 90) as social_actions_90d,
        count(*) filter (where statements.is_badge and statements.activity_date > snapshots.snapshot_date - 90) as badges_90d

    from snapshots
    inner join statements
        on snapshots.employee_id = statements.employee_id
        and statements.known_at < snapshots.known_before
    group by 1, 2

),

failures as (

    select snapshots.employee_id, snapshots.snapshot_date, count(*) as failed_not_retried
    from snapshots
    inner join {{ ref('int_failed_attempts') }} as failed
        on snapshots.employee_id = failed.person_id
        and failed.known_at < snapshots.known_before
        and (failed.first_retry_known_at is null or failed.first_retry_known_at >= snapshots.known_before)
    group by 1, 2

),

goals as (

    select snapshots.employee_id, snapshots.snapshot_date, count(*) as goals_open
    from snapshots
    inner join {{ ref('int_goals') }} as goals
        on snapshots.employee_id = goals.person_id
        and goals.defined_known_at < snapshots.known_before
        and (goals.completed_known_at is null or goals.completed_known_at >= snapshots.known_before)
    group by 1, 2

),

-- A path is stalled when it is enrolled, not completed, and its newest statement is over 30 days old.
path_activity as (

    select snapshots.employee_id, snapshots.snapshot_date, statements.object_id,
           bool_or(statements.is_path_enrolment) as is_enrolled,
           bool_or(statements.is_completion) as is_completed,
           max(statements.activity_date) as last_path_date
    from snapshots
    inner join statements
        on snapshots.employee_id = statements.employee_id
        and statements.is_path_statement
        and statements.known_at < snapshots.known_before
    group by 1, 2, 3

),

paths as (

    select employee_id, snapshot_date,
           bool_or(is_enrolled and not is_completed and last_path_date < snapshot_date - 30) as path_stalled
    from path_activity
    group by 1, 2

),

-- HR's record as it stood at the snapshot: the version imported before the snapshot day ended and not yet
-- superseded. When that version does not list the person (or no roster was imported yet), there is no row.
hr_in_force as (

    select
        snapshots.employee_id,
        snapshots.snapshot_date,
        roster_versions.imported_at,
        roster_versions.satisfaction,
        roster_versions.overtime_hours,
        roster_versions.last_promotion_date
    from snapshots
    inner join roster_versions
        on snapshots.employee_id = roster_versions.employee_id
        and roster_versions.imported_at < snapshots.known_before
        and (roster_versions.superseded_at is null or roster_versions.superseded_at >= snapshots.known_before)

),

touchpoints as (

    select snapshots.employee_id, snapshots.snapshot_date, count(*) as manager_touchpoints
    from snapshots
    inner join {{ ref('int_manager_touchpoints') }} as touchpoints
        on snapshots.employee_id = touchpoints.person_id
        and touchpoints.known_at < snapshots.known_before
        and touchpoints.touched_date > snapshots.snapshot_date - 90
    group by 1, 2

),

final as (

    select
        snapshots.employee_id,
        snapshots.snapshot_date,
        people.department,
        people.team,
        people.manager_id,
        people.job_role,
        people.location,
        -- Always true: snapshots are taken only while employed (kept so readers can filter on it explicitly).
        (people.termination_date is null or people.termination_date > snapshots.snapshot_date) as is_employed_at_snapshot,
        hr_in_force.imported_at as hr_record_imported_at,
        -- A statement dated after the snapshot (a tool's clock ahead) counts as today, never as negative days.
        case when known.last_learning_date is not null
             then cast(snapshots.snapshot_date - least(known.last_learning_date, snapshots.snapshot_date) as integer)
        end as days_since_last_statement,
        cast(coalesce(known.active_days_last_4_weeks, 0) / 4.0 - coalesce(known.active_days_8_weeks_before, 0) / 8.0 as double)
            as engagement_slope,
        cast(coalesce(failures.failed_not_retried, 0) as integer) as failed_not_retried,
        cast(coalesce(goals.goals_open, 0) as integer) as goals_open,
        coalesce(paths.path_stalled, false) as path_stalled,
        coalesce(known.social_actions_90d, 0) = 0 as zero_social,
        cast(coalesce(touchpoints.manager_touchpoints, 0) as integer) as manager_touchpoints,
        cast(coalesce(known.badges_90d, 0) as integer) as badges_90d,
        cast(snapshots.snapshot_date - people.hire_date as integer) as tenure_days,
        cast(snapshots.snapshot_date - case when hr_in_force.last_promotion_date <= snapshots.snapshot_date
                                            then hr_in_force.last_promotion_date end as integer) as days_since_promotion,
        hr_in_force.overtime_hours,
        hr_in_force.satisfaction,
        -- The label needs the whole 180 days after the snapshot to be known to HR (the roster's latest export).
        case
            when snapshots.snapshot_date + 180 > data_window.roster_as_of_date then null
            else coalesce(people.is_exit_voluntary
                          and people.termination_date > snapshots.snapshot_date
                          and people.termination_date <= snapshots.snapshot_date + 180, false)
        end as label_voluntary_exit_180d,
        snapshots.snapshot_date + 180 <= data_window.roster_as_of_date as label_observed

    from snapshots
    inner join people on snapshots.employee_id = people.employee_id
    cross join data_window
    left join known on snapshots.employee_id = known.employee_id and snapshots.snapshot_date = known.snapshot_date
    left join failures on snapshots.employee_id = failures.employee_id and snapshots.snapshot_date = failures.snapshot_date
    left join goals on snapshots.employee_id = goals.employee_id and snapshots.snapshot_date = goals.snapshot_date
    left join paths on snapshots.employee_id = paths.employee_id and snapshots.snapshot_date = paths.snapshot_date
    left join touchpoints on snapshots.employee_id = touchpoints.employee_id and snapshots.snapshot_date = touchpoints.snapshot_date
    left join hr_in_force on snapshots.employee_id = hr_in_force.employee_id and snapshots.snapshot_date = hr_in_force.snapshot_date

)

select * from final
