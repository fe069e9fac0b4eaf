{#- Seconds played in an xAPI video/audio `played-segments` string: "start[.]end" pairs joined by "[,]",
    e.g. '0[.]5.5[,]10[.]20' is 5.5 + 10 = 15.5 s. Malformed pairs count 0; a null string gives null. -#}
{% macro played_segments_seconds(segments) -%}
    list_sum(list_transform(
        string_split({{ segments }}, '[,]'),
        lambda segment: greatest(coalesce(
            try_cast(split_part(segment, '[.]', 2) as double) - try_cast(split_part(segment, '[.]', 1) as double),
            0), 0)
    ))
{%- endmacro %}
