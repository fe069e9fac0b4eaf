{#- No retention snapshot (for training or scoring) on or after the person's termination date, nor before hire:
    a leaver's later month-ends would otherwise be labelled "stayed" while the learning stops. -#}

select
    features.employee_id,
    features.snapshot_date,
    employees.hire_date,
    employees.termination_date
from {{ ref('mart_retention_features') }} as features
inner join {{ ref('stg_hris__employees') }} as employees on features.employee_id = employees.employee_id
where features.snapshot_date >= employees.termination_date
   or features.snapshot_date < employees.hire_date
