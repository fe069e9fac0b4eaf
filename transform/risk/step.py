"""The transform's retention step: backtest, train and score from the warehouse, and write the risk marts.

Individual scores are written only when the backtest could estimate how good they are
(enough history for several purged cutoffs) and nothing suggests leakage; otherwise the
model tables say why, and no person gets a score.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import duckdb
import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from leerstroom.settings import Settings
from transform.risk.backtest import PERSON_GROUPS, Backtest, TooShort, labelled_rows, run_backtest
from transform.risk.evaluation import single_feature_auc
from transform.risk.features import LABEL, features_present, indicator, plain_name, read_features
from transform.risk.model import (
    HIGH_RATIO,
    MEDIUM_RATIO,
    Explanation,
    FittedModel,
    Recalibration,
    explain,
    fit,
    recalibrate,
    risk_band,
)
from transform.risk.report import (
    GENERATED_DATA_NOTE,
    POOLED,
    assess,
    band_counts,
    bands_line,
    describe,
    leakage_findings,
)
from transform.risk.tables import (
    BACKTEST,
    CALIBRATION,
    DEPARTMENTS,
    EFFECTS,
    METRICS,
    RISK_TABLES,
    SCORES,
    drop,
    write,
)

log = logging.getLogger(__name__)


@dataclass
class RiskOutcome:
    tables: list[str] = field(default_factory=list)  # written into the warehouse's marts, to be published
    status: str | None = None  # 'validated', 'too_short', 'leakage_suspected'; None when nothing was trained
    lines: list[str] = field(default_factory=list)


def run_risk_step(settings: Settings, progress: Callable[[str], None] | None = None) -> RiskOutcome:
    """Write the retention tables into the warehouse's marts (or remove them), and say what happened."""
    outcome = RiskOutcome()
    with duckdb.connect(str(settings.warehouse_db)) as warehouse:
        if not settings.retention_scoring:
            drop(warehouse, RISK_TABLES)
            outcome.lines.append(
                "retention model: scoring is switched off (retention_scoring=false); "
                "no individual score is computed or stored"
            )
        elif not features_present(warehouse):
            drop(warehouse, RISK_TABLES)
            outcome.lines.append("retention model: marts.mart_retention_features is not built; nothing scored")
        else:
            # One BLAS thread: the matrices are narrow, and on a busy machine more threads only wait on each other
            # (a backtest of 30 fits took 9 s with them and under 2 s without).
            with threadpool_limits(limits=1):
                _train_and_score(warehouse, outcome)
    for line in outcome.lines:
        (progress or log.info)(line)
    return outcome


def _date(value: object) -> object:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def data_window(features: pd.DataFrame, labelled: pd.DataFrame) -> dict:
    """What the model saw: the snapshots, the labelled ones, and the roster versions its HR attributes came from."""
    hr = features["hr_record_imported_at"].dropna()
    return {
        "first_snapshot_date": _date(features["snapshot_date"].min()),
        "last_snapshot_date": _date(features["snapshot_date"].max()),
        "first_labelled_date": _date(labelled["snapshot_date"].min()),
        "last_labelled_date": _date(labelled["snapshot_date"].max()),
        "hr_records_from": hr.min() if len(hr) else None,
        "hr_records_until": hr.max() if len(hr) else None,
        "snapshots_with_hr_record": int(features["hr_record_imported_at"].notna().sum()),
        "snapshots": len(features),
        "labelled_rows": len(labelled),
        "labelled_people": int(labelled["employee_id"].nunique()),
        "labelled_exits": int(labelled[LABEL].sum()),
        "base_rate": float(labelled[LABEL].mean()) if len(labelled) else None,
    }


