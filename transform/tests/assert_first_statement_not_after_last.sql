-- Within a day's group the first statement cannot come after the last one, and both fall on activity_date.
select *
from {{ ref('mart_daily_activity') }}
where first_statement_at > last_statement_at
   or cast(timezone('UTC', first_statement_at) as date) <> activity_date
   or cast(timezone('UTC', last_statement_at) as date) <> activity_date
