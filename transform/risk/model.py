"""L2-regularised logistic regression on standardised features, validated on a time-based split.

The split is made on the features table itself, before anything is fitted or joined:
rows are cut at a snapshot date, and only training rows feed the imputation medians,
the scaler and the coefficients.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from transform.risk.features import BY_COLUMN, COLUMNS, LABEL

log = logging.getLogger(__name__)

SEED = 20240601
LABEL_WINDOW = timedelta(days=180)
MIN_TRAIN_ROWS = 50
MIN_POSITIVES = 5
LEAKAGE_AUC = 0.95


class NotTrainable(Exception):
    """Too few labelled rows or exits to fit or to validate; the message says which."""


@dataclass(frozen=True)
class Split:
    cutoff: pd.Timestamp
    train: pd.DataFrame
    test: pd.DataFrame
    purged: bool  # every training label window closed before the cutoff


@dataclass
class FittedModel:
    medians: pd.Series
    means: pd.Series
    scales: pd.Series
    model: LogisticRegression
    columns: list[str] = field(default_factory=lambda: list(COLUMNS))

    def z(self, frame: pd.DataFrame) -> pd.DataFrame:
        filled = frame[self.columns].astype(float).fillna(self.medians)
        return (filled - self.means) / self.scales

    def probability(self, frame: pd.DataFrame) -> np.ndarray:
        return self.model.predict_proba(self.z(frame).to_numpy())[:, 1]

    @property
    def coefficients(self) -> pd.Series:
        return pd.Series(self.model.coef_[0], index=self.columns)


def _enough(rows: pd.DataFrame) -> bool:
    return len(rows) >= MIN_TRAIN_ROWS and int(rows[LABEL].sum()) >= MIN_POSITIVES


def labelled_rows(features: pd.DataFrame) -> pd.DataFrame:
    """Snapshots whose 180 days after are observed, with the label as a plain bool."""
    labelled = features[features["label_observed"].fillna(False).astype(bool)].copy()
    labelled[LABEL] = labelled[LABEL].astype(bool)
    return labelled


def time_split(features: pd.DataFrame) -> Split:
    """Cut the labelled snapshots in time: train before the cutoff, test from it on.

    Preferred is a purged split, whose training rows all had their 180-day label window
    close before the cutoff, so no training label looks into the test period. The cutoff
    is the latest test start that leaves enough rows on both sides. When the history is
    too short for that (12 months with 180-day labels barely hold one snapshot on each
    side), the split falls back to plain snapshot order and says so in `purged`.
    """
    labelled = labelled_rows(features)
    dates = sorted(labelled["snapshot_date"].unique())
    if len(dates) < 2:
        raise NotTrainable(f"labelled snapshots on {len(dates)} dates; a time split needs at least 2")
    for purged in (True, False):
        for cutoff in reversed(dates[1:]):
            test = labelled[labelled["snapshot_date"] >= cutoff]
            closes = labelled["snapshot_date"] + (LABEL_WINDOW if purged else timedelta(0))
            train = labelled[(closes < cutoff) & (labelled["snapshot_date"] < cutoff)]
            if _enough(train) and _enough(test):
                return Split(pd.Timestamp(cutoff), train, test, purged)
    raise NotTrainable(
        f"{len(labelled)} labelled rows with {int(labelled[LABEL].sum())} voluntary exits: no time split leaves "
        f"{MIN_TRAIN_ROWS} rows and {MIN_POSITIVES} exits on both sides"
    )


def fit(train: pd.DataFrame) -> FittedModel:
    values = train[COLUMNS].astype(float)
    # A feature absent from the training rows (e.g. an HR attribute no one has) imputes to 0 and scales to 1.
    medians = values.median().fillna(0.0)
    filled = values.fillna(medians)
    means, scales = filled.mean(), filled.std(ddof=0).replace(0.0, 1.0).fillna(1.0)
    model = LogisticRegression(C=1.0, l1_ratio=0.0, solver="lbfgs", max_iter=1000, random_state=SEED)
    model.fit(((filled - means) / scales).to_numpy(), train[LABEL].astype(int).to_numpy())
    return FittedModel(medians, means, scales, model)


def evaluate(fitted: FittedModel, test: pd.DataFrame) -> dict:
    truth = test[LABEL].astype(int).to_numpy()
    scores = fitted.probability(test)
    top = max(1, int(np.ceil(0.10 * len(scores))))
    order = np.argsort(-scores, kind="stable")
    return {
        "base_rate": float(truth.mean()),
        "roc_auc": float(roc_auc_score(truth, scores)),
        "pr_auc": float(average_precision_score(truth, scores)),
        "brier": float(brier_score_loss(truth, scores)),
        "precision_top10": float(truth[order[:top]].mean()),
    }


def risk_bands(scores: np.ndarray) -> list[str]:
    """'high' for the riskiest 10% of the people scored, 'medium' for the next 20%, 'low' for the rest."""
    ranks = pd.Series(scores).rank(method="first", ascending=False).to_numpy()
    n = len(scores)
    return ["high" if r <= np.ceil(0.1 * n) else "medium" if r <= np.ceil(0.3 * n) else "low" for r in ranks]


def explain(fitted: FittedModel, frame: pd.DataFrame) -> tuple[list[dict], list[list[str | None]]]:
    """Each row's contributions (coefficient × z) and its three largest risk-raising ones in words.

    A reason needs a positive contribution and a known value; computed on whole arrays, since a per-row loop over
    tens of thousands of people took seconds."""
    z = fitted.z(frame).to_numpy(dtype=float)
    contributions = z * fitted.coefficients.to_numpy(dtype=float)
    raw = frame[fitted.columns].astype(float).to_numpy()
    columns = list(fitted.columns)
    eligible = np.where((contributions > 0) & ~np.isnan(raw), contributions, -np.inf)
    top = np.argsort(-eligible, axis=1, kind="stable")[:, :3]
    all_reasons: list[list[str | None]] = []
    for row, picks in enumerate(top):
        reasons: list[str | None] = [
            BY_COLUMN[columns[c]].reason(raw[row, c], z[row, c] > 0) for c in picks if eligible[row, c] > -np.inf
        ]
        all_reasons.append(reasons + [None] * (3 - len(reasons)))
    rounded = np.round(contributions, 4).tolist()
    all_contributions = [dict(zip(columns, values)) for values in rounded]
    return all_contributions, all_reasons
