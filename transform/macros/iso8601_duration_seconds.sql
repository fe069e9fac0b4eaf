{#- Seconds in an ISO 8601 duration string such as 'PT1H2M3.5S' or 'P1DT30M' (xAPI result.duration).
    Years and months have no fixed length; they count as 365 and 30 days. Anything that is not a
    duration gives null, never an error. -#}
{% macro iso8601_duration_seconds(duration) -%}
    case when regexp_full_match({{ duration }}, 'P(\d+(\.\d+)?[YMWD])*(T(\d+(\.\d+)?[HMS])+)?') and {{ duration }} <> 'P'
    then
        coalesce(cast(nullif(regexp_extract(split_part({{ duration }}, 'T', 1), '(\d+(\.\d+)?)Y', 1), '') as double), 0) * 31536000
        + coalesce(cast(nullif(regexp_extract(split_part({{ duration }}, 'T', 1), '(\d+(\.\d+)?)M', 1), '') as double), 0) * 2592000
        + coalesce(cast(nullif(regexp_extract(split_part({{ duration }}, 'T', 1), '(\d+(\.\d+)?)W', 1), '') as double), 0) * 604800
        + coalesce(cast(nullif(regexp_extract(split_part({{ duration }}, 'T', 1), '(\d+(\.\d+)?)D', 1), '') as double), 0) * 86400
        + coalesce(cast(nullif(regexp_extract(split_part({{ duration }}, 'T', 2), '(\d+(\.\d+)?)H', 1), '') as double), 0) * 3600
        + coalesce(cast(nullif(regexp_extract(split_part({{ duration }}, 'T', 2), '(\d+(\.\d+)?)M', 1), '') as double), 0) * 60
        + coalesce(cast(nullif(regexp_extract(split_part({{ duration }}, 'T', 2), '(\d+(\.\d+)?)S', 1), '') as double), 0)
    end
{%- endmacro %}
