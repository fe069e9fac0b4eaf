{%- set components = ['active_days', 'learning_minutes', 'completions', 'breadth', 'social_actions'] -%}

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

in_baseline_period as (

    select person_weeks.*
    from person_weeks
    cross join data_window
    where person_weeks.week_start between cast(date_trunc('week', data_window.baseline_start) as date) and data_window.baseline_end

),

-- When the baseline period holds no person-week (a gap in the data, or no roster yet, so nobody has inactive
-- weeks there), every person-week is the baseline: a rank against nothing would leave the index undefined.
baseline as (

    select * from in_baseline_period
    union all
    select * from person_weeks where not exists (select 1 from in_baseline_period)

),

{% for column in components %}
{{ percentile_rank_ctes('person_weeks', 'baseline', column) }},
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
        person_weeks.*,
        round((
            {% for column in components %}{{ column }}_ranked.{{ column }}_rank{% if not loop.last %} + {% endif %}{% endfor %}
        ) / {{ components | length }}, 2) as engagement_index,
        case when person_weeks.concluded_attempts > 0
             then person_weeks.concluded_attempts / greatest(person_weeks.passes, 1) end as attempts_per_pass

    from person_weeks
    {% for column in components %}
    inner join {{ column }}_ranked
        on person_weeks.person_id = {{ column }}_ranked.person_id and person_weeks.week_start = {{ column }}_ranked.week_start
    {% endfor %}

),

segmented as (

    select
        indexed.*,
        case
            when {% for column in components %}(indexed.{{ column }} > 0 and indexed.{{ column }} >= thresholds.{{ column }}_p85){% if not loop.last %} or {% endif %}{% endfor %}
                then 'highly_engaged'
            when indexed.attempts_per_pass > 1 and indexed.attempts_per_pass >= thresholds.attempts_per_pass_p85
                then 'struggling'
            -- The week ends on Sunday: "the last 7 days" is this ISO week, "8-14 days ago" the week before.
            when indexed.last_active_date between indexed.week_start - 7 and indexed.week_start - 1
                then 'disengaging'
            when indexed.last_active_date is null or indexed.last_active_date < indexed.week_start - 7
                then 'inactive'
            else 'active'
        end as engagement_segment

    from indexed
    cross join thresholds

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
        segmented.engagement_segment

    from segmented
    inner join people on segmented.person_id = people.person_id

)

select * from final
