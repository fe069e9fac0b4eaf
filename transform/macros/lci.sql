{#- Formulas of the Learning Culture Index (METRICS.md), shared by every model that scores a unit. -#}

{#- The mean of the expressions that are not null; null when all are. -#}
{% macro mean_of_present(expressions) -%}
    (({% for e in expressions %}coalesce({{ e }}, 0){% if not loop.last %} + {% endif %}{% endfor %})
     / nullif({% for e in expressions %}(case when {{ e }} is null then 0 else 1 end){% if not loop.last %} + {% endif %}{% endfor %}, 0))
{%- endmacro %}

{#- `value` mapped to 0-100 through the anchors of `measure` in the seed lci_anchors. -#}
{% macro anchored(value, measure) -%}
    {{ anchored_score(
        value,
        "(select score_0_at from " ~ ref('lci_anchors') ~ " where measure = '" ~ measure ~ "')",
        "(select score_100_at from " ~ ref('lci_anchors') ~ " where measure = '" ~ measure ~ "')"
    ) }}
{%- endmacro %}

{#- A share (0-1) as a 0-100 score: shares map directly. -#}
{% macro share_score(numerator, denominator) -%}
    (100.0 * ({{ numerator }}) / nullif({{ denominator }}, 0))
{%- endmacro %}

{% macro lci_sub_scores() -%}
    {{ return(['t1_continuous_learning', 't2_development_facilitated', 't3_mistakes_as_learning', 't4_leadership_active',
               't5_diverse_resources', 'l1_microlearning', 'l2_gamification', 'l3_personalised_paths',
               'l4_social_learning', 'l5_tied_to_performance']) }}
{%- endmacro %}

{#- The LCI: the weighted mean (seed lci_weights) of the sub-scores present in the row. -#}
{% macro lci_weighted_mean() -%}
    {%- set weights = "(select weight from " ~ ref('lci_weights') ~ " where sub_score = '" -%}
    (({% for s in lci_sub_scores() %}coalesce({{ s }} * {{ weights }}{{ s }}'), 0){% if not loop.last %} + {% endif %}{% endfor %})
     / nullif({% for s in lci_sub_scores() %}(case when {{ s }} is null then 0 else {{ weights }}{{ s }}') end){% if not loop.last %} + {% endif %}{% endfor %}, 0))
{%- endmacro %}

{#- The LCI of `alias`'s sub-scores (weighted as lci_weighted_mean), over only the sub-scores that every one of
    `aliases` measures: two rows compared this way differ by what their sub-scores did, not by which were measured. -#}
{% macro lci_common_mean(alias, aliases) -%}
    {%- set weights = "(select weight from " ~ ref('lci_weights') ~ " where sub_score = '" -%}
    {%- set terms, shares = [], [] -%}
    {%- for s in lci_sub_scores() -%}
        {%- set present = [] -%}
        {%- for a in aliases %}{% do present.append(a ~ '.' ~ s ~ ' is not null') %}{% endfor -%}
        {%- do terms.append('(case when ' ~ present | join(' and ') ~ ' then ' ~ alias ~ '.' ~ s ~ ' * ' ~ weights ~ s
                            ~ "') else 0 end)") -%}
        {%- do shares.append('(case when ' ~ present | join(' and ') ~ ' then ' ~ weights ~ s ~ "') else 0 end)") -%}
    {%- endfor -%}
    (({{ terms | join(' + ') }}) / nullif({{ shares | join(' + ') }}, 0))
{%- endmacro %}

{#- The ten sub-scores, the LCI and its change, rounded to one decimal and null for a suppressed unit. -#}
{% macro lci_score_columns() -%}
    {%- for score in lci_sub_scores() + ['lci', 'lci_change'] %}
        case when is_suppressed then null else round({{ score }}, 1) end::double as {{ score }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- The components of the sub-scores, each fed by the signals seed lci_signals names for it. -#}
{% macro lci_components() -%}
    {{ return(['continuous_learners_share', 'people_with_path_or_goal_share', 'days_assignment_to_launch',
               'retried_after_fail_share', 'passed_after_fail_share', 'managers_learning_share', 'touchpoints_per_report',
               'resource_evenness', 'micro_sessions_share', 'micro_items_per_learner', 'badge_earners_share',
               'badges_per_learner', 'path_enrolled_share', 'median_path_progress', 'launches_after_recommendation_share',
               'posters_or_repliers_share', 'replies_per_post', 'peer_reviews_per_learner', 'people_with_review_goal_share',
               'goal_completion_rate']) }}
{%- endmacro %}

{#- A component's value in periods where the connected tools measure it (int_lci_coverage), else null. -#}
{% macro measured(component, expression) -%}
    case when coverage.measures_{{ component }} then {{ expression }} end
{%- endmacro %}
