{#- Percentile ranks against a baseline: 100 x (share of baseline values strictly below a value). A value of 0
    where the baseline holds zeros ranks 0; the baseline's maximum ranks below 100 unless it is beaten.
    `percentile_rank_ctes` gives CTE `<column>_ranks(value, percentile_rank)` for every distinct value of
    `column` in `rows_cte`: components take few distinct values, so ranking those and joining rows to them by
    value is much cheaper than an ASOF join of every row. `percentile_rank_join` joins a row to its rank. -#}
{% macro percentile_rank_ctes(rows_cte, baseline_cte, column) -%}
{{ column }}_baseline as (

    select
        {{ column }} as baseline_value,
        -- Baseline values at or below this one: the rank of anything strictly above it.
        sum(count(*)) over (order by {{ column }}) as at_or_below,
        sum(count(*)) over () as baseline_size
    from {{ baseline_cte }}
    group by {{ column }}

),

{{ column }}_ranks as (

    select
        row_values.value,
        100.0 * coalesce({{ column }}_baseline.at_or_below, 0)
            / nullif((select max(baseline_size) from {{ column }}_baseline), 0) as percentile_rank
    from (select distinct {{ column }} as value from {{ rows_cte }}) as row_values
    asof left join {{ column }}_baseline on row_values.value > {{ column }}_baseline.baseline_value

)
{%- endmacro %}

{% macro percentile_rank_join(rows_cte, column) -%}
    left join {{ column }}_ranks on {{ rows_cte }}.{{ column }} = {{ column }}_ranks.value
{%- endmacro %}

{#- The engagement baseline: the person-weeks of the baseline period (int_data_window), or every person-week when
    that period holds none (a gap in the data, or no roster yet, so nobody has inactive weeks there): a rank against
    nothing would leave the index undefined. Produces CTE `baseline` from CTEs `person_weeks` and `data_window`. -#}
{% macro engagement_baseline_ctes() -%}
in_baseline_period as (

    select person_weeks.*
    from person_weeks
    cross join data_window
    where person_weeks.week_start between cast(date_trunc('week', data_window.baseline_start) as date) and data_window.baseline_end

),

baseline as (

    select * from in_baseline_period
    union all
    select * from person_weeks where not exists (select 1 from in_baseline_period)

)
{%- endmacro %}

{#- What every engagement row depends on besides its own person-week: the weeks, and the baseline's values (a
    fingerprint). When either changes, mart_engagement_weekly rebuilds everyone (macros/incremental_scope.sql). -#}
{% macro engagement_grid() -%}
    with
    person_weeks as (select * from {{ ref('int_person_weeks') }}),
    data_window as (select * from {{ ref('int_data_window') }}),
    {{ engagement_baseline_ctes() }}
    select 'week ' || cast(period_start as varchar) as cell from ({{ weeks_grid() }})
    union all
    select 'baseline ' || cast(sum(hash(person_id, week_start, active_days, learning_minutes, completions, breadth,
                                         social_actions, concluded_attempts, passes, last_active_date)) as varchar)
    from baseline
{%- endmacro %}
