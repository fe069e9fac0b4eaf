"""How good out-of-sample predictions are: ROC-AUC, PR-AUC, Brier skill with bootstrap intervals, calibration by decile.

Intervals come from a bootstrap over people, not rows: one person's monthly snapshots are
not independent (a leaver is labelled "leaves within 180 days" in up to six of them), so
each replicate draws people with replacement and weighs every row of a person by how often
that person was drawn. All replicates are computed on whole arrays at once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

BOOTSTRAP = 1000
CONFIDENCE = 0.95
DECILES = 10
CELLS_PER_CHUNK = 2_000_000  # replicates × rows held in memory at once
MAX_CELLS = 20_000_000  # replicates × rows per interval: under a second on one core


@dataclass(frozen=True)
class Figures:
    rows: int
    people: int
    exits: int
    base_rate: float
    roc_auc: float
    roc_auc_low: float
    roc_auc_high: float
    pr_auc: float
    pr_auc_low: float
    pr_auc_high: float
    brier: float
    brier_low: float
    brier_high: float
    brier_reference: float  # always predicting the base rate: base_rate × (1 − base_rate)
    brier_skill: float  # 1 − brier / brier_reference
    brier_skill_low: float
    brier_skill_high: float
    precision_top10: float
    expected_exits: float  # the sum of the predicted probabilities
    bootstrap_replicates: int

    def as_dict(self) -> dict:
        return asdict(self)


class _Sorted:
    """Rows ordered by score (ascending) and grouped by distinct score, so tied scores count half, as in the
    Mann-Whitney statistic. Weights passed in are already in this order."""

    def __init__(self, scores: np.ndarray, truth: np.ndarray, probabilities: np.ndarray | None = None) -> None:
        self.order = np.argsort(scores, kind="stable")
        self.scores = scores[self.order]
        # What the Brier score judges: the probabilities as shown (recalibrated), ranked by the model's scores.
        self.probabilities = self.scores if probabilities is None else probabilities[self.order]
        self.starts = np.flatnonzero(np.r_[True, self.scores[1:] != self.scores[:-1]])
        self.truth = truth[self.order].astype(np.float32)
        self.distinct = len(self.starts) == len(self.scores)

    def grouped(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positive and negative weight per distinct score, for each replicate (rows of `weights`)."""
        positives = weights * self.truth
        negatives = weights - positives
        if self.distinct:  # continuous probabilities rarely tie: skip the grouping
            return positives, negatives
        return np.add.reduceat(positives, self.starts, axis=1), np.add.reduceat(negatives, self.starts, axis=1)


def _auc(positives: np.ndarray, negatives: np.ndarray) -> np.ndarray:
    below = np.cumsum(negatives, axis=1) - negatives
    total = positives.sum(axis=1) * negatives.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (positives * (below + 0.5 * negatives)).sum(axis=1) / total


