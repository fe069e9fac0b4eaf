"""A retention features table as dbt would leave it in the warehouse, simulated month by month with a known signal.

People are hired over time and leave at a monthly hazard that rises with a hidden drift; as
the mart does, a person has snapshots only while employed, and the label says whether they
left voluntarily within 180 days. Fading learning and low satisfaction go with the drift,
noisily. HR attributes come from a roster first imported `hr_from` months into the history:
before that they are unknown (no roster version in force), as in the mart.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone

import duckdb
import numpy as np
import pandas as pd

from leerstroom.settings import Settings

LABEL = "label_voluntary_exit_180d"
NEWEST = date(2026, 10, 31)


def month_ends(count: int, last: date = NEWEST) -> list[date]:
    ends, current = [], last
    for _ in range(count):
        ends.append(current)
        current = current.replace(day=1) - timedelta(days=1)
    return sorted(ends)


def features_table(
    employees: int = 500,
    months: int = 24,
    seed: int = 1,
    signal: float = 1.0,
    hr_from: int = 3,
    leak: bool = False,
    never_learner_risk: float = 1.0,
) -> pd.DataFrame:
    """`leak`: satisfaction is recorded from the future (1 for people about to leave, 5 for the rest).
    `never_learner_risk`: how many times more likely to leave people are who never learn (8 % of them)."""
    rng = np.random.default_rng(seed)
    snapshots = month_ends(months)
    newest = snapshots[-1]
    departments = ["Engineering", "Sales", "Customer Success", "Finance"]
    rows = []
    for e in range(employees):
        drift = rng.normal()
        never_learns = rng.random() < 0.08
        hazard = (never_learner_risk if never_learns else 1.0) / (1 + math.exp(-(-4.7 + 0.9 * signal * drift)))
        hired = int(rng.integers(-months, months - 2))
        leaves_after = next((m for m in range(max(0, hired), months + 7) if rng.random() < hazard), None)
        termination = None
        if leaves_after is not None:
            base = snapshots[0] + timedelta(days=30 * leaves_after + int(rng.integers(1, 28)))
            termination = base
        department = departments[e % len(departments)]
        satisfaction = float(np.clip(3.6 - 0.5 * signal * drift + rng.normal(0, 0.8), 1, 5))
        for m, snap in enumerate(snapshots):
            if m < hired or (termination is not None and termination <= snap):
                continue
            leaves = termination is not None and termination <= snap + timedelta(days=180)
            observed = snap + timedelta(days=180) <= newest
            closing = 0.0 if termination is None else max(0.0, 1 - (termination - snap).days / 240)
            known_hr = m >= hr_from
            rows.append(
                {
                    "employee_id": f"E{e:04d}",
                    "snapshot_date": snap,
                    "department": department,
                    "team": "T",
                    "manager_id": None,
                    "job_role": "R",
                    "location": "L",
                    "is_employed_at_snapshot": True,
                    "hr_record_imported_at": (datetime(2024, 1, 1, tzinfo=timezone.utc) if known_hr else None),
                    "days_since_last_statement": None
                    if never_learns
                    else float(max(0.0, 12 + 6 * signal * drift + 15 * signal * closing + rng.normal(0, 10))),
                    "engagement_slope": float(-0.3 * signal * drift + rng.normal(0, 0.5)),
                    "failed_not_retried": float(rng.poisson(1 + max(0.0, signal * drift))),
                    "goals_open": float(rng.poisson(1)),
                    "path_stalled": bool(rng.random() < 0.3),
                    "zero_social": bool(rng.random() < 0.4),
                    "manager_touchpoints": float(rng.poisson(3)),
                    "badges_90d": float(rng.poisson(1)),
                    "tenure_days": float(30 * (m - hired) + 45),
                    "days_since_promotion": float(rng.integers(30, 2000)) if known_hr and rng.random() < 0.8 else None,
                    "overtime_hours": float(rng.gamma(2, 4)) if known_hr else None,
                    "satisfaction": ((1.0 if leaves else 5.0) if leak else satisfaction) if known_hr else None,
                    LABEL: leaves if observed else None,
                    "label_observed": observed,
                }
            )
    return pd.DataFrame(rows)


def write_features(settings: Settings, frame: pd.DataFrame) -> None:
    settings.warehouse_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.warehouse_db)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts")
        con.register("f", frame)
        con.execute(
            "CREATE OR REPLACE TABLE marts.mart_retention_features AS "
            "SELECT * REPLACE (snapshot_date::DATE AS snapshot_date, "
            "hr_record_imported_at::TIMESTAMPTZ AS hr_record_imported_at) FROM f"
        )
