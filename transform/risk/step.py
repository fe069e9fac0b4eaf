"""The transform's retention step: train, validate and score from the warehouse, and write the two risk marts."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import duckdb
import pandas as pd

from leerstroom.settings import Settings
from transform.risk.features import features_present, read_features
from transform.risk.model import (
    LEAKAGE_AUC, NotTrainable, evaluate, explain, fit, labelled_rows, risk_bands, time_split,
)

log = logging.getLogger(__name__)

SCORES, METRICS = "retention_scores", "retention_model_metrics"
RISK_TABLES = (SCORES, METRICS)
GENERATED_DATA_NOTE = ("On generated data these figures only show that the model recovers the generator's "
                       "signal; they say nothing about real people.")


@dataclass
class RiskOutcome:
    tables: list[str] = field(default_factory=list)  # written into the warehouse's marts, to be published
    metrics: dict | None = None
    lines: list[str] = field(default_factory=list)


def _drop(warehouse: duckdb.DuckDBPyConnection, names: tuple[str, ...]) -> None:
    for name in names:
        warehouse.execute(f"DROP TABLE IF EXISTS marts.{name}")


def _write(warehouse: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    warehouse.register("risk_frame", frame)
    try:
        warehouse.execute(f"CREATE OR REPLACE TABLE marts.{name} AS SELECT * FROM risk_frame")
    finally:
        warehouse.unregister("risk_frame")


def _scores(features: pd.DataFrame, labelled: pd.DataFrame) -> pd.DataFrame:
    """Scores for the latest snapshot of everyone still employed, from a model refitted on every labelled row."""
    latest = features[features["snapshot_date"] == features["snapshot_date"].max()]
    latest = latest[latest["is_employed_at_snapshot"].fillna(False).astype(bool)].reset_index(drop=True)
    fitted = fit(labelled)
    probabilities = fitted.probability(latest) if len(latest) else []
    contributions, reasons = explain(fitted, latest)
    return pd.DataFrame({
        "employee_id": latest["employee_id"],
        "snapshot_date": latest["snapshot_date"].dt.date,
        "risk_score": pd.Series(probabilities, dtype="float64"),
        "risk_band": risk_bands(probabilities) if len(latest) else [],
        "reason_1": [r[0] for r in reasons],
        "reason_2": [r[1] for r in reasons],
        "reason_3": [r[2] for r in reasons],
        "contributions": [json.dumps(c, sort_keys=True) for c in contributions],
    })


def _metrics_row(trained_at: datetime, metrics: dict, split_note: str) -> pd.DataFrame:
    row = {"trained_at": trained_at, "train_cutoff": metrics.get("train_cutoff"),
           "train_rows": metrics.get("train_rows", 0), "test_rows": metrics.get("test_rows", 0),
           "base_rate": metrics.get("base_rate"), "roc_auc": metrics.get("roc_auc"), "pr_auc": metrics.get("pr_auc"),
           "brier": metrics.get("brier"), "precision_top10": metrics.get("precision_top10"),
           "leakage_audit": bool(metrics.get("roc_auc") and metrics["roc_auc"] > LEAKAGE_AUC),
           "note": f"{split_note} {GENERATED_DATA_NOTE}".strip()}
    frame = pd.DataFrame([row])
    for column in ("base_rate", "roc_auc", "pr_auc", "brier", "precision_top10"):
        frame[column] = frame[column].astype("float64")
    frame["train_cutoff"] = pd.to_datetime(frame["train_cutoff"]).dt.date
    return frame


def describe(metrics: dict) -> list[str]:
    """The figures as `leerstroom transform` prints them."""
    lines = [
        f"retention model: hold-out ROC-AUC {metrics['roc_auc']:.3f}, PR-AUC {metrics['pr_auc']:.3f} "
        f"(base rate {metrics['base_rate']:.3f}), Brier {metrics['brier']:.3f}, precision among the top 10% "
        f"{metrics['precision_top10']:.3f}; trained on {metrics['train_rows']} snapshots before "
        f"{metrics['train_cutoff']}, tested on {metrics['test_rows']} from it on",
        f"retention model: {GENERATED_DATA_NOTE}",
    ]
    if metrics["roc_auc"] > LEAKAGE_AUC:
        lines.append(f"retention model: WARNING leakage audit needed: hold-out ROC-AUC {metrics['roc_auc']:.3f} is "
                     f"above {LEAKAGE_AUC}; check that every feature uses only statements stored up to its "
                     "snapshot and that no HR attribute records the exit itself")
    return lines


def run_risk_step(settings: Settings, progress: Callable[[str], None] | None = None) -> RiskOutcome:
    """Write marts.retention_scores and marts.retention_model_metrics into the warehouse (or remove them)."""
    outcome = RiskOutcome()
    with duckdb.connect(str(settings.warehouse_db)) as warehouse:
        if not settings.retention_scoring:
            _drop(warehouse, RISK_TABLES)
            outcome.lines.append("retention model: scoring is switched off (retention_scoring=false); "
                                 "no individual score is computed or stored")
        elif not features_present(warehouse):
            _drop(warehouse, RISK_TABLES)
            outcome.lines.append("retention model: marts.mart_retention_features is not built; nothing scored")
        else:
            _train_and_score(warehouse, outcome)
    for line in outcome.lines:
        (progress or log.info)(line)
    return outcome


def _train_and_score(warehouse: duckdb.DuckDBPyConnection, outcome: RiskOutcome) -> None:
    trained_at = datetime.now(timezone.utc)
    features = read_features(warehouse)
    try:
        split = time_split(features)
    except NotTrainable as err:
        _drop(warehouse, (SCORES,))
        _write(warehouse, METRICS, _metrics_row(trained_at, {}, f"Not trained: {err}."))
        outcome.tables = [METRICS]
        outcome.lines.append(f"retention model: not trained: {err}")
        return
    metrics = {**evaluate(fit(split.train), split.test), "train_cutoff": split.cutoff.date(),
               "train_rows": len(split.train), "test_rows": len(split.test)}
    split_note = ("Purged time split: every training label window closed before the cutoff." if split.purged else
                  "Time split by snapshot date; the history is too short for training label windows to close "
                  "before the cutoff, so they overlap the test period.")
    _write(warehouse, SCORES, _scores(features, labelled_rows(features)))
    _write(warehouse, METRICS, _metrics_row(trained_at, metrics, split_note))
    outcome.tables, outcome.metrics = list(RISK_TABLES), metrics
    outcome.lines += describe(metrics)
    outcome.lines.append(f"retention model: {split_note}")
