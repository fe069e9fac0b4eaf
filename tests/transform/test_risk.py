"""The retention model on a features table written into a real warehouse file, as dbt would leave it."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from leerstroom.settings import Settings
from transform.risk import run_risk_step
from transform.risk.features import BY_COLUMN, COLUMNS, LABEL
from transform.risk.model import LABEL_WINDOW

LAST_OBSERVED_HISTORY = 20  # month-ends of history in the default test table


def month_ends(count: int, last: date = date(2026, 10, 31)) -> list[date]:
    ends, current = [], last
    for _ in range(count):
        ends.append(current)
        current = current.replace(day=1) - timedelta(days=1)
    return sorted(ends)


def features_table(employees: int = 400, months: int = LAST_OBSERVED_HISTORY, seed: int = 1,
                   leak: bool = False) -> pd.DataFrame:
    """A noisy signal: fading learning and low satisfaction raise the chance of leaving within 180 days."""
    rng = np.random.default_rng(seed)
    snapshots = month_ends(months)
    newest = snapshots[-1]
    rows = []
    for e in range(employees):
        drift = rng.normal()
        for snap in snapshots:
            risk = -2.6 + 0.9 * drift + rng.normal(0, 0.6)
            leaves = rng.random() < 1 / (1 + math.exp(-risk))
            observed = snap + LABEL_WINDOW <= newest
            rows.append({
                "employee_id": f"E{e:04d}", "snapshot_date": snap, "department": "D", "team": "T",
                "manager_id": None, "job_role": "R", "location": "L", "is_employed_at_snapshot": True,
                "days_since_last_statement": max(0.0, 10 + 12 * drift + rng.normal(0, 10)),
                "engagement_slope": -0.3 * drift + rng.normal(0, 0.5),
                "failed_not_retried": float(rng.poisson(1 + max(0.0, drift))),
                "goals_open": float(rng.poisson(1)), "path_stalled": bool(rng.random() < 0.3),
                "zero_social": bool(rng.random() < 0.4), "manager_touchpoints": float(rng.poisson(3)),
                "badges_90d": float(rng.poisson(1)), "tenure_days": float(rng.integers(60, 3000)),
                "days_since_promotion": None if rng.random() < 0.2 else float(rng.integers(30, 2000)),
                "overtime_hours": float(rng.gamma(2, 4)),
                "satisfaction": (5.0 if not leaves else 1.0) if leak else float(np.clip(3.5 - 0.5 * drift
                                                                                         + rng.normal(0, 0.8), 1, 5)),
                LABEL: leaves if observed else None, "label_observed": observed,
            })
    return pd.DataFrame(rows)


def write_features(settings: Settings, frame: pd.DataFrame) -> None:
    settings.warehouse_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.warehouse_db)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts")
        con.register("f", frame)
        con.execute("CREATE OR REPLACE TABLE marts.mart_retention_features AS "
                    "SELECT * REPLACE (snapshot_date::DATE AS snapshot_date) FROM f")


def warehouse(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
        return con.execute(sql).fetchall()


def marts(settings: Settings) -> set[str]:
    return {r[0] for r in warehouse(settings, "SELECT table_name FROM information_schema.tables "
                                              "WHERE table_schema = 'marts'")}


@pytest.fixture
def trained(settings: Settings):
    write_features(settings, features_table())
    lines: list[str] = []
    outcome = run_risk_step(settings, lines.append)
    return settings, outcome, lines


def test_hold_out_figures_are_stored_printed_and_say_they_only_recover_the_generator(trained) -> None:
    settings, outcome, lines = trained
    (row,) = warehouse(settings, "SELECT train_rows, test_rows, base_rate, roc_auc, pr_auc, brier, precision_top10, "
                                 "note, leakage_audit FROM marts.retention_model_metrics")
    train_rows, test_rows, base_rate, roc_auc, pr_auc, brier, top10, note, leakage = row

    assert outcome.tables == ["retention_scores", "retention_model_metrics"]
    assert train_rows > 0 and test_rows > 0
    # The signal is real but noisy: clearly better than chance, far from perfect, and no leakage alarm.
    assert 0.65 < roc_auc < 0.9 and not leakage
    assert pr_auc > base_rate and top10 > base_rate
    assert 0 < brier < base_rate
    assert "only show that the model recovers the generator's signal" in note
    printed = "\n".join(lines)
    assert f"ROC-AUC {roc_auc:.3f}" in printed and f"(base rate {base_rate:.3f})" in printed
    assert "recovers the generator's signal" in printed and "WARNING" not in printed


def test_split_is_purged_in_time_training_labels_close_before_the_cutoff(trained) -> None:
    settings, _, lines = trained
    (cutoff,) = warehouse(settings, "SELECT train_cutoff FROM marts.retention_model_metrics")[0]
    snapshots = month_ends(LAST_OBSERVED_HISTORY)
    observed = [s for s in snapshots if s + LABEL_WINDOW <= snapshots[-1]]
    train = [s for s in observed if s + LABEL_WINDOW < cutoff]
    test = [s for s in observed if s >= cutoff]

    (train_rows, test_rows), = warehouse(settings, "SELECT train_rows, test_rows FROM marts.retention_model_metrics")
    assert train and test
    assert (train_rows, test_rows) == (400 * len(train), 400 * len(test))
    assert any("Purged time split" in line for line in lines)


def test_latest_snapshot_of_each_employed_person_is_scored_with_three_reasons(trained) -> None:
    settings, _, _ = trained
    scores = warehouse(settings, "SELECT employee_id, snapshot_date, risk_score, risk_band, reason_1, reason_2, "
                                 "reason_3, contributions FROM marts.retention_scores ORDER BY risk_score DESC")

    assert len(scores) == 400 and {s[1] for s in scores} == {month_ends(LAST_OBSERVED_HISTORY)[-1]}
    assert all(0 < s[2] < 1 for s in scores)
    assert [s[3] for s in scores[:40]] == ["high"] * 40 and scores[40][3] == "medium" and scores[-1][3] == "low"
    riskiest = scores[0]
    assert all(isinstance(reason, str) and reason for reason in riskiest[4:7])
    contributions = json.loads(riskiest[7])
    assert set(contributions) == set(COLUMNS)
    # The first reason names the feature with the largest contribution to the riskiest person's score.
    top = max(contributions, key=contributions.get)
    phrasings = {text.split("{")[0] for text in (BY_COLUMN[top].when_high, BY_COLUMN[top].when_low)}
    assert contributions[top] > 0 and any(riskiest[4].startswith(p) for p in phrasings)


def test_same_data_gives_the_same_scores(settings: Settings) -> None:
    write_features(settings, features_table())
    run_risk_step(settings)
    first = warehouse(settings, "SELECT * FROM marts.retention_scores ORDER BY employee_id")
    run_risk_step(settings)

    assert warehouse(settings, "SELECT * FROM marts.retention_scores ORDER BY employee_id") == first


def test_a_leaking_feature_triggers_the_leakage_audit_warning(settings: Settings) -> None:
    write_features(settings, features_table(leak=True))
    lines: list[str] = []
    run_risk_step(settings, lines.append)

    (auc, audit), = warehouse(settings, "SELECT roc_auc, leakage_audit FROM marts.retention_model_metrics")
    assert auc > 0.95 and audit
    assert any("WARNING leakage audit" in line for line in lines)


def test_switched_off_scoring_computes_nothing_and_removes_earlier_scores(settings: Settings,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    write_features(settings, features_table(employees=120))
    run_risk_step(settings)
    assert {"retention_scores", "retention_model_metrics"} <= marts(settings)

    monkeypatch.setenv("LEERSTROOM_RETENTION_SCORING", "false")
    off = Settings(data_dir=settings.data_dir)
    lines: list[str] = []
    outcome = run_risk_step(off, lines.append)

    assert outcome.tables == [] and outcome.metrics is None
    assert marts(settings) == {"mart_retention_features"}
    assert any("scoring is switched off" in line for line in lines)


def test_short_history_is_not_trained_and_says_why(settings: Settings) -> None:
    write_features(settings, features_table(employees=50, months=3))
    lines: list[str] = []
    outcome = run_risk_step(settings, lines.append)

    assert outcome.tables == ["retention_model_metrics"]
    (note, auc), = warehouse(settings, "SELECT note, roc_auc FROM marts.retention_model_metrics")
    assert note.startswith("Not trained: labelled snapshots on 0 dates") and auc is None
    assert "retention_scores" not in marts(settings)


def test_without_the_features_mart_nothing_is_written(settings: Settings) -> None:
    settings.warehouse_db.parent.mkdir(parents=True)
    lines: list[str] = []

    assert run_risk_step(settings, lines.append).tables == []
    assert "mart_retention_features is not built" in lines[0]
