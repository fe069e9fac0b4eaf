"""What disclosure control costs the HR explorer: the published groups of a person-week table, and a filtered
unit comparison with and without the check against them.

Run: .venv/bin/python -m bench.disclosure_catalogue [--people 45000] [--weeks 52]
Builds a person-week table shaped like mart_engagement_weekly in memory (departments of
200 people, teams of 50 each with a manager, four locations, six job roles, five segments),
then prints the seconds for dashboards.privacy.catalogue (once per certified snapshot and
k in a dashboard process) and for a unit comparison by team within one department,
unrestricted (HR analysts) and checked (every other role), with their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboards import privacy

DIMENSIONS = ("department", "team", "manager_id", "job_role", "location")
MEASURES = {
    "headcount": "count(DISTINCT employee_id)",
    "avg_engagement_index": "round(avg(engagement_index), 1)",
    "learning_minutes": "round(sum(learning_minutes), 0)",
}


def person_weeks(con: duckdb.DuckDBPyConnection, people: int, weeks: int) -> privacy.Microdata:
    con.execute(f"""
        CREATE TABLE person_weeks AS
        WITH staff AS (
            SELECT i, 'D' || (i // 200) AS department, 'T' || (i // 50) AS team, 'M' || (i // 50) AS manager_id,
                   ['Amsterdam', 'Rotterdam', 'Utrecht', 'Remote'][1 + (hash(i) % 4)::INTEGER] AS location,
                   ['Engineer', 'Analyst', 'Specialist', 'Team lead', 'Account executive', 'HR partner']
                       [1 + (hash(i * 7) % 6)::INTEGER] AS job_role
            FROM range({people}) t(i)
        )
        SELECT 'E' || i AS employee_id, DATE '2026-01-05' + (7 * w)::INTEGER AS week_start, department, team,
               manager_id, job_role, location, (hash(i, w) % 100)::DOUBLE AS engagement_index,
               (hash(w, i) % 300)::DOUBLE AS learning_minutes,
               ['active', 'inactive', 'highly_engaged', 'disengaging', 'struggling']
                   [1 + (hash(i, w, 3) % 5)::INTEGER] AS engagement_segment
        FROM staff, range({weeks}) t(w)
    """)
    return privacy.Microdata("person_weeks", "employee_id", "week_start", DIMENSIONS, "engagement_segment")


def timed(action, rounds: int = 1) -> float:
    took = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        took.append(time.perf_counter() - started)
    return statistics.median(took)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=45_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    con = duckdb.connect()
    source = person_weeks(con, args.people, args.weeks)
    published = []
    once = timed(lambda: published.append(privacy.catalogue(con, source, args.k)))
    compare = {"by": "team", "filters": (("department", ("D1",)),), "measures": MEASURES}
    free = timed(lambda: privacy.aggregate(con, source, None, **compare), rounds=5)
    checked = timed(lambda: privacy.aggregate(con, source, published[0], **compare), rounds=5)
    print(f"{args.people:,} people x {args.weeks} weeks = {args.people * args.weeks:,} person-weeks, k={args.k}")
    print(f"published groups: {len(published[0]):,}, found in {once:.2f} s (once per snapshot)")
    print(
        f"unit comparison: unrestricted {free * 1000:.0f} ms, checked {checked * 1000:.0f} ms (x{checked / free:.2f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
