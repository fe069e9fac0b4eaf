{#- One row: a fingerprint of everything besides the statements themselves that derived rows depend on: the
    roster (its latest import and identities), the verb mapping, the resource kinds, and the settings that change
    every row. When it
    changes, every incremental model rebuilds from all statements (see macros/incremental_scope.sql). -#}

with

verb_categories as (

    select * from {{ ref('int_verb_categories') }}

),

identities as (

    select * from {{ ref('stg_hris__identities') }}

),

resource_kinds as (

    select * from {{ ref('resource_kinds') }}

),

employees as (

    select * from {{ ref('stg_hris__employees') }}

),

parsed as (

    select * from {{ ref('int_statements_parsed') }}

),

final as (

    select
        md5(concat_ws('|',
            (select coalesce(string_agg(verb_id || coalesce('@' || activity_type, '') || '=' || category, ','
                                        order by verb_id, activity_type nulls first), '') from verb_categories),
            (select coalesce(string_agg(activity_type || '=' || resource_kind, ',' order by activity_type), '')
             from resource_kinds),
            (select coalesce(string_agg(actor_key || '=' || employee_id, ',' order by actor_key, employee_id), '') from identities),
            (select coalesce(cast(max(imported_at) as varchar), 'no roster') || ':' || count(*) from employees),
            -- The go-live backfill window starts at the oldest stored statement (int_statements_classified.known_at).
            (select coalesce(cast(min(stored_at) as varchar), '') from parsed),
            '{{ var("history_backfill_days") }}',
            '{{ var("session_gap_minutes") }}'
        )) as inputs_version

)

select * from final
