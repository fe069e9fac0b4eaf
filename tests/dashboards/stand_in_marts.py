"""SQL for contract-shaped stand-ins of the marts still being written (see tests/dashboards/org_lake.py).

Each one is computed from the lake's raw statements and latest roster import, so its
numbers follow the generated organisation; the tests compare what the pages show with
whatever lake.marts holds, stand-in or real. Order matters: later ones read earlier ones.
"""

from __future__ import annotations

from dashboards.deep_dives import SUB_SCORES

K = 5  # the contract's default privacy_k, as the marts' own is_suppressed uses it

_EVENTS = """
    WITH latest_import AS (SELECT import_id FROM lake.raw.roster_imports ORDER BY imported_at DESC LIMIT 1),
    people AS (SELECT r.* FROM lake.raw.roster r JOIN latest_import USING (import_id)),
    ids AS (SELECT i.actor_key, i.employee_id FROM lake.raw.roster_identities i JOIN latest_import USING (import_id)),
    events AS (
        SELECT ids.employee_id, s.statement_timestamp AS event_at, CAST(s.statement_timestamp AS DATE) AS day,
               CAST(date_trunc('week', s.statement_timestamp) AS DATE) AS week_start, s.verb_id,
               json_extract_string(s.payload, '$.object.definition.type') AS activity_type
        FROM lake.raw.statements s JOIN ids USING (actor_key)
    )
"""

ENGAGEMENT_WEEKLY = (
    _EVENTS
    + """,
    weeks AS (SELECT DISTINCT week_start FROM events),
    grid AS (
        SELECT p.employee_id, p.department, p.team, p.manager_id, p.job_role, p.location, w.week_start
        FROM people p CROSS JOIN weeks w
        WHERE coalesce(p.hire_date, DATE '1900-01-01') <= w.week_start + 6
          AND (p.termination_date IS NULL OR p.termination_date > w.week_start)
    ),
    counts AS (
        SELECT employee_id, week_start, count(DISTINCT day) AS active_days, count(*) * 2.5 AS learning_minutes,
               count(*) FILTER (WHERE verb_id LIKE '%completed' OR verb_id LIKE '%passed') AS completions,
               count(DISTINCT activity_type) AS breadth,
               count(*) FILTER (WHERE regexp_matches(verb_id, 'posted|replied|commented|shared')) AS social_actions
        FROM events GROUP BY employee_id, week_start
    ),
    joined AS (
        SELECT g.*, coalesce(c.active_days, 0) AS active_days, coalesce(c.learning_minutes, 0) AS learning_minutes,
               coalesce(c.completions, 0) AS completions, coalesce(c.breadth, 0) AS breadth,
               coalesce(c.social_actions, 0) AS social_actions
        FROM grid g LEFT JOIN counts c USING (employee_id, week_start)
    ),
    scored AS (
        SELECT *, round(100 * percent_rank() OVER (ORDER BY active_days + completions + breadth + social_actions), 1)
                  AS engagement_index
        FROM joined
    )
    SELECT *, CASE WHEN active_days = 0 THEN 'inactive' WHEN engagement_index >= 85 THEN 'highly_engaged'
                   WHEN engagement_index < 30 THEN 'disengaging' ELSE 'active' END AS engagement_segment
    FROM scored
"""
)

_UNIT_WEEK = """
    SELECT '{level}' AS unit_level, {unit} AS unit_name, week_start, count(DISTINCT employee_id) AS headcount,
           count(DISTINCT employee_id) FILTER (WHERE active_days > 0) AS active_learners,
           round(avg(engagement_index), 1) AS avg_engagement_index,
           count(*) FILTER (WHERE engagement_segment = 'highly_engaged') AS highly_engaged_count,
           count(*) FILTER (WHERE engagement_segment = 'inactive') AS inactive_count
    FROM lake.marts.mart_engagement_weekly GROUP BY ALL
"""
ENGAGEMENT_UNIT_WEEKLY = f"""
    WITH units AS (
        {_UNIT_WEEK.format(level="organisation", unit="'organisation'")}
        UNION ALL {_UNIT_WEEK.format(level="department", unit="department")}
        UNION ALL {_UNIT_WEEK.format(level="team", unit="team")}
    )
    SELECT unit_level, unit_name, week_start, headcount,
           CASE WHEN headcount >= {K} THEN active_learners END AS active_learners,
           CASE WHEN headcount >= {K} THEN avg_engagement_index END AS avg_engagement_index,
           CASE WHEN headcount >= {K} THEN highly_engaged_count END AS highly_engaged_count,
           CASE WHEN headcount >= {K} THEN inactive_count END AS inactive_count,
           headcount < {K} AS is_suppressed
    FROM units
"""

