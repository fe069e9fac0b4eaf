{#- A roster row's columns renamed and cast once, for the current roster and for every roster version alike:
    empty department/team become 'unassigned', optional attributes are unpacked from the JSON. -#}
{% macro hris_roster_columns(relation) -%}
        {{ relation }}.employee_id,
        {{ relation }}.display_name,
        coalesce(nullif(trim({{ relation }}.department), ''), 'unassigned') as department,
        coalesce(nullif(trim({{ relation }}.team), ''), 'unassigned') as team,
        nullif(trim({{ relation }}.manager_id), '') as manager_id,
        {{ relation }}.job_role,
        {{ relation }}.location,
        {{ relation }}.hire_date,
        {{ relation }}.termination_date,
        coalesce({{ relation }}.exit_voluntary, false) as is_exit_voluntary,
        try_cast({{ relation }}.attributes ->> '$.satisfaction' as double) as satisfaction,
        try_cast({{ relation }}.attributes ->> '$.overtime_hours' as double) as overtime_hours,
        try_cast({{ relation }}.attributes ->> '$.last_promotion_date' as date) as last_promotion_date,
        coalesce(try_cast({{ relation }}.attributes ->> '$.leaderboard_opt_in' as boolean), false) as is_leaderboard_opt_in
{%- endmacro %}
