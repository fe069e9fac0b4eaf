{{ config(materialized='table') }}

with

people as (

    select * from {{ ref('int_people') }}

),

-- Every person belongs to exactly one team, one department and the organisation; rollups join through here,
-- so the organisation's totals are by construction the sum of its departments' (and of its teams').
final as (

    select person_id, 'organisation' as unit_level, 'organisation' as unit_name, member_from, member_until from people
    union all
    select person_id, 'department' as unit_level, department as unit_name, member_from, member_until from people
    union all
    select person_id, 'team' as unit_level, department || ' / ' || team as unit_name, member_from, member_until from people

)

select * from final