def _train_and_score(warehouse: duckdb.DuckDBPyConnection, outcome: RiskOutcome) -> None:
    trained_at = datetime.now(timezone.utc)
    features = read_features(warehouse)
    labelled = labelled_rows(features)
    window = data_window(features, labelled)
    summary = {
        "trained_at": trained_at,
        **window,
        "person_groups": PERSON_GROUPS,
        "high_ratio": HIGH_RATIO,
        "medium_ratio": MEDIUM_RATIO,
        "caveat": GENERATED_DATA_NOTE,
    }
    try:
        backtest = run_backtest(labelled, fit)
    except TooShort as err:
        note = (
            f"Not validated: {err}. Without an honest estimate of how good it is, the model scores nobody; "
            "it will once the history is long enough."
        )
        drop(warehouse, tuple(name for name in RISK_TABLES if name != METRICS))
        write(warehouse, METRICS, pd.DataFrame([{**summary, "status": "too_short", "note": note}]))
        outcome.tables, outcome.status = [METRICS], "too_short"
        outcome.lines += [f"retention model: {note}", f"retention model: {GENERATED_DATA_NOTE}"]
        return

    assessment = assess(backtest)
    final = fit(labelled)
    recalibration = recalibrate(backtest.predictions["predicted"].to_numpy(), backtest.predictions["label"].to_numpy())
    single = _single_feature_aucs(final, backtest, labelled)
    findings = leakage_findings(assessment.figures[POOLED].roc_auc, single)
    latest = features[features["snapshot_date"] == features["snapshot_date"].max()].reset_index(drop=True)
    scores, explanation = _scores(final, recalibration, latest, window["base_rate"])
    summary |= {
        "cutoffs": len(backtest.cutoffs),
        "first_cutoff": backtest.cutoffs[0].cutoff.date(),
        "last_cutoff": backtest.cutoffs[-1].cutoff.date(),
        "calibration_intercept": recalibration.intercept,
        "calibration_slope": recalibration.slope,
        "leakage_audit": bool(findings),
        "leakage_reason": "; ".join(findings) or None,
    }
    outcome.lines += describe(backtest, assessment)
    outcome.lines.append(
        f"retention model: scores are recalibrated on the backtest's predictions (intercept "
        f"{recalibration.intercept:.3f}, slope {recalibration.slope:.3f}; 0 and 1 would mean no "
        "change)"
    )
    effects = _effects(final, backtest, labelled, explanation, single)
    tables = {
        BACKTEST: assessment.backtest,
        CALIBRATION: assessment.calibration,
        DEPARTMENTS: assessment.departments,
        EFFECTS: effects,
    }
    if findings:
        note = (
            "Leakage audit needed before anyone is scored: " + "; ".join(findings) + ". Check that every "
            "feature uses only what was known by its snapshot and that no HR attribute records the exit itself."
        )
        drop(warehouse, (SCORES,))
        status = "leakage_suspected"
        outcome.lines.append(f"retention model: WARNING {note}")
    else:
        note = (
            "Validated on a rolling-origin backtest: each cutoff trained only on labels that closed before it, "
            "on other people than those it predicts."
        )
        tables[SCORES] = scores
        status = "validated"
        counts = band_counts(scores["risk_band"].tolist())
        summary |= {
            "scored_snapshot_date": _date(latest["snapshot_date"].max()),
            "scored_people": len(scores),
            "high_band_people": counts.get("high", 0),
            "medium_band_people": counts.get("medium", 0),
        }
        outcome.lines.append(bands_line(len(scores), summary["scored_snapshot_date"], window["base_rate"], counts))
    for name, frame in tables.items():
        write(warehouse, name, frame)
    write(warehouse, METRICS, pd.DataFrame([{**summary, "status": status, "note": note}]))
    outcome.tables, outcome.status = [*tables, METRICS], status
    outcome.lines.append(f"retention model: {GENERATED_DATA_NOTE}")


def _scores(
    fitted: FittedModel, recalibration: Recalibration, latest: pd.DataFrame, base_rate: float
) -> tuple[pd.DataFrame, Explanation]:
    """The newest snapshot of everyone employed: calibrated probability, how it compares with the usual rate, why."""
    probabilities = recalibration.apply(fitted.probability(latest))
    explanation = explain(fitted, latest)
    reasons = explanation.reasons
    relative = probabilities / base_rate
    terms = fitted.terms
    frame = pd.DataFrame(
        {
            "employee_id": latest["employee_id"],
            "snapshot_date": latest["snapshot_date"].dt.date,
            "risk_score": pd.Series(probabilities, dtype="float64"),
            "relative_risk": pd.Series(relative, dtype="float64"),
            "risk_band": [risk_band(r) for r in relative],
            "reason_1": [r[0] for r in reasons],
            "reason_2": [r[1] for r in reasons],
            "reason_3": [r[2] for r in reasons],
            "contributions": [
                json.dumps(dict(zip(terms, row)), sort_keys=True)
                for row in np.round(explanation.contributions, 4).tolist()
            ],
        }
    )
    return frame, explanation


def _single_feature_aucs(fitted: FittedModel, backtest: Backtest, labelled: pd.DataFrame) -> dict[str, float | None]:
    """Each term alone on the backtest's test snapshots: a feature recorded after the exit separates (almost)
    perfectly."""
    keys = backtest.predictions[["employee_id", "cutoff"]].rename(columns={"cutoff": "snapshot_date"})
    tested = labelled.merge(keys, on=["employee_id", "snapshot_date"])
    truth = tested[LABEL].astype(int).to_numpy()
    found = {column: single_feature_auc(tested[column].to_numpy(dtype=float), truth) for column in fitted.columns}
    for column in fitted.nullable:
        found[indicator(column)] = single_feature_auc(tested[column].isna().to_numpy(dtype=float), truth)
    return found


def _effects(
    fitted: FittedModel,
    backtest: Backtest,
    labelled: pd.DataFrame,
    explanation: Explanation,
    single: dict[str, float | None],
) -> pd.DataFrame:
    """What each term contributes: its weight per standard deviation, how stable over the cutoffs, how often it
    is among a person's three reasons, and how often its value was unknown."""
    coefficients = fitted.coefficients
    spread = backtest.coefficients.groupby("term")["coefficient"].agg(["min", "max"])
    scored = len(explanation.contributions)
    rows = []
    for position, term in enumerate(fitted.terms):
        feature = term if term in fitted.columns else next(c for c in fitted.nullable if indicator(c) == term)
        rows.append(
            {
                "term": term,
                "feature": feature,
                "is_missing_indicator": term not in fitted.columns,
                "description": plain_name(term),
                "coefficient": float(coefficients[term]),
                "odds_ratio_per_sd": float(np.exp(coefficients[term])),
                "coefficient_min": float(spread.loc[term, "min"]),
                "coefficient_max": float(spread.loc[term, "max"]),
                "mean_abs_contribution": float(np.abs(explanation.contributions[:, position]).mean())
                if scored
                else None,
                "share_among_reasons": float(explanation.picked[:, position].mean()) if scored else None,
                "share_unknown": float(labelled[feature].isna().mean()),
                "single_feature_auc": single.get(term),
            }
        )
    return pd.DataFrame(rows).sort_values("coefficient", key=np.abs, ascending=False, ignore_index=True)