# Per person and period: did they show each sub-score's behaviour at all (a crude but checkable proxy).
_FLAGS = """
    bool_or(TRUE) AS t1_continuous_learning,
    bool_or(regexp_matches(verb_id, 'registered|was-assigned|defined')) AS t2_development_facilitated,
    bool_or(verb_id LIKE '%failed') AS t3_mistakes_as_learning,
    bool_or(verb_id LIKE '%mentored') AS t4_leadership_active,
    count(DISTINCT activity_type) >= 3 AS t5_diverse_resources,
    bool_or(verb_id LIKE '%played') AS l1_microlearning,
    bool_or(verb_id LIKE '%earned') AS l2_gamification,
    bool_or(verb_id LIKE '%progressed') AS l3_personalised_paths,
    bool_or(regexp_matches(verb_id, 'posted|replied')) AS l4_social_learning,
    bool_or(verb_id LIKE '%defined') AS l5_tied_to_performance
"""
SCORES = SUB_SCORES
_SHARES = ",\n".join(
    f"round(100.0 * count(*) FILTER (WHERE coalesce(f.{s}, FALSE)) / count(*), 1) AS {s}" for s in SCORES
)
_MEAN = " + ".join(SCORES)

LCI_UNIT_QUARTER = (
    _EVENTS
    + f""",
    flags AS (SELECT employee_id, CAST(date_trunc('quarter', event_at) AS DATE) AS quarter_start, {_FLAGS}
              FROM events GROUP BY ALL),
    quarters AS (SELECT DISTINCT quarter_start FROM flags),
    grid AS (SELECT p.employee_id, p.department, p.team, q.quarter_start FROM people p CROSS JOIN quarters q),
    units AS (
        SELECT CASE WHEN grouping(department) = 0 THEN 'department' WHEN grouping(team) = 0 THEN 'team'
                    ELSE 'organisation' END AS unit_level,
               coalesce(department, team, 'organisation') AS unit_name, g.quarter_start, count(*) AS headcount,
               {_SHARES}
        FROM grid g LEFT JOIN flags f USING (employee_id, quarter_start)
        GROUP BY GROUPING SETS ((g.quarter_start), (g.quarter_start, department), (g.quarter_start, team))
    )
    SELECT unit_level, unit_name, quarter_start, headcount,
           {", ".join(f"CASE WHEN headcount >= {K} THEN {s} END AS {s}" for s in SCORES)},
           CASE WHEN headcount >= {K} THEN round(({_MEAN}) / 10, 1) END AS lci,
           headcount < {K} AS is_suppressed
    FROM units
"""
)

LCI_ORG_MONTH = (
    _EVENTS
    + f""",
    flags AS (SELECT employee_id, CAST(date_trunc('month', event_at) AS DATE) AS month_start, {_FLAGS}
              FROM events GROUP BY ALL),
    months AS (SELECT DISTINCT month_start FROM flags),
    grid AS (SELECT p.employee_id, m.month_start FROM people p CROSS JOIN months m),
    org AS (
        SELECT g.month_start, count(*) AS headcount,
               {_SHARES}
        FROM grid g LEFT JOIN flags f USING (employee_id, month_start) GROUP BY g.month_start
    )
    SELECT month_start, {", ".join(SCORES)}, round(({_MEAN}) / 10, 1) AS lci,
           round(({_MEAN}) / 10 - lag(({_MEAN}) / 10) OVER (ORDER BY month_start), 1) AS lci_change
    FROM org
"""
)

