{#- Does a strong learning culture keep people? Each unit's LCI in a complete quarter beside its retention in the
    next quarter, as Pearson's r across units with its n and a 95 % interval (Fisher's z). One row per unit level and
    quarter, and one per unit level over all quarters (quarter_start null). Says in words when there is too little
    history to tell. -#}

{% set minimum_pairs = 4 %}

with

lci as (

    select * from {{ ref('mart_lci_unit_quarter') }}
    where unit_level in ('department', 'team') and not is_suppressed and lci is not null and is_complete

),

retention as (

    select * from {{ ref('int_unit_retention') }}
    where unit_level in ('department', 'team')

),

data_window as (

    select * from {{ ref('int_data_window') }}

),

-- Units above the privacy threshold with an LCI; next-quarter retention when HR's export has seen that quarter end.
paired as (

    select
        lci.unit_level,
        lci.quarter_start,
        lci.unit_name,
        lci.lci,
        case when retention.is_observed then retention.retention end as next_quarter_retention
    from lci
    left join retention
        on lci.unit_level = retention.unit_level
        and lci.unit_name = retention.unit_name
        and retention.quarter_start = cast(lci.quarter_start + interval 3 month as date)

),

-- DuckDB's corr() is NaN, not null, when one side does not vary.
per_quarter as (

    select
        unit_level,
        quarter_start,
        count(*) as units_with_lci,
        count(next_quarter_retention) as pairs,
        corr(lci, next_quarter_retention) as raw_correlation
    from paired
    group by 1, 2

),

pooled as (

    select
        unit_level,
        cast(null as date) as quarter_start,
        count(*) as units_with_lci,
        count(next_quarter_retention) as pairs,
        corr(lci, next_quarter_retention) as raw_correlation
    from paired
    group by 1

),

measured as (

    select
        *,
        case when pairs >= {{ minimum_pairs }} and not isnan(raw_correlation) then raw_correlation end as correlation
    from (select * from per_quarter union all select * from pooled) as rows

),

final as (

    select
        measured.unit_level,
        measured.quarter_start,
        cast(measured.pairs as integer) as units,
        round(measured.correlation, 3)::double as correlation_lci_next_quarter_retention,
        -- 95 % interval: tanh(atanh(r) -/+ 1.96 / sqrt(n - 3)); r of exactly +-1 has no finite z.
        case when abs(measured.correlation) < 1
             then round(tanh(atanh(measured.correlation) - 1.96 / sqrt(measured.pairs - 3)), 3) end::double
            as correlation_low_95,
        case when abs(measured.correlation) < 1
             then round(tanh(atanh(measured.correlation) + 1.96 / sqrt(measured.pairs - 3)), 3) end::double
            as correlation_high_95,
        measured.pairs < {{ minimum_pairs }} as is_history_short,
        case
            when measured.units_with_lci = 0 then 'no unit above the privacy threshold has an LCI for a complete quarter yet'
            when measured.pairs = 0 and measured.quarter_start is not null
                then 'too little history: the next quarter''s retention is not known yet ('
                     || coalesce('HR''s latest export is of ' || cast(data_window.roster_as_of_date as varchar),
                                 'no HR export has been imported') || ')'
            when measured.pairs = 0
                then 'too little history: no complete quarter has a known next-quarter retention yet'
            when measured.pairs < {{ minimum_pairs }}
                then 'too little history: ' || measured.pairs || ' units with an LCI and a next-quarter retention; '
                     || 'an interval needs at least {{ minimum_pairs }}'
            when measured.correlation is null then 'LCI or retention does not vary across the units: no correlation'
            else 'Pearson correlation across ' || measured.pairs || ' units with a 95 % interval; a correlation is not a '
                 || 'cause. On generated demo data it only shows what the generator built in.'
        end as note

    from measured
    cross join data_window

)

select * from final
