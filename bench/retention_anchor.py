"""Real-data anchor: Leerstroom's retention model code on IBM's public HR attrition sample, next to published figures.

Run: .venv/bin/python -m bench.retention_anchor [PATH]   (PATH: default ../shared/datasets/ibm-hr-attrition.csv
beside the repository; see docs/retention-and-quality.md for where to get the file)

IBM's "HR Analytics Employee Attrition & Performance" sample has 1,470 people (237 left) and 35 columns.
The reference figures were measured with scikit-learn's logistic regression on standardised columns
(categoricals one-hot), stratified 5-fold cross-validation repeated 5 times. Here every fold is fitted
with transform.risk.model.fit (the standardisation, missing-value indicators and L2 logistic regression
the retention step uses) and evaluated with transform.risk.evaluation (its bootstrap over people).
It is a cross-section without dates, so it checks the model code and its reporting, not the time-based
parts of the pipeline (rows while employed, roster versions, purged cutoffs).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import RepeatedStratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transform.risk.evaluation import figures, roc_auc
from transform.risk.model import fit

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "ibm-hr-attrition.csv"
SHA256 = "a5c31e38bd7fafc9bc333884eb181b06b41b8e5e488e8f7ccb27199fb3be7659"
LABEL = "left"
SEED = 20240601
# Constant in this sample, or a key: left out of "all HR attributes", as in the reference measurement.
NOT_ATTRIBUTES = ("Attrition", "EmployeeCount", "StandardHours", "Over18", "EmployeeNumber")
CATEGORICAL = ("BusinessTravel", "Department", "EducationField", "Gender", "JobRole", "MaritalStatus", "OverTime")
DEVELOPMENT = (
    "TrainingTimesLastYear",
    "YearsSinceLastPromotion",
    "YearsWithCurrManager",
    "JobInvolvement",
    "YearsInCurrentRole",
    "JobLevel",
)
# The columns of this sample that are Leerstroom's own roster features (transform/risk/features.py).
OWN_FEATURES = {
    "tenure_days": ("YearsAtCompany", 365.0),
    "days_since_promotion": ("YearsSinceLastPromotion", 365.0),
    "satisfaction": ("JobSatisfaction", 1.0),
}


class AnchorError(Exception):
    """The file is not the sample this anchor expects; the message says what is wrong."""


@dataclass(frozen=True)
class AttributeSet:
    name: str
    columns: tuple[str, ...]
    reference: float | None  # ROC-AUC in the data set's README; None where there is none


@dataclass(frozen=True)
class AnchorResult:
    attribute_set: AttributeSet
    fold_mean: float
    fold_sd: float
    folds: int
    out_of_fold: float  # ROC-AUC of each repeat's out-of-fold predictions over everyone, mean over repeats
    out_of_fold_low: float  # its bootstrap 95 % interval (people drawn with replacement), mean over repeats
    out_of_fold_high: float
    brier_skill: float


def read_sample(path: Path) -> pd.DataFrame:
    """The sample with Attrition as a 0/1 label and categoricals one-hot; refuses any other file by name."""
    if not path.is_file():
        raise AnchorError(
            f"{path} does not exist; pass the path of ibm-hr-attrition.csv (see docs/retention-and-quality.md)"
        )
    raw = pd.read_csv(path, encoding="utf-8-sig")
    required = set(NOT_ATTRIBUTES) | set(CATEGORICAL) | set(DEVELOPMENT) | {c for c, _ in OWN_FEATURES.values()}
    missing = sorted(required - set(raw.columns))
    if missing:
        raise AnchorError(f"{path}: columns {missing} are missing; this is not IBM's HR attrition sample")
    if not set(raw["Attrition"].unique()) <= {"Yes", "No"}:
        raise AnchorError(f"{path}: Attrition must be Yes or No")
    sample = pd.get_dummies(raw, columns=list(CATEGORICAL), dtype=float)
    sample[LABEL] = (raw["Attrition"] == "Yes").astype(int)
    sample["person"] = raw["EmployeeNumber"].astype(str)
    for feature, (column, scale) in OWN_FEATURES.items():
        sample[feature] = raw[column] * scale
    # The sample records overtime as Yes/No; as Leerstroom's overtime_hours it can only say "some" or "none".
    sample["overtime_hours"] = (raw["OverTime"] == "Yes").astype(float)
    return sample


def attribute_sets(sample: pd.DataFrame) -> list[AttributeSet]:
    encoded = [c for c in sample.columns if c.split("_")[0] in CATEGORICAL]
    plain = [
        c
        for c in sample.columns
        if c not in (*NOT_ATTRIBUTES, *CATEGORICAL, LABEL, "person", *OWN_FEATURES, "overtime_hours")
        and c not in encoded
    ]
    return [
        AttributeSet(
            f"all HR attributes ({len(plain) + len(CATEGORICAL)} columns, {len(plain) + len(encoded)} after one-hot)",
            tuple(plain + encoded),
            0.833,
        ),
        AttributeSet("six development-related attributes", DEVELOPMENT, 0.704),
        AttributeSet("the first four of those", DEVELOPMENT[:4], 0.66),
        AttributeSet(
            "Leerstroom's roster features (tenure, promotion, overtime, satisfaction)",
            ("tenure_days", "days_since_promotion", "overtime_hours", "satisfaction"),
            None,
        ),
    ]


def cross_validate(
    sample: pd.DataFrame, attribute_set: AttributeSet, repeats: int = 5, replicates: int = 1000
) -> AnchorResult:
    """Stratified 5-fold cross-validation repeated `repeats` times, each fold fitted with Leerstroom's `fit`."""
    truth = sample[LABEL].to_numpy()
    folds = RepeatedStratifiedKFold(n_splits=5, n_repeats=repeats, random_state=SEED)
    fold_aucs, repeat_figures = [], []
    out_of_fold = np.zeros(len(sample))
    for number, (train, test) in enumerate(folds.split(sample, truth)):
        fitted = fit(sample.iloc[train], columns=list(attribute_set.columns), label=LABEL)
        out_of_fold[test] = fitted.probability(sample.iloc[test])
        fold_aucs.append(roc_auc(out_of_fold[test], truth[test]))
        if number % 5 == 4:  # a repeat is complete: everyone has an out-of-fold probability
            repeat_figures.append(figures(out_of_fold, truth, sample["person"].to_numpy(), SEED + number, replicates))
    return AnchorResult(
        attribute_set,
        float(np.mean(fold_aucs)),
        float(np.std(fold_aucs, ddof=1)),
        len(fold_aucs),
        float(np.mean([f.roc_auc for f in repeat_figures])),
        float(np.mean([f.roc_auc_low for f in repeat_figures])),
        float(np.mean([f.roc_auc_high for f in repeat_figures])),
        float(np.mean([f.brier_skill for f in repeat_figures])),
    )


