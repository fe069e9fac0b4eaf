-- Within a day's group the first statement cannot come after the last one, and both fall on activity_date
-- (UTC): the first at or after the day's start, the last before the next day's (no per-row time-zone conversion).
select *
from {{ ref('mart_daily_activity') }}
where first_statement_at > last_statement_at
   or first_statement_at < timezone('UTC', cast(activity_date as timestamp))
   or last_statement_at >= timezone('UTC', cast(activity_date as timestamp) + interval 1 day)
