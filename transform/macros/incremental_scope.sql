{#- Incremental builds that rebuild only what new statements touch.

    Statement-level models (int_statements_classified, int_actor_weeks) read only the statements loaded since their
    own newest row. Person-level models (sessions, failed attempts, person x period tables, ...) rebuild every row of
    the people that new statements touch, and leave everyone else's rows as they are:

    1. pre-hook `prepare_rebuild_scope`: writes the keys to rebuild into <model>__scope and deletes their rows.
       The keys are the people (or actors) in int_actor_changes since the model's last build, recorded in
       <model>__built; EVERYONE when that record is missing, when int_build_inputs changed since (roster, verb mapping,
       settings that every row depends on), or when the grid of periods the rows span changed (a new week, say)
       in a model whose rows depend on other periods' rows. Where each row stands alone (a person's month), a new
       period only adds everyone's rows for that period (<model>__cells);
    2. the model's SQL keeps only the keys in the scope (`in_rebuild_scope`);
    3. post-hook `finish_rebuild_scope`: records what this build has seen in <model>__built (and the grid in
       <model>__grid) and drops the scope.

    Hooks run in the model's transaction: a failed build leaves the old rows and the old record, and the next build
    rebuilds at least the same keys. A full refresh builds everything and writes the record. -#}

{% macro rebuild_relation(suffix) -%}
    {{ this.database }}.{{ this.schema }}.{{ this.identifier }}__{{ suffix }}
{%- endmacro %}

{#- Keys of people (key_kind 'person': roster employee id or 'unknown:' actor) or of xAPI actors ('actor'). -#}
{% macro changed_keys(key_kind, since) -%}
    {%- if key_kind == 'actor' -%}
    select actor_key as scope_key
    from {{ ref('int_actor_changes') }}
    where loaded_until >= {{ since }} - interval {{ var('incremental_lookback_hours') | int }} hour
    {%- else -%}
    select distinct {{ person_id('identities.employee_id', 'changes.actor_key') }} as scope_key
    from {{ ref('int_actor_changes') }} as changes
    left join {{ ref('stg_hris__identities') }} as identities on changes.actor_key = identities.actor_key
    where changes.loaded_until >= {{ since }} - interval {{ var('incremental_lookback_hours') | int }} hour
    {%- endif -%}
{%- endmacro %}

{% macro all_keys(key_kind) -%}
    {%- if key_kind == 'actor' -%}
    select actor_key as scope_key from {{ ref('int_actor_changes') }}
    {%- else -%}
    select person_id as scope_key from {{ ref('int_people') }}
    {%- endif -%}
{%- endmacro %}

{#- key_column: the model's column holding the key. grid_sql: optional SQL of the grid the model's rows span (its
    periods, say); when it differs from the grid of the last build, every key is rebuilt, unless `cells` names the
    grid's columns in the model: then each row depends only on its own key and cell, so this build adds the rows of
    every key in the new cells (in_rebuild_cells), and deletes the rows of cells that left the grid. -#}
{% macro prepare_rebuild_scope(key_column, key_kind='person', grid_sql=none, cells=none) -%}
{%- if is_incremental() -%}
{%- set built = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier ~ '__built') -%}
create or replace table {{ rebuild_relation('scope') }} as
with
{% if built is not none %}
built as (

    select * from {{ built }}

),
{% endif %}
everyone as (

    select
        {% if built is none %}
        true
        {% else %}
        not exists (
            select 1 from built
            where inputs_version = (select inputs_version from {{ ref('int_build_inputs') }})
              and grid_version = {{ grid_version(none if cells else grid_sql) }}
        )
        {% endif %}
        as is_everyone

)
select scope_key, true as is_everyone
from ({{ all_keys(key_kind) }})
where (select is_everyone from everyone)
{% if built is not none %}
union
select scope_key, false as is_everyone
from ({{ changed_keys(key_kind, '(select max(loaded_until) from built)') }})
where not (select is_everyone from everyone)
{% endif %};
delete from {{ this }}
where {{ key_column }} in (select scope_key from {{ rebuild_relation('scope') }})
   or exists (select 1 from {{ rebuild_relation('scope') }} where is_everyone)
{%- if cells %};
{%- set grid_record = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier ~ '__grid') %}
create or replace table {{ rebuild_relation('cells') }} as
select * from ({{ grid_sql }}) as grid
{% if grid_record is not none %}
except
select * from {{ grid_record }}
{% endif %};
-- Rows of cells that left the grid go; so do any rows already in a new cell (it is rebuilt whole).
delete from {{ this }}
where not exists (
    select 1 from ({{ grid_sql }}) as grid
    where {% for cell in cells %}grid.{{ cell }} = {{ this }}.{{ cell }}{% if not loop.last %} and {% endif %}{% endfor %}
)
   or exists (
    select 1 from {{ rebuild_relation('cells') }} as new_cells
    where {% for cell in cells %}new_cells.{{ cell }} = {{ this }}.{{ cell }}{% if not loop.last %} and {% endif %}{% endfor %}
)
{%- endif %}
{%- else -%}
select 1
{%- endif -%}
{%- endmacro %}

