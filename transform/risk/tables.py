"""The retention model's tables in the warehouse's marts (published with the other marts of a certified run).

Each table has a fixed schema, so a value that is absent in one run (no cutoff, no scores) is a typed NULL and the
dashboards always read the same columns.
"""

from __future__ import annotations

import duckdb
import pandas as pd

SCORES = "retention_scores"
METRICS = "retention_model_metrics"
BACKTEST = "retention_backtest"
CALIBRATION = "retention_calibration"
DEPARTMENTS = "retention_department_exits"
EFFECTS = "retention_feature_effects"
RISK_TABLES = (SCORES, METRICS, BACKTEST, CALIBRATION, DEPARTMENTS, EFFECTS)

_FIGURES = {
    "rows": "INTEGER",
    "people": "INTEGER",
    "exits": "INTEGER",
    "base_rate": "DOUBLE",
    **{f"{name}{part}": "DOUBLE" for name in ("roc_auc", "pr_auc", "brier") for part in ("", "_low", "_high")},
    "brier_reference": "DOUBLE",
    "brier_skill": "DOUBLE",
    "brier_skill_low": "DOUBLE",
    "brier_skill_high": "DOUBLE",
    "precision_top10": "DOUBLE",
    "expected_exits": "DOUBLE",
    "bootstrap_replicates": "INTEGER",
}
SCHEMAS: dict[str, dict[str, str]] = {
    SCORES: {
        "employee_id": "VARCHAR",
        "snapshot_date": "DATE",
        "risk_score": "DOUBLE",
        "relative_risk": "DOUBLE",
        "risk_band": "VARCHAR",
        "reason_1": "VARCHAR",
        "reason_2": "VARCHAR",
        "reason_3": "VARCHAR",
        "contributions": "VARCHAR",
    },
    METRICS: {
        "trained_at": "TIMESTAMPTZ",
        "status": "VARCHAR",
        "note": "VARCHAR",
        "caveat": "VARCHAR",
        "first_snapshot_date": "DATE",
        "last_snapshot_date": "DATE",
        "first_labelled_date": "DATE",
        "last_labelled_date": "DATE",
        "hr_records_from": "TIMESTAMPTZ",
        "hr_records_until": "TIMESTAMPTZ",
        "snapshots": "INTEGER",
        "snapshots_with_hr_record": "INTEGER",
        "labelled_rows": "INTEGER",
        "labelled_people": "INTEGER",
        "labelled_exits": "INTEGER",
        "base_rate": "DOUBLE",
        "cutoffs": "INTEGER",
        "first_cutoff": "DATE",
        "last_cutoff": "DATE",
        "person_groups": "INTEGER",
        "calibration_intercept": "DOUBLE",
        "calibration_slope": "DOUBLE",
        "high_ratio": "DOUBLE",
        "medium_ratio": "DOUBLE",
        "scored_snapshot_date": "DATE",
        "scored_people": "INTEGER",
        "high_band_people": "INTEGER",
        "medium_band_people": "INTEGER",
        "leakage_audit": "BOOLEAN",
        "leakage_reason": "VARCHAR",
    },
    BACKTEST: {
        "scope": "VARCHAR",
        "cutoff_date": "DATE",
        "train_start": "DATE",
        "train_end": "DATE",
        "train_rows": "INTEGER",
        "train_people": "INTEGER",
        "train_exits": "INTEGER",
        **_FIGURES,
    },
    CALIBRATION: {
        "scope": "VARCHAR",
        "cutoff_date": "DATE",
        "decile": "INTEGER",
        "rows": "INTEGER",
        "mean_predicted": "DOUBLE",
        "observed_rate": "DOUBLE",
        "exits": "INTEGER",
        "expected_exits": "DOUBLE",
    },
    DEPARTMENTS: {
        "scope": "VARCHAR",
        "cutoff_date": "DATE",
        "department": "VARCHAR",
        "people": "INTEGER",
        "snapshots": "INTEGER",
        "expected_exits": "DOUBLE",
        "actual_exits": "INTEGER",
    },
    EFFECTS: {
        "term": "VARCHAR",
        "feature": "VARCHAR",
        "is_missing_indicator": "BOOLEAN",
        "description": "VARCHAR",
        "coefficient": "DOUBLE",
        "odds_ratio_per_sd": "DOUBLE",
        "coefficient_min": "DOUBLE",
        "coefficient_max": "DOUBLE",
        "mean_abs_contribution": "DOUBLE",
        "share_among_reasons": "DOUBLE",
        "share_unknown": "DOUBLE",
        "single_feature_auc": "DOUBLE",
    },
}


def drop(warehouse: duckdb.DuckDBPyConnection, names: tuple[str, ...]) -> None:
    for name in names:
        warehouse.execute(f"DROP TABLE IF EXISTS marts.{name}")


def write(warehouse: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    """Replace marts.<name> with `frame`, every column cast to the table's schema (absent columns as NULL)."""
    schema = SCHEMAS[name]
    unknown = set(frame.columns) - set(schema)
    if unknown:
        raise ValueError(f"{name}: columns {sorted(unknown)} are not in its schema")
    selected = ", ".join(
        (f'CAST("{column}" AS {kind})' if column in frame.columns else f"CAST(NULL AS {kind})") + f' AS "{column}"'
        for column, kind in schema.items()
    )
    warehouse.register("risk_frame", frame)
    try:
        warehouse.execute(f"CREATE OR REPLACE TABLE marts.{name} AS SELECT {selected} FROM risk_frame")
    finally:
        warehouse.unregister("risk_frame")