RETENTION_FEATURES = (
    _EVENTS
    + """,
    snapshots AS (SELECT DISTINCT last_day(event_at) AS snapshot_date FROM events),
    grid AS (
        SELECT p.employee_id, s.snapshot_date, p.department, p.team, p.manager_id, p.job_role, p.location,
               p.termination_date IS NULL OR p.termination_date > s.snapshot_date AS is_employed_at_snapshot,
               p.termination_date, p.exit_voluntary
        FROM people p CROSS JOIN snapshots s
    )
    SELECT g.employee_id, g.snapshot_date, g.department, g.team, g.manager_id, g.job_role, g.location,
           g.is_employed_at_snapshot,
           g.snapshot_date - max(e.day) AS days_since_last_statement,
           count(e.day) FILTER (WHERE e.verb_id LIKE '%failed') AS failed_not_retried,
           count(e.day) FILTER (WHERE regexp_matches(e.verb_id, 'posted|replied')) = 0 AS zero_social
    FROM grid g LEFT JOIN events e ON e.employee_id = g.employee_id AND e.day <= g.snapshot_date
    GROUP BY g.employee_id, g.snapshot_date, g.department, g.team, g.manager_id, g.job_role, g.location,
             g.is_employed_at_snapshot
"""
)

RETENTION_SCORES = """
    WITH scored AS (
        SELECT employee_id, snapshot_date,
               least(1.0, coalesce(days_since_last_statement, 90) / 45.0) AS risk_score,
               days_since_last_statement, zero_social, failed_not_retried
        FROM lake.marts.mart_retention_features WHERE is_employed_at_snapshot
    )
    SELECT employee_id, snapshot_date, round(risk_score, 3) AS risk_score,
           CASE WHEN risk_score >= 0.6 THEN 'high' WHEN risk_score >= 0.3 THEN 'medium' ELSE 'low' END AS risk_band,
           'No learning for ' || coalesce(days_since_last_statement, 90) || ' days' AS reason_1,
           CASE WHEN zero_social THEN 'No posts or replies' ELSE 'Few social actions' END AS reason_2,
           failed_not_retried || ' failed attempts' AS reason_3,
           '{}'::JSON AS contributions
    FROM scored
"""

SOCIAL_UNIT_QUARTER = (
    _EVENTS
    + f""",
    quarters AS (SELECT DISTINCT CAST(date_trunc('quarter', event_at) AS DATE) AS quarter_start FROM events),
    per_person AS (
        SELECT p.employee_id, p.department, q.quarter_start,
               count(e.event_at) FILTER (WHERE e.verb_id LIKE '%posted') AS posts,
               count(e.event_at) FILTER (WHERE e.verb_id LIKE '%replied') AS replies
        FROM people p CROSS JOIN quarters q
        LEFT JOIN events e ON e.employee_id = p.employee_id
             AND CAST(date_trunc('quarter', e.event_at) AS DATE) = q.quarter_start
        GROUP BY ALL
    )
    SELECT 'department' AS unit_level, department AS unit_name, quarter_start, count(*) AS headcount,
           CASE WHEN count(*) >= {K} THEN sum(posts) END AS posts,
           CASE WHEN count(*) >= {K} THEN sum(replies) END AS replies,
           count(*) < {K} AS is_suppressed
    FROM per_person GROUP BY ALL
"""
)

# Everyone, opted in or not: the dashboards must show only those whose roster says they opted in.
GAMIFICATION_LEADERBOARD = (
    _EVENTS
    + """
    SELECT employee_id, count(*) AS badges_earned, max(day) AS last_badge_date
    FROM events WHERE verb_id LIKE '%earned' GROUP BY employee_id
"""
)

STAND_INS = (
    ("mart_engagement_weekly", ENGAGEMENT_WEEKLY),
    ("mart_engagement_unit_weekly", ENGAGEMENT_UNIT_WEEKLY),
    ("mart_lci_unit_quarter", LCI_UNIT_QUARTER),
    ("mart_lci_org_month", LCI_ORG_MONTH),
    ("mart_retention_features", RETENTION_FEATURES),
    ("retention_scores", RETENTION_SCORES),
    ("mart_social_unit_quarter", SOCIAL_UNIT_QUARTER),
    ("mart_gamification_leaderboard", GAMIFICATION_LEADERBOARD),
)
