with

statements as (

    select * from {{ ref('int_statements_classified') }}

),

bounds as (

    select
        min(activity_date) as first_activity_date,
        -- Periods end where the data ends: the newest stored statement, not a tool's future timestamp.
        cast(timezone('UTC', max(stored_at)) as date) as last_stored_date,
        -- HR knows exits up to the day of its latest export: labels and retention are observed until then.
        (select max(cast(timezone('UTC', imported_at) as date)) from {{ ref('stg_hris__employees') }}) as roster_as_of_date
    from statements

),

-- The engagement baseline: by default the first full calendar quarter of data; all data while
-- there is no full quarter yet. vars engagement_baseline_start/_end fix it instead.
auto_baseline as (

    select
        first_activity_date,
        last_stored_date,
        roster_as_of_date,
        case when date_trunc('quarter', first_activity_date) = first_activity_date
             then first_activity_date
             else cast(date_trunc('quarter', first_activity_date) + interval 3 month as date)
        end as first_full_quarter_start

    from bounds

),

final as (

    select
        first_activity_date,
        last_stored_date,
        roster_as_of_date,
        {% if var('engagement_baseline_start') and var('engagement_baseline_end') %}
        date '{{ var("engagement_baseline_start") }}' as baseline_start,
        date '{{ var("engagement_baseline_end") }}' as baseline_end,
        'configured' as baseline_rule
        {% else %}
        case when cast(first_full_quarter_start + interval 3 month - interval 1 day as date) <= last_stored_date
             then first_full_quarter_start else first_activity_date end as baseline_start,
        case when cast(first_full_quarter_start + interval 3 month - interval 1 day as date) <= last_stored_date
             then cast(first_full_quarter_start + interval 3 month - interval 1 day as date) else last_stored_date end as baseline_end,
        case when cast(first_full_quarter_start + interval 3 month - interval 1 day as date) <= last_stored_date
             then 'first full quarter' else 'all data (no full quarter yet)' end as baseline_rule
        {% endif %}

    from auto_baseline

)

select * from final
