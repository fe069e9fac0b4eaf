with

lci as (

    select * from {{ ref('mart_lci_unit_quarter') }}
    where unit_level in ('department', 'team') and not is_suppressed and lci is not null

),

retention as (

    select * from {{ ref('int_unit_retention') }}
    where is_observed and unit_level in ('department', 'team')

),

-- Each unit's LCI in a quarter beside its retention in the next quarter (units above the privacy threshold only).
paired as (

    select lci.unit_level, lci.quarter_start, lci.unit_name, lci.lci, retention.retention as next_quarter_retention
    from lci
    left join retention
        on lci.unit_level = retention.unit_level
        and lci.unit_name = retention.unit_name
        and retention.quarter_start = cast(lci.quarter_start + interval 3 month as date)

),

-- DuckDB's corr() is NaN, not null, when one side does not vary.
correlated as (

    select
        unit_level,
        quarter_start,
        count(next_quarter_retention) as units,
        case when isnan(corr(lci, next_quarter_retention)) then null else corr(lci, next_quarter_retention) end as correlation
    from paired
    group by 1, 2

),

final as (

    select
        unit_level,
        quarter_start,
        cast(units as integer) as units,
        -- Pearson's r; undefined below 3 units or when either side does not vary.
        case when units >= 3 then round(correlation, 3) end::double as correlation_lci_next_quarter_retention,
        case
            when units < 3 then 'fewer than 3 units with both an LCI and an observed next-quarter retention: no correlation'
            when correlation is null then 'LCI or retention does not vary across the units: no correlation'
            else 'Pearson correlation across units; a correlation is not a cause. On generated demo data it only shows what the generator built in.'
        end as note

    from correlated

)

select * from final
