"""The backtest's figures: the same numbers scikit-learn gives, and intervals that count people, not rows."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from transform.risk.evaluation import calibration_table, figures, single_feature_auc


def sample(rows: int = 3000, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = (rng.random(rows) < 0.08).astype(float)
    # Rounded, so that many scores tie, as coarse features make them do.
    scores = np.round(np.clip(rng.normal(0.08 + 0.06 * truth, 0.05), 0.001, 0.999), 2)
    return scores, truth


def test_point_figures_are_scikit_learns() -> None:
    scores, truth = sample()
    found = figures(scores, truth, np.arange(len(scores)), seed=1, replicates=200)

    assert found.roc_auc == pytest.approx(roc_auc_score(truth, scores), abs=1e-6)
    assert found.pr_auc == pytest.approx(average_precision_score(truth, scores), abs=1e-6)
    assert found.brier == pytest.approx(brier_score_loss(truth, scores), abs=1e-6)
    assert found.brier_skill == pytest.approx(1 - found.brier / (truth.mean() * (1 - truth.mean())), abs=1e-6)
    assert found.exits == int(truth.sum()) and found.expected_exits == pytest.approx(scores.sum(), rel=1e-5)


def test_intervals_count_people_so_repeated_snapshots_do_not_narrow_them() -> None:
    scores, truth = sample(rows=1000)
    once = figures(scores, truth, np.arange(1000), seed=1)
    # The same people seen five times over (as monthly snapshots of one person are): no new information.
    five = figures(np.tile(scores, 5), np.tile(truth, 5), np.tile(np.arange(1000), 5), seed=1)
    as_if_independent = figures(np.tile(scores, 5), np.tile(truth, 5), np.arange(5000), seed=1)

    width = once.roc_auc_high - once.roc_auc_low
    assert five.roc_auc_high - five.roc_auc_low == pytest.approx(width, rel=0.2)
    assert as_if_independent.roc_auc_high - as_if_independent.roc_auc_low < 0.6 * width
    assert once.roc_auc_low < once.roc_auc < once.roc_auc_high


def test_calibration_table_splits_people_into_tenths_by_predicted_risk() -> None:
    scores, truth = sample()
    table = calibration_table(scores, truth)

    assert list(table["decile"]) == list(range(1, 11)) and table["rows"].sum() == len(scores)
    assert table["mean_predicted"].is_monotonic_increasing
    assert table["exits"].sum() == truth.sum()


def test_a_single_feature_is_judged_either_way_round() -> None:
    scores, truth = sample()
    assert single_feature_auc(scores, truth) == pytest.approx(roc_auc_score(truth, scores))
    assert single_feature_auc(-scores, truth) == pytest.approx(roc_auc_score(truth, scores))
    assert single_feature_auc(np.full(10, np.nan), truth[:10]) is None
