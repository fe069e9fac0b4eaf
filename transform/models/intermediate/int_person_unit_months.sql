{{ config(materialized='table') }}

{#- Which unit each person was in, month by month, as HR's roster said at the month's end, and whether they were in
    the same unit the month before and the month after: what separates a change in who is in a unit (joiners, leavers,
    team changes) from a change in what its people do (mart_lci_unit_month).
    **Grain:** person_id x month_start x unit_level, for every person and every month of data (is_member says whether
    the person was employed in the month).
    The unit comes from the newest roster import made before the month's end that lists the person
    (stg_hris__roster_versions); for a month before any such import (and for actors not on the roster) it is the
    person's current unit. With a single roster import nobody ever changes team: only joiners and leavers show. -#}

with

people as (

    select * from {{ ref('int_people') }}

),

months as (

    select period_start as month_start, period_end as month_end
    from {{ ref('int_periods') }}
    where period_kind = 'month'

),

roster_versions as (

    select employee_id, imported_at, department, team
    from {{ ref('stg_hris__roster_versions') }}
    where department is not null

),

person_months as (

    select
        people.person_id,
        people.employee_id,
        people.department as current_department,
        people.team as current_team,
        months.month_start,
        people.member_from <= months.month_end
            and (people.member_until is null or people.member_until >= months.month_start) as is_member,
        -- The month's end as an instant: an import at or after it came too late for this month.
        timezone('UTC', cast(months.month_end + 1 as timestamp)) as month_end_exclusive

    from people
    cross join months

),

in_force as (

    select
        person_months.*,
        roster_versions.department as roster_department,
        roster_versions.team as roster_team

    from person_months
    asof left join roster_versions
        on person_months.employee_id = roster_versions.employee_id
        and person_months.month_end_exclusive > roster_versions.imported_at

),

placed as (

    select
        person_id,
        month_start,
        is_member,
        coalesce(roster_department, current_department) as department,
        case when roster_department is not null then roster_team else current_team end as team

    from in_force

),

units as (

    select person_id, month_start, is_member, 'organisation' as unit_level, 'organisation' as unit_name from placed
    union all
    select person_id, month_start, is_member, 'department' as unit_level, department as unit_name from placed
    union all
    select person_id, month_start, is_member, 'team' as unit_level, department || ' / ' || team as unit_name from placed

),

-- Months form an unbroken spine per person, so the rows before and after are the month before and the month after
-- (null at the first and the last month of data: not known).
final as (

    select
        person_id,
        month_start,
        unit_level,
        unit_name,
        is_member,
        lag(is_member) over by_month as was_member_month_before,
        lag(unit_name) over by_month as unit_name_month_before,
        lead(is_member) over by_month as is_member_month_after,
        lead(unit_name) over by_month as unit_name_month_after

    from units
    window by_month as (partition by person_id, unit_level order by month_start)

)

select * from final
