{#- CTEs giving each row of `rows_cte` the percentile rank of its `column` against the values of the same
    column in `baseline_cte`: 100 x (share of baseline values strictly below it). A value of 0 where the
    baseline holds zeros ranks 0; the baseline's maximum ranks below 100 unless it is beaten.
    Produces CTE `<column>_ranked(person_id, week_start, <column>_rank)`. -#}
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

{{ column }}_ranked as (

    select
        {{ rows_cte }}.person_id,
        {{ rows_cte }}.week_start,
        100.0 * coalesce({{ column }}_baseline.at_or_below, 0)
            / nullif((select max(baseline_size) from {{ column }}_baseline), 0) as {{ column }}_rank
    from {{ rows_cte }}
    asof left join {{ column }}_baseline
        on {{ rows_cte }}.{{ column }} > {{ column }}_baseline.baseline_value

)
{%- endmacro %}
