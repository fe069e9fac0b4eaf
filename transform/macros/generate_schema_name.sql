{#- Models land in the schema their folder names (staging, intermediate, marts), not target_schema + '_' + name:
    the publisher finds the marts in the warehouse schema `marts`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