def report(sample: pd.DataFrame, results: list[AnchorResult], path: Path, digest: str) -> list[str]:
    left = int(sample[LABEL].sum())
    lines = [
        f"IBM HR attrition sample {path} (SHA-256 {digest[:12]}…"
        f"{'' if digest == SHA256 else ', NOT the expected file'})",
        f"{len(sample):,} people, {left} left ({100 * left / len(sample):.1f} %); stratified 5-fold cross-validation "
        f"repeated {results[0].folds // 5} times; every fold fitted with Leerstroom's transform.risk.model.fit",
        "",
        f"{'attribute set':<72} {'reference':>9}  {'Leerstroom, fold mean ± sd':>26}  {'ratio':>5}  "
        "out-of-fold ROC-AUC [95 % interval]  Brier skill",
    ]
    for result in results:
        reference = result.attribute_set.reference
        lines.append(
            f"{result.attribute_set.name:<72} {reference if reference is not None else '—':>9}  "
            f"{f'{result.fold_mean:.3f} ± {result.fold_sd:.3f}':>26}  "
            f"{f'{result.fold_mean / reference:.2f}' if reference else '—':>5}  "
            f"{result.out_of_fold:.3f} [{result.out_of_fold_low:.3f}, {result.out_of_fold_high:.3f}]"
            f"{'':>13}{100 * result.brier_skill:5.1f} %"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=DEFAULT_PATH,
        help="ibm-hr-attrition.csv (default: ../shared/datasets/ beside the repository)",
    )
    parser.add_argument("--repeats", type=int, default=5, help="repeats of the stratified 5-fold split (default 5)")
    parser.add_argument("--replicates", type=int, default=1000, help="bootstrap draws per interval (default 1000)")
    args = parser.parse_args(argv)
    try:
        sample = read_sample(args.path)
    except AnchorError as err:
        print(f"retention anchor: {err}", file=sys.stderr)
        return 2
    digest = hashlib.sha256(args.path.read_bytes()).hexdigest()
    results = [cross_validate(sample, chosen, args.repeats, args.replicates) for chosen in attribute_sets(sample)]
    print("\n".join(report(sample, results, args.path, digest)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
