{#- The actor_key of an agent given as JSON (e.g. context.instructor), in the same form as
    ingest.xapi.identity.actor_key: 'mbox:mailto:…', 'account:<homePage>::<name>', …; null when absent.
    The JSON operators bind more loosely than IS NULL, hence the parentheses. -#}
{% macro agent_key(agent_json) -%}
    case
        when ({{ agent_json }} ->> '$.mbox') is not null then 'mbox:' || ({{ agent_json }} ->> '$.mbox')
        when ({{ agent_json }} ->> '$.mbox_sha1sum') is not null then 'mbox_sha1sum:' || ({{ agent_json }} ->> '$.mbox_sha1sum')
        when ({{ agent_json }} ->> '$.openid') is not null then 'openid:' || ({{ agent_json }} ->> '$.openid')
        when ({{ agent_json }} -> '$.account') is not null
            then 'account:' || coalesce(({{ agent_json }} ->> '$.account.homePage'), '') || '::' || coalesce(({{ agent_json }} ->> '$.account.name'), '')
    end
{%- endmacro %}

{#- The person an actor belongs to: the roster's employee id, or 'unknown:<actor_key>' for an actor missing from the
    roster (they are people too and count in organisation totals as 'unknown unit'). -#}
{% macro person_id(employee_id, actor_key) -%}
    coalesce({{ employee_id }}, 'unknown:' || {{ actor_key }})
{%- endmacro %}
