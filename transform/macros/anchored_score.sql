{#- A rate or median mapped to 0-100 through its anchors (seed lci_anchors): the value at score_0_at
    scores 0, at score_100_at scores 100, linear between and clipped outside. Works for inverted anchors too
    (score_0_at > score_100_at). A null value stays null (DuckDB's greatest/least would skip it). -#}
{% macro anchored_score(value, score_0_at, score_100_at) -%}
    case when ({{ value }}) is not null then
        least(100.0, greatest(0.0,
            100.0 * (({{ value }}) - {{ score_0_at }}) / nullif({{ score_100_at }} - {{ score_0_at }}, 0)
        ))
    end
{%- endmacro %}