{#- Whether a row's cell (a dict: grid column -> the model's expression) is new in this build's grid. -#}
{% macro in_rebuild_cells(cell_expressions) -%}
    {%- if is_incremental() -%}
    exists (
        select 1 from {{ rebuild_relation('cells') }} as new_cells
        where {% for cell, expression in cell_expressions.items() %}new_cells.{{ cell }} = {{ expression }}{% if not loop.last %} and {% endif %}{% endfor %}
    )
    {%- else -%}
    false
    {%- endif -%}
{%- endmacro %}

{#- Whether this build adds any new cell (then every person's statements may be needed). -#}
{% macro any_rebuild_cells() -%}
    {%- if is_incremental() -%}
    exists (select 1 from {{ rebuild_relation('cells') }})
    {%- else -%}
    false
    {%- endif -%}
{%- endmacro %}

{% macro grid_version(grid_sql) -%}
    {%- if grid_sql -%}
    (select md5(coalesce(string_agg(cast(grid as varchar), ',' order by cast(grid as varchar)), '')) from ({{ grid_sql }}) as grid)
    {%- else -%}
    ''
    {%- endif -%}
{%- endmacro %}

{% macro in_rebuild_scope(key_expression) -%}
    {%- if is_incremental() -%}
    {{ key_expression }} in (select scope_key from {{ rebuild_relation('scope') }})
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{% macro finish_rebuild_scope(grid_sql=none, cells=none) -%}
create or replace table {{ rebuild_relation('built') }} as
select
    (select max(loaded_until) from {{ ref('int_actor_changes') }}) as loaded_until,
    (select inputs_version from {{ ref('int_build_inputs') }}) as inputs_version,
    {{ grid_version(none if cells else grid_sql) }} as grid_version;
{% if cells -%}
create or replace table {{ rebuild_relation('grid') }} as {{ grid_sql }};
drop table if exists {{ rebuild_relation('cells') }};
{% endif -%}
drop table if exists {{ rebuild_relation('scope') }}
{%- endmacro %}

{#- For models that find their own new rows (newest loaded_at in the model): start again from nothing when the
    inputs every row depends on changed since the last build. -#}
{% macro reset_when_inputs_change() -%}
{%- if is_incremental() -%}
{%- set built = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier ~ '__built') -%}
delete from {{ this }}
{% if built is not none %}
where not exists (select 1 from {{ built }} where inputs_version = (select inputs_version from {{ ref('int_build_inputs') }}))
{% endif %}
{%- else -%}
select 1
{%- endif -%}
{%- endmacro %}

{% macro record_inputs_version() -%}
create or replace table {{ rebuild_relation('built') }} as
select (select inputs_version from {{ ref('int_build_inputs') }}) as inputs_version
{%- endmacro %}

{#- The grids of periods that person-level models span: a new period rebuilds every person's rows, or (cells)
    adds every person's rows for it. -#}
{% macro periods_grid() -%}
    select period_kind, period_start, period_end from {{ ref('int_periods') }}
{%- endmacro %}

{% macro weeks_grid() -%}
    {{ date_spine('(select first_activity_date from ' ~ ref('int_data_window') ~ ')', '(select last_stored_date from ' ~ ref('int_data_window') ~ ')', 'week') }}
{%- endmacro %}

{% macro month_ends_grid() -%}
    select period_end as snapshot_date
    from {{ ref('int_periods') }}
    -- Only month-ends the data has reached: a snapshot must not be taken in the future.
    where period_kind = 'month' and period_end <= (select last_stored_date from {{ ref('int_data_window') }})
{%- endmacro %}
