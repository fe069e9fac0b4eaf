"""The backtest's figures as tables (per cutoff, then pooled) and as the lines `leerstroom transform` prints."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from transform.risk.backtest import PERSON_GROUPS, Backtest
from transform.risk.evaluation import Figures, calibration_table, department_exits, figures
from transform.risk.model import HIGH_RATIO, SEED

POOLED = "pooled"
GENERATED_DATA_NOTE = (
    "On generated data (the demo organisation) these figures only show that the model recovers "
    "the generator's signal; they say nothing about real people."
)
LEAKAGE_AUC = 0.95


@dataclass
class Assessment:
    figures: dict[str, Figures]  # per cutoff date ('YYYY-MM-DD') and POOLED
    backtest: pd.DataFrame
    calibration: pd.DataFrame
    departments: pd.DataFrame


def _seed(scope: str) -> int:
    # The same data always gives the same intervals; each scope draws its own people.
    return SEED + sum(scope.encode())


def _scoped(frame: pd.DataFrame, scope: str, cutoff: pd.Timestamp | None) -> pd.DataFrame:
    frame.insert(0, "cutoff_date", cutoff.date() if cutoff is not None else None)
    frame.insert(0, "scope", scope)
    return frame


def assess(backtest: Backtest, replicates: int | None = None) -> Assessment:
    predictions = backtest.predictions
    scopes: list[tuple[str, pd.Timestamp | None, pd.DataFrame]] = [
        ("cutoff", result.cutoff, predictions[predictions["cutoff"] == result.cutoff]) for result in backtest.cutoffs
    ]
    scopes.append((POOLED, None, predictions))
    found: dict[str, Figures] = {}
    rows, calibration, departments = [], [], []
    windows = {result.cutoff: result for result in backtest.cutoffs}
    for scope, cutoff, part in scopes:
        key = POOLED if cutoff is None else str(cutoff.date())
        scores, truth = part["predicted"].to_numpy(), part["label"].to_numpy()
        calibrated = part["calibrated"].to_numpy()
        found[key] = figures(scores, truth, part["employee_id"].to_numpy(), _seed(key), replicates, calibrated)
        window = windows.get(cutoff)
        rows.append(
            {
                "scope": scope,
                "cutoff_date": cutoff.date() if cutoff is not None else None,
                "train_start": window.train_start.date()
                if window
                else min(w.train_start for w in windows.values()).date(),
                "train_end": window.train_end.date() if window else max(w.train_end for w in windows.values()).date(),
                "train_rows": window.train_rows if window else None,
                "train_people": window.train_people if window else None,
                "train_exits": window.train_exits if window else None,
                **found[key].as_dict(),
            }
        )
        calibration.append(_scoped(calibration_table(calibrated, truth), scope, cutoff))
        departments.append(
            _scoped(
                department_exits(calibrated, truth, part["department"].to_numpy(), part["employee_id"].to_numpy()),
                scope,
                cutoff,
            )
        )
    return Assessment(
        found, pd.DataFrame(rows), pd.concat(calibration, ignore_index=True), pd.concat(departments, ignore_index=True)
    )


def _interval(value: float, low: float, high: float, digits: int = 3) -> str:
    return f"{value:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def figures_line(label: str, found: Figures) -> str:
    return (
        f"retention model: {label}: ROC-AUC {_interval(found.roc_auc, found.roc_auc_low, found.roc_auc_high)}, "
        f"PR-AUC {_interval(found.pr_auc, found.pr_auc_low, found.pr_auc_high)} against a base rate of "
        f"{found.base_rate:.3f}, Brier {found.brier:.4f} (recalibrated) against {found.brier_reference:.4f} for "
        f"always predicting the base rate (skill {100 * found.brier_skill:.1f} % "
        f"[{100 * found.brier_skill_low:.1f}, {100 * found.brier_skill_high:.1f}]); {found.people} people, "
        f"{found.exits} exits, {found.expected_exits:.1f} expected"
    )


def describe(backtest: Backtest, assessment: Assessment) -> list[str]:
    """The backtest as `leerstroom transform` prints it: how it was cut, each cutoff, the pooled figures."""
    first, last = backtest.cutoffs[0].cutoff.date(), backtest.cutoffs[-1].cutoff.date()
    lines = [
        f"retention model: rolling-origin backtest at {len(backtest.cutoffs)} month-ends from {first} to {last}; "
        "each trained only on snapshots whose 180-day label window closed before it, in "
        f"{PERSON_GROUPS} groups of people so nobody is on both sides; 95 % intervals from bootstrap draws of "
        f"people ({assessment.figures[POOLED].bootstrap_replicates} for the pooled figures)"
    ]
    for result in backtest.cutoffs:
        lines.append(
            figures_line(
                f"cutoff {result.cutoff.date()} (trained on {result.train_rows} snapshots, "
                f"{result.train_exits} exits, {result.train_start.date()} to "
                f"{result.train_end.date()})",
                assessment.figures[str(result.cutoff.date())],
            )
        )
    lines.append(figures_line("pooled", assessment.figures[POOLED]))
    pooled = assessment.calibration[assessment.calibration["scope"] == POOLED]
    top = pooled.iloc[-1]
    lines.append(
        f"retention model: calibration (pooled, by tenth of predicted risk): the riskiest tenth was "
        f"predicted {top['mean_predicted']:.3f} and left at {top['observed_rate']:.3f}; the lowest "
        f"{pooled.iloc[0]['mean_predicted']:.3f} against {pooled.iloc[0]['observed_rate']:.3f}"
    )
    departments = assessment.departments[assessment.departments["scope"] == POOLED]
    lines.append(
        "retention model: expected against actual exits per department (pooled): "
        + "; ".join(
            f"{row.department} {row.expected_exits:.1f} vs {row.actual_exits}" for row in departments.itertuples()
        )
    )
    return lines


def leakage_findings(pooled_auc: float, single: dict[str, float | None]) -> list[str]:
    """What makes a leakage audit necessary: a model or a single feature that separates leavers almost perfectly."""
    findings = []
    if pooled_auc > LEAKAGE_AUC:
        findings.append(f"pooled ROC-AUC {pooled_auc:.3f} is above {LEAKAGE_AUC}")
    findings += [
        f"{term} alone reaches ROC-AUC {auc:.3f}"
        for term, auc in single.items()
        if auc is not None and auc > LEAKAGE_AUC
    ]
    return findings


def band_counts(bands: list[str]) -> dict[str, int]:
    if not bands:
        return {}
    values, counts = np.unique(np.asarray(bands, dtype=object), return_counts=True)
    return {str(v): int(c) for v, c in zip(values, counts, strict=True)}


def bands_line(scored: int, snapshot: object, base_rate: float, counts: dict[str, int]) -> str:
    return (
        f"retention model: scored {scored} people at {snapshot}; the usual rate of leaving within 180 days is "
        f"{base_rate:.3f}; {counts.get('high', 0)} at {HIGH_RATIO:g}× that or more (high), "
        f"{counts.get('medium', 0)} at 1.5–{HIGH_RATIO:g}× (medium), {counts.get('low', 0)} below (low)"
    )
