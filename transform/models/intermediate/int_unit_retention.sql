with

people as (

    select * from {{ ref('int_people') }}
    where is_on_roster

),

units as (

    select * from {{ ref('int_person_units') }}

),

periods as (

    select * from {{ ref('int_periods') }}
    where period_kind = 'quarter'

),

data_window as (

    select * from {{ ref('int_data_window') }}

),

-- Retention of a unit in a quarter: 1 - voluntary leavers in the quarter / people on the roster at its start.
-- Known only for quarters that ended by the roster's latest export (HR has not told us about later exits).
final as (

    select
        units.unit_level,
        units.unit_name,
        periods.period_start as quarter_start,
        count(*) as headcount_at_start,
        count(*) filter (where people.is_exit_voluntary and people.termination_date between periods.period_start and periods.period_end)
            as voluntary_leavers,
        1.0 - count(*) filter (where people.is_exit_voluntary and people.termination_date between periods.period_start and periods.period_end)
            / count(*) as retention,
        any_value(periods.period_end <= data_window.roster_as_of_date) as is_observed

    from people
    inner join units on people.person_id = units.person_id
    inner join periods
        on coalesce(people.hire_date, date '1900-01-01') <= periods.period_start
        and (people.termination_date is null or people.termination_date >= periods.period_start)
    cross join data_window
    group by 1, 2, 3

)

select * from final
