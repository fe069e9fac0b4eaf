"""Rolling-origin backtest: several cutoffs, each with its own purged training window, grouped by person.

For a cutoff c (a month-end with labelled snapshots):
- the test rows are the snapshots taken at c;
- the training rows are the snapshots whose 180-day label window closed before c (snapshot + 180 days < c), so no
  training label looks into the period being predicted ("purged");
- people are split into five fixed groups by their employee id; each group is predicted by a model trained on the
  other four groups' rows, so nobody is on both sides of any fit.

Every cutoff thus predicts everyone employed at c, out of time and out of person. Cutoffs are the latest month-ends
where both sides hold enough exits; with too few of them the backtest refuses and says what history is missing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from transform.risk.features import LABEL
from transform.risk.model import FittedModel, recalibrate

LABEL_WINDOW = timedelta(days=180)
PERSON_GROUPS = 5
MIN_CUTOFFS = 3
MAX_CUTOFFS = 6
MIN_TRAIN_EXITS = 20
MIN_TEST_EXITS = 10


class TooShort(Exception):
    """The history holds too few cutoffs with enough exits for an honest estimate; the message says what is missing."""


@dataclass(frozen=True)
class CutoffResult:
    cutoff: pd.Timestamp
    train_start: pd.Timestamp
    train_end: pd.Timestamp
    train_rows: int
    train_people: int
    train_exits: int


@dataclass
class Backtest:
    cutoffs: list[CutoffResult]
    # One row per test snapshot: cutoff, person group, employee_id, department, the label, the out-of-sample
    # probability from the fit on the other groups' purged rows, and that probability recalibrated (calibrated).
    predictions: pd.DataFrame
    # One row per fit: cutoff, group and each term's coefficient (how stable the model is over time).
    coefficients: pd.DataFrame


def person_group(employee_id: str) -> int:
    """A fixed group per person, the same in every run and at every cutoff."""
    return int(hashlib.sha256(employee_id.encode()).hexdigest()[:8], 16) % PERSON_GROUPS


def labelled_rows(features: pd.DataFrame) -> pd.DataFrame:
    """Snapshots whose 180 days after are observed, with the label as a plain bool."""
    labelled = features[features["label_observed"].fillna(False).astype(bool)].copy()
    labelled[LABEL] = labelled[LABEL].astype(bool)
    return labelled


def _purged(labelled: pd.DataFrame, cutoff: pd.Timestamp) -> pd.Series:
    return labelled["snapshot_date"] + LABEL_WINDOW < cutoff


def eligible_cutoffs(labelled: pd.DataFrame) -> list[pd.Timestamp]:
    """Month-ends with at least MIN_TEST_EXITS exits among their snapshots and MIN_TRAIN_EXITS in the purged window."""
    exits = labelled.groupby("snapshot_date")[LABEL].sum().sort_index()
    closes = exits.index + LABEL_WINDOW
    eligible = []
    for cutoff, test_exits in exits.items():
        train_exits = exits[closes < cutoff].sum()
        if test_exits >= MIN_TEST_EXITS and train_exits >= MIN_TRAIN_EXITS:
            eligible.append(pd.Timestamp(cutoff))
    return eligible


def _month_end(moment: pd.Timestamp, months: int = 0) -> pd.Timestamp:
    return (moment + pd.offsets.MonthEnd(0)) + pd.offsets.MonthEnd(months)


def shortfall(labelled: pd.DataFrame, eligible: list[pd.Timestamp]) -> str:
    """Why the history is too short, in words: which snapshots are labelled and which would be needed."""
    if labelled.empty:
        return (
            "no snapshot has its 180 days after it known to HR yet, so no exit can be counted; a backtest "
            f"needs {MIN_CUTOFFS} cutoffs, each after the 180-day label windows of its training snapshots"
        )
    first, last = labelled["snapshot_date"].min(), labelled["snapshot_date"].max()
    first_cutoff = _month_end(first + LABEL_WINDOW + timedelta(days=1))
    needed = _month_end(first_cutoff, MIN_CUTOFFS - 1)
    text = (
        f"labelled snapshots run from {first.date()} to {last.date()} ({int(labelled[LABEL].sum())} voluntary "
        f"exits in {len(labelled)} snapshots); {len(eligible)} of the {MIN_CUTOFFS} cutoffs needed have "
        f"{MIN_TRAIN_EXITS} exits in their purged training window and {MIN_TEST_EXITS} among their own snapshots"
    )
    if last < needed:
        text += (
            f". The first cutoff whose training labels have closed is {first_cutoff.date()}, so labelled "
            f"snapshots up to {needed.date()} are needed: HR's roster must show exits until "
            f"{(needed + LABEL_WINDOW).date()}"
        )
    return text


def run_backtest(labelled: pd.DataFrame, train: Callable[[pd.DataFrame], FittedModel]) -> Backtest:
    """Fit and predict at each of the latest MAX_CUTOFFS eligible cutoffs; raises TooShort below MIN_CUTOFFS."""
    eligible = eligible_cutoffs(labelled)
    if len(eligible) < MIN_CUTOFFS:
        raise TooShort(shortfall(labelled, eligible))
    groups = labelled["employee_id"].map(person_group).to_numpy()
    results, predictions, coefficients = [], [], []
    for cutoff in eligible[-MAX_CUTOFFS:]:
        window = _purged(labelled, cutoff).to_numpy()
        at_cutoff = (labelled["snapshot_date"] == cutoff).to_numpy()
        training = labelled[window]
        results.append(
            CutoffResult(
                cutoff,
                training["snapshot_date"].min(),
                training["snapshot_date"].max(),
                len(training),
                training["employee_id"].nunique(),
                int(training[LABEL].sum()),
            )
        )
        for group in range(PERSON_GROUPS):
            fit_rows = labelled[window & (groups != group)]
            test = labelled[at_cutoff & (groups == group)]
            if test.empty:
                continue
            fitted = train(fit_rows)
            predictions.append(
                pd.DataFrame(
                    {
                        "cutoff": cutoff,
                        "group": group,
                        "employee_id": test["employee_id"].to_numpy(),
                        "department": test["department"].to_numpy(),
                        "label": test[LABEL].astype(int).to_numpy(),
                        "predicted": fitted.probability(test),
                    }
                )
            )
            coefficients.append(
                pd.DataFrame(
                    {
                        "cutoff": cutoff,
                        "group": group,
                        "term": fitted.terms,
                        "coefficient": fitted.coefficients.to_numpy(),
                    }
                )
            )
    predicted = pd.concat(predictions, ignore_index=True)
    predicted["calibrated"] = cross_recalibrated(predicted)
    return Backtest(results, predicted, pd.concat(coefficients, ignore_index=True))


def cross_recalibrated(predictions: pd.DataFrame) -> np.ndarray:
    """Each cutoff's probabilities recalibrated as the scores are, by a recalibration fitted on the other cutoffs'
    predictions only, so that the Brier score and the calibration table judge the probabilities people are shown
    without any cutoff being calibrated on its own outcomes."""
    calibrated = np.empty(len(predictions))
    for cutoff in predictions["cutoff"].unique():
        own = (predictions["cutoff"] == cutoff).to_numpy()
        fitted = recalibrate(predictions.loc[~own, "predicted"].to_numpy(), predictions.loc[~own, "label"].to_numpy())
        calibrated[own] = fitted.apply(predictions.loc[own, "predicted"].to_numpy())
    return calibrated
