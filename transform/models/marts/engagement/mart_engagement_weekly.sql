{% set components = ['active_days', 'learning_minutes', 'completions', 'breadth', 'social_actions'] %}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ prepare_rebuild_scope('employee_id', 'person', engagement_grid()) }}",
        post_hook="{{ finish_rebuild_scope(engagement_grid()) }}"
    )
}}

{#- Incremental by person: each build ranks the weeks of the people new statements touch against the baseline, and
    everyone's when a new week begins or the baseline's values change (macros/incremental_scope.sql). -#}

-- depends_on: {{ ref('int_actor_changes') }}, {{ ref('int_build_inputs') }}, {{ ref('stg_hris__identities') }}

with

person_weeks as (

    select * from {{ ref('int_person_weeks') }}

),

people as (

    select * from {{ ref('int_people') }}

),

data_window as (

    select * from {{ ref('int_data_window') }}

),

{{ engagement_baseline_ctes() }},

-- The rows this build (re)computes: everyone's, or the people new statements touched.
scoped_weeks as (

    select * from person_weeks
    where {{ in_rebuild_scope('person_id') }}

),

{% for column in components %}
{{ percentile_rank_ctes('scoped_weeks', 'baseline', column) }},
{% endfor %}

-- Open edX Insights: "highly engaged" is the top 15 % of a component, and only with a value above zero
-- (where most people score 0 the 85th percentile is 0).
thresholds as (

    select
        {% for column in components %}
        quantile_disc({{ column }}, 0.85) as {{ column }}_p85,
        {% endfor %}
        quantile_disc(concluded_attempts / greatest(passes, 1), 0.85) filter (where concluded_attempts > 0)
            as attempts_per_pass_p85
    from baseline

),

indexed as (

    select
        scoped_weeks.*,
        round((
            {% for column in components %}{{ column }}_ranks.percentile_rank{% if not loop.last %} + {% endif %}{% endfor %}
        ) / {{ components | length }}, 2) as engagement_index,
        case when scoped_weeks.concluded_attempts > 0
             then scoped_weeks.concluded_attempts / greatest(scoped_weeks.passes, 1) end as attempts_per_pass

    from scoped_weeks
    {% for column in components %}
    {{ percentile_rank_join('scoped_weeks', column) }}
    {% endfor %}

),

-- Open edX Insights' segments may overlap: a struggling learner can be highly engaged too. Each is a flag;
-- engagement_segment keeps one per row (the first that applies, in this order) for views that need one.
flagged as (

    select
        indexed.*,
        {% for column in components %}(indexed.{{ column }} > 0 and indexed.{{ column }} >= thresholds.{{ column }}_p85){% if not loop.last %} or {% endif %}{% endfor %}
            as is_highly_engaged,
        coalesce(indexed.attempts_per_pass > 1 and indexed.attempts_per_pass >= thresholds.attempts_per_pass_p85, false)
            as is_struggling,
        -- The week ends on Sunday: "the last 7 days" is this ISO week, "8-14 days ago" the week before.
        coalesce(indexed.last_active_date between indexed.week_start - 7 and indexed.week_start - 1, false)
            as is_disengaging,
        indexed.last_active_date is null or indexed.last_active_date < indexed.week_start - 7 as is_inactive

    from indexed
    cross join thresholds

),

segmented as (

    select
        *,
        case
            when is_highly_engaged then 'highly_engaged'
            when is_struggling then 'struggling'
            when is_disengaging then 'disengaging'
            when is_inactive then 'inactive'
            else 'active'
        end as engagement_segment,
        list_filter([
            case when is_highly_engaged then 'highly_engaged' end, case when is_struggling then 'struggling' end,
            case when is_disengaging then 'disengaging' end, case when is_inactive then 'inactive' end
        ], lambda segment: segment is not null)::varchar[] as engagement_segments
    from flagged

),

final as (

    select
        segmented.person_id as employee_id,
        segmented.week_start,
        people.is_on_roster,
        people.department,
        people.team,
        people.manager_id,
        people.job_role,
        people.location,
        segmented.active_days,
        segmented.learning_minutes,
        segmented.completions,
        segmented.breadth,
        segmented.social_actions,
        segmented.concluded_attempts,
        segmented.passes,
        segmented.last_active_date,
        cast(segmented.engagement_index as double) as engagement_index,
        segmented.engagement_segment,
        segmented.engagement_segments,
        segmented.is_highly_engaged,
        segmented.is_struggling,
        segmented.is_disengaging,
        segmented.is_inactive

    from segmented
    inner join people on segmented.person_id = people.person_id

)

select * from final
