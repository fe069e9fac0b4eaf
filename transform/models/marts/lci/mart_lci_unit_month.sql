{#- The Learning Culture Index per unit and month, and what moved it since the month before.
    **Grain:** unit_level x unit_name x month_start. People count in the unit HR's roster placed them in at the month's
    end (int_person_unit_months).

    A month's change (lci_change, complete months only) splits into three parts that add up to it:
    - coverage_change: what a sub-score starting or ceasing to be measured did (the index is the mean of the measured
      ones). The other two parts compare the sub-scores measured in both months, by everyone and by the stayers.
    - behaviour_change: the change of the stayers (people in the unit both months), the same people measured twice.
    - composition_change: the rest, what a change in who is in the unit did: people who joined or left the
      organisation, or moved in from or out to another unit.
    Published per unit only; dashboards/privacy.py decides which of these figures a role may see. -#}

with

unit_months as (

    select * from {{ ref('int_lci_unit_periods') }}
    where period_kind = 'month'

),

everyone as (

    select * from unit_months where population = 'all'

),

-- At month m: the people who were in the unit at m - 1 too, and at m - 1: those still in it at m.
stayed as (

    select * from unit_months where population = 'stayed'

),

stays as (

    select * from unit_months where population = 'stays'

),

first_month as (

    select min(month_start) as month_start from {{ ref('int_person_unit_months') }}

),

arrivals as (

    select
        unit_level,
        unit_name,
        month_start,
        count(*) filter (where was_member_month_before and unit_name_month_before = unit_name) as stayers,
        count(*) filter (where not was_member_month_before) as joined_organisation,
        count(*) filter (where was_member_month_before and unit_name_month_before <> unit_name) as moved_in

    from {{ ref('int_person_unit_months') }}
    where is_member
    group by 1, 2, 3

),

-- Counted on the month after: the people in the unit at m - 1 who are not in it at m.
departures as (

    select
        unit_level,
        unit_name,
        cast(month_start + interval 1 month as date) as month_start,
        count(*) filter (where not is_member_month_after) as left_organisation,
        count(*) filter (where is_member_month_after and unit_name_month_after <> unit_name) as moved_out

    from {{ ref('int_person_unit_months') }}
    where is_member and is_member_month_after is not null
    group by 1, 2, 3

),

paired as (

    select
        everyone.*,
        before.lci as lci_before,
        before.is_complete as is_before_complete,
        coalesce(arrivals.stayers, 0) as stayers,
        coalesce(arrivals.joined_organisation, 0) as joined_organisation,
        coalesce(arrivals.moved_in, 0) as moved_in,
        coalesce(departures.left_organisation, 0) as left_organisation,
        coalesce(departures.moved_out, 0) as moved_out,
        -- The weighted index over the sub-scores measured in both months by everyone and by the stayers.
        {{ lci_common_mean('everyone', ['everyone', 'before', 'stayed', 'stays']) }} as common_lci,
        {{ lci_common_mean('before', ['everyone', 'before', 'stayed', 'stays']) }} as common_lci_before,
        {{ lci_common_mean('stayed', ['everyone', 'before', 'stayed', 'stays']) }} as stayers_lci,
        {{ lci_common_mean('stays', ['everyone', 'before', 'stayed', 'stays']) }} as stayers_lci_before

    from everyone
    left join everyone as before
        on everyone.unit_level = before.unit_level
        and everyone.unit_name = before.unit_name
        and before.period_start = cast(everyone.period_start - interval 1 month as date)
    left join stayed
        on everyone.unit_level = stayed.unit_level
        and everyone.unit_name = stayed.unit_name
        and everyone.period_start = stayed.period_start
    left join stays
        on everyone.unit_level = stays.unit_level
        and everyone.unit_name = stays.unit_name
        and stays.period_start = cast(everyone.period_start - interval 1 month as date)
    left join arrivals
        on everyone.unit_level = arrivals.unit_level
        and everyone.unit_name = arrivals.unit_name
        and everyone.period_start = arrivals.month_start
    left join departures
        on everyone.unit_level = departures.unit_level
        and everyone.unit_name = departures.unit_name
        and everyone.period_start = departures.month_start

),

-- A change needs a complete month and a complete month before it, both with an index.
changes as (

    select
        *,
        period_start > (select month_start from first_month) and is_complete and is_before_complete
            and lci is not null and lci_before is not null as has_change

    from paired

),

split as (

    select
        *,
        case when has_change then lci - lci_before end as raw_lci_change,
        case when has_change then (lci - lci_before) - (common_lci - common_lci_before) end as raw_coverage_change,
        case when has_change then stayers_lci - stayers_lci_before end as raw_behaviour_change,
        -- Without stayers (a unit whose people all changed) the whole change is composition.
        case when has_change then (common_lci - common_lci_before) - coalesce(stayers_lci - stayers_lci_before, 0) end
            as raw_composition_change

    from changes

),

final as (

    select
        unit_level,
        unit_name,
        period_start as month_start,
        cast(headcount as integer) as headcount,
        is_suppressed,
        is_complete,
        is_history_short,
        {{ unless_suppressed('measured_sub_scores', 'integer') }},
        {%- for score in lci_sub_scores() + ['lci'] %}
        case when is_suppressed then null else round({{ score }}, 1) end::double as {{ score }},
        {%- endfor %}
        case when is_suppressed then null else round(raw_lci_change, 1) end::double as lci_change,
        {%- for count in ['stayers', 'joined_organisation', 'moved_in', 'left_organisation', 'moved_out'] %}
        case when is_suppressed or not has_change then null else {{ count }} end::integer as {{ count }},
        {%- endfor %}
        case when is_suppressed or not has_change then null else joined_organisation + moved_in end::integer as arrived,
        case when is_suppressed or not has_change then null else left_organisation + moved_out end::integer as departed,
        {%- for part in ['behaviour_change', 'composition_change', 'coverage_change'] %}
        case when is_suppressed then null else round(raw_{{ part }}, 1) + 0.0 end::double as {{ part }}{% if not loop.last %},{% endif %}
        {%- endfor %}

    from split

)

select * from final
