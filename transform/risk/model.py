"""L2-regularised logistic regression on standardised features, its recalibration, and bands relative to the base rate.

Unknown values are never filled in silently: every feature that can be unknown gets a 0/1
indicator column, and its own value is set to the training mean (z = 0), so an unknown
value adds nothing through the value itself and its indicator carries whatever being
unknown says. All statistics (means, scales, coefficients) come from the rows passed to
`fit` only; the backtest passes training rows, never test rows.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from transform.risk.features import BY_COLUMN, COLUMNS, LABEL, MISSING, NULLABLE, indicator

SEED = 20240601
# Bands say how a person's calibrated probability compares with the organisation's usual rate,
# so the share in each band follows the data instead of being fixed by construction.
HIGH_RATIO = 3.0
MEDIUM_RATIO = 1.5


@dataclass
class FittedModel:
    columns: list[str]  # value columns
    nullable: list[str]  # value columns that get a missing indicator
    fill: np.ndarray  # training mean of each value column (what an unknown value becomes)
    means: np.ndarray  # over the design matrix (values, then indicators)
    scales: np.ndarray
    model: LogisticRegression

    @property
    def terms(self) -> list[str]:
        return list(self.columns) + [indicator(c) for c in self.nullable]

    def values(self, frame: pd.DataFrame) -> np.ndarray:
        return frame[self.columns].to_numpy(dtype=float, na_value=np.nan)

    def design(self, frame: pd.DataFrame) -> np.ndarray:
        values = self.values(frame)
        unknown = np.isnan(values)
        flags = unknown[:, [self.columns.index(c) for c in self.nullable]].astype(float)
        return np.hstack([np.where(unknown, self.fill, values), flags])

    def z(self, frame: pd.DataFrame) -> np.ndarray:
        return (self.design(frame) - self.means) / self.scales

    def probability(self, frame: pd.DataFrame) -> np.ndarray:
        if len(frame) == 0:
            return np.array([], dtype=float)
        return self.model.predict_proba(self.z(frame))[:, 1]

    @property
    def coefficients(self) -> pd.Series:
        return pd.Series(self.model.coef_[0], index=self.terms)


def fit(
    train: pd.DataFrame, columns: list[str] | None = None, nullable: list[str] | None = None, label: str = LABEL
) -> FittedModel:
    """Fit on `train` only. Defaults: the retention features, with indicators for those that can be unknown."""
    if columns is None:
        columns, nullable = list(COLUMNS), list(NULLABLE if nullable is None else nullable)
    else:
        columns, nullable = list(columns), list(nullable or [])
    shell = FittedModel(columns, nullable, np.zeros(len(columns)), np.array([]), np.array([]), LogisticRegression())
    values = shell.values(train)
    # A feature nobody in the training rows has (e.g. an HR attribute no roster held yet) fills with 0;
    # its indicator is then constant, scales to 1 and gets a zero coefficient.
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the mean of a column with no known value
        shell.fill = np.nan_to_num(np.nanmean(values, axis=0), nan=0.0) if len(values) else shell.fill
    design = shell.design(train)
    means, scales = design.mean(axis=0), design.std(axis=0)
    scales = np.where(scales > 0, scales, 1.0)
    model = LogisticRegression(C=1.0, l1_ratio=0.0, solver="lbfgs", max_iter=1000, random_state=SEED)
    model.fit((design - means) / scales, train[label].astype(int).to_numpy())
    return FittedModel(columns, nullable, shell.fill, means, scales, model)


def _logit(p: np.ndarray) -> np.ndarray:
    clipped = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return np.log(clipped / (1 - clipped))


@dataclass(frozen=True)
class Recalibration:
    """Platt scaling of the model's probability: p' = sigmoid(intercept + slope × logit(p)).

    Fitted on the backtest's out-of-time, out-of-person predictions; a slope of 1 and an intercept of 0 mean the
    model's own probabilities were already calibrated. A slope below 0 would turn the ranking around, which no
    backtest can justify, so it is held at 0 (every score becomes the base rate)."""

    intercept: float
    slope: float

    def apply(self, probabilities: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-(self.intercept + self.slope * _logit(probabilities))))


def recalibrate(predicted: np.ndarray, truth: np.ndarray) -> Recalibration:
    platt = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000)
    platt.fit(_logit(predicted).reshape(-1, 1), np.asarray(truth, dtype=int))
    slope = max(0.0, float(platt.coef_[0][0]))
    if slope == 0.0:
        rate = float(np.mean(truth))
        return Recalibration(float(_logit(np.array([rate]))[0]), 0.0)
    return Recalibration(float(platt.intercept_[0]), slope)


def risk_band(relative_risk: float) -> str:
    """'high' from 3× the organisation's usual rate, 'medium' from 1.5×, 'low' below."""
    if relative_risk >= HIGH_RATIO:
        return "high"
    return "medium" if relative_risk >= MEDIUM_RATIO else "low"


@dataclass(frozen=True)
class Explanation:
    contributions: np.ndarray  # rows × terms: coefficient × z
    reasons: list[list[str | None]]  # per row, up to three reasons in words (None where fewer apply)
    picked: np.ndarray  # rows × terms: True where the term is one of the row's reasons


def explain(fitted: FittedModel, frame: pd.DataFrame) -> Explanation:
    """Each row's contributions (coefficient × z per term) and its three largest risk-raising ones in words.

    A value term is a reason only when the value is known; an indicator only when the value is unknown.
    Computed on whole arrays, since a per-row loop over tens of thousands of people took seconds."""
    z = fitted.z(frame)
    terms = fitted.terms
    contributions = z * fitted.coefficients.to_numpy(dtype=float)
    raw = fitted.values(frame)
    known = ~np.isnan(raw)
    applies = np.concatenate([known, ~known[:, [fitted.columns.index(c) for c in fitted.nullable]]], axis=1)
    eligible = np.where((contributions > 0) & applies, contributions, -np.inf)
    top = np.argsort(-eligible, axis=1, kind="stable")[:, :3]
    picked = np.zeros(contributions.shape, dtype=bool)
    np.put_along_axis(picked, top, True, axis=1)
    picked &= eligible > -np.inf
    all_reasons: list[list[str | None]] = []
    for row, picks in enumerate(top):
        reasons: list[str | None] = [
            _reason(terms[c], raw[row, c] if c < raw.shape[1] else np.nan, z[row, c])
            for c in picks
            if eligible[row, c] > -np.inf
        ]
        all_reasons.append(reasons + [None] * (3 - len(reasons)))
    return Explanation(contributions, all_reasons, picked)


def _reason(term: str, value: float, z: float) -> str:
    if term.endswith(MISSING) and term[: -len(MISSING)] in BY_COLUMN:
        return str(BY_COLUMN[term[: -len(MISSING)]].when_missing)
    if term in BY_COLUMN:
        return BY_COLUMN[term].reason(value, z > 0)
    return f"{term.replace('_', ' ')} {'high' if z > 0 else 'low'} ({value:g})"