def _average_precision(positives: np.ndarray, negatives: np.ndarray) -> np.ndarray:
    """Σ over thresholds (distinct scores, highest first) of the recall gained × the precision there."""
    true_pos = np.cumsum(positives[:, ::-1], axis=1)
    false_pos = np.cumsum(negatives[:, ::-1], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = true_pos / (true_pos + false_pos)
        return (positives[:, ::-1] * np.nan_to_num(precision)).sum(axis=1) / positives.sum(axis=1)


def _brier(sorted_rows: _Sorted, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    total = weights.sum(axis=1, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        brier = (weights * (sorted_rows.probabilities - sorted_rows.truth) ** 2).sum(axis=1, dtype=np.float64) / total
        rate = (weights * sorted_rows.truth).sum(axis=1, dtype=np.float64) / total
        return brier, rate * (1 - rate)


def _statistics(sorted_rows: _Sorted, weights: np.ndarray) -> np.ndarray:
    """Rows of (ROC-AUC, PR-AUC, Brier, Brier skill), one per replicate; `weights` in the sorted rows' order."""
    positives, negatives = sorted_rows.grouped(weights)
    brier, reference = _brier(sorted_rows, weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        skill = 1 - brier / reference
    return np.column_stack([_auc(positives, negatives), _average_precision(positives, negatives), brier, skill])


def _precision_top10(scores: np.ndarray, truth: np.ndarray) -> float:
    top = max(1, int(np.ceil(0.10 * len(scores))))
    return float(truth[np.argsort(-scores, kind="stable")[:top]].mean())


def replicates_for(rows: int) -> int:
    """BOOTSTRAP draws, fewer (never under 200) where the rows are so many that the interval is narrow anyway."""
    return int(min(BOOTSTRAP, max(200, MAX_CELLS // max(1, rows))))


def figures(
    scores: np.ndarray,
    truth: np.ndarray,
    people: np.ndarray,
    seed: int,
    replicates: int | None = None,
    probabilities: np.ndarray | None = None,
) -> Figures:
    """Point estimates on all rows, and percentile intervals from draws of people with replacement.

    ROC-AUC, PR-AUC and precision rank by `scores`; the Brier score and the expected exits judge `probabilities`
    (the same scores recalibrated, when given)."""
    scores, truth = np.asarray(scores, dtype=np.float32), np.asarray(truth, dtype=np.float32)
    probabilities = scores if probabilities is None else np.asarray(probabilities, dtype=np.float32)
    replicates = replicates or replicates_for(len(scores))
    person, person_index = np.unique(np.asarray(people), return_inverse=True)
    sorted_rows = _Sorted(scores, truth, probabilities)
    sorted_person = person_index[sorted_rows.order]
    point = _statistics(sorted_rows, np.ones((1, len(scores)), dtype=np.float32))[0]
    rng = np.random.default_rng(seed)
    chunk = max(1, CELLS_PER_CHUNK // max(1, len(scores)))
    uniform = np.full(len(person), 1 / len(person))
    draws = []
    for start in range(0, replicates, chunk):
        counts = rng.multinomial(len(person), uniform, size=min(chunk, replicates - start)).astype(np.float32)
        draws.append(_statistics(sorted_rows, counts[:, sorted_person]))
    tail = 100 * (1 - CONFIDENCE) / 2
    low, high = np.nanpercentile(np.vstack(draws), [tail, 100 - tail], axis=0)
    rate = float(truth.mean())
    return Figures(
        rows=len(scores),
        people=len(person),
        exits=int(truth.sum()),
        base_rate=rate,
        roc_auc=float(point[0]),
        roc_auc_low=float(low[0]),
        roc_auc_high=float(high[0]),
        pr_auc=float(point[1]),
        pr_auc_low=float(low[1]),
        pr_auc_high=float(high[1]),
        brier=float(point[2]),
        brier_low=float(low[2]),
        brier_high=float(high[2]),
        brier_reference=rate * (1 - rate),
        brier_skill=float(point[3]),
        brier_skill_low=float(low[3]),
        brier_skill_high=float(high[3]),
        precision_top10=_precision_top10(scores, truth),
        expected_exits=float(probabilities.sum(dtype=np.float64)),
        bootstrap_replicates=replicates,
    )


def calibration_table(scores: np.ndarray, truth: np.ndarray, bins: int = DECILES) -> pd.DataFrame:
    """Predicted against observed, per tenth of the rows ordered by predicted probability (1 = lowest)."""
    scores, truth = np.asarray(scores, dtype=float), np.asarray(truth, dtype=float)
    order = np.argsort(scores, kind="stable")
    rows = []
    for decile, part in enumerate(np.array_split(order, min(bins, len(order))), start=1):
        rows.append(
            {
                "decile": decile,
                "rows": len(part),
                "mean_predicted": float(scores[part].mean()),
                "observed_rate": float(truth[part].mean()),
                "exits": int(truth[part].sum()),
                "expected_exits": float(scores[part].sum()),
            }
        )
    return pd.DataFrame(rows)


def department_exits(
    scores: np.ndarray, truth: np.ndarray, departments: np.ndarray, people: np.ndarray
) -> pd.DataFrame:
    """Expected (sum of probabilities) against actual exits per department."""
    frame = pd.DataFrame({"department": departments, "employee_id": people, "predicted": scores, "truth": truth})
    grouped = frame.groupby("department", sort=True).agg(
        people=("employee_id", "nunique"),
        snapshots=("truth", "size"),
        expected_exits=("predicted", "sum"),
        actual_exits=("truth", "sum"),
    )
    grouped["actual_exits"] = grouped["actual_exits"].astype(int)
    return grouped.reset_index()


def roc_auc(scores: np.ndarray, truth: np.ndarray) -> float:
    """ROC-AUC of one set of scores (ties count half), without an interval."""
    sorted_rows = _Sorted(np.asarray(scores, dtype=np.float32), np.asarray(truth, dtype=np.float32))
    return float(_auc(*sorted_rows.grouped(np.ones((1, len(sorted_rows.scores)), dtype=np.float32)))[0])


def single_feature_auc(values: np.ndarray, truth: np.ndarray) -> float | None:
    """How well one feature alone separates leavers from stayers, either way round (0.5 to 1); None when undefined."""
    values, truth = np.asarray(values, dtype=float), np.asarray(truth, dtype=float)
    known = ~np.isnan(values)
    if known.sum() < 2 or truth[known].min() == truth[known].max():
        return None
    auc = roc_auc(values[known], truth[known])
    return max(auc, 1 - auc)
