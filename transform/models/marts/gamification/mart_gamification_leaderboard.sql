with

person_periods as (

    select * from {{ ref('int_lci_person_periods') }}
    where period_kind = 'quarter'

),

people as (

    select * from {{ ref('int_people') }}

),

-- Opt-in only (roster attribute leaderboard_opt_in): nobody appears here who did not ask to.
final as (

    select
        person_periods.period_start as quarter_start,
        people.employee_id,
        people.display_name,
        people.department,
        people.team,
        cast(person_periods.badges as integer) as badges,
        cast(rank() over (partition by person_periods.period_start order by person_periods.badges desc) as integer)
            as leaderboard_rank

    from person_periods
    inner join people on person_periods.person_id = people.person_id
    where people.is_on_roster and people.is_leaderboard_opt_in and person_periods.badges > 0

)

select * from final
