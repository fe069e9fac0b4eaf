"""The retention step on a features table written into a real warehouse file, as dbt would leave it.

The table is simulated with a known, noisy signal (tests/transform/retention_rows.py); the
tests check what an HR data scientist reviewing the model would check: how it is validated,
what the figures mean, how people are banded, and that leaks and short histories are caught.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from leerstroom.settings import Settings
from tests.transform.retention_rows import LABEL, features_table, write_features
from transform.risk import run_risk_step
from transform.risk.backtest import (
    LABEL_WINDOW,
    MIN_CUTOFFS,
    PERSON_GROUPS,
    cross_recalibrated,
    labelled_rows,
    run_backtest,
)
from transform.risk.features import BY_COLUMN, COLUMNS, NULLABLE, indicator, read_features
from transform.risk.model import HIGH_RATIO, MEDIUM_RATIO, fit
from transform.risk.step import RiskOutcome


def warehouse(settings: Settings, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as con:
        return con.execute(sql).df()


def marts(settings: Settings) -> set[str]:
    return set(
        warehouse(settings, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'")[
            "table_name"
        ]
    )


def run(settings: Settings, frame: pd.DataFrame) -> tuple[RiskOutcome, list[str]]:
    write_features(settings, frame)
    lines: list[str] = []
    return run_risk_step(settings, lines.append), lines


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("risk") / "data")
    outcome, lines = run(settings, features_table())
    return settings, outcome, lines


def test_backtest_reports_every_cutoff_then_pooled_with_intervals_and_prints_them(trained) -> None:
    settings, outcome, lines = trained
    backtest = warehouse(settings, "SELECT * FROM marts.retention_backtest ORDER BY scope, cutoff_date")
    cutoffs, pooled = backtest[backtest["scope"] == "cutoff"], backtest[backtest["scope"] == "pooled"].iloc[0]

    assert outcome.status == "validated" and len(cutoffs) >= MIN_CUTOFFS
    for name in ("roc_auc", "pr_auc", "brier", "brier_skill"):
        assert (backtest[f"{name}_low"] <= backtest[name]).all() and (backtest[name] <= backtest[f"{name}_high"]).all()
    # A few dozen exits per cutoff leave a wide interval; pooling the cutoffs narrows it.
    assert ((cutoffs["roc_auc_high"] - cutoffs["roc_auc_low"]) > 0.1).all()
    assert pooled["roc_auc_high"] - pooled["roc_auc_low"] < (cutoffs["roc_auc_high"] - cutoffs["roc_auc_low"]).min()
    # The signal is real but noisy: better than chance, far from perfect, and said against the base rate.
    assert pooled["roc_auc_low"] > 0.6 and pooled["roc_auc_high"] < 0.9 and pooled["pr_auc"] > pooled["base_rate"]
    assert pooled["brier_reference"] == pytest.approx(pooled["base_rate"] * (1 - pooled["base_rate"]))
    assert pooled["brier_skill"] == pytest.approx(1 - pooled["brier"] / pooled["brier_reference"], abs=1e-6)
    assert pooled["exits"] == cutoffs["exits"].sum() and pooled["rows"] == cutoffs["rows"].sum()
    printed = "\n".join(lines)
    assert (
        f"pooled: ROC-AUC {pooled['roc_auc']:.3f} [{pooled['roc_auc_low']:.3f}, {pooled['roc_auc_high']:.3f}]"
        in printed
    )
    assert f"skill {100 * pooled['brier_skill']:.1f} %" in printed
    assert len(re.findall(r"cutoff \d{4}-\d\d-\d\d \(trained on", printed)) == len(cutoffs)
    assert "only show that the model recovers the generator's signal" in printed


def test_each_cutoff_trains_on_closed_labels_of_other_people_only(trained) -> None:
    settings, _, _ = trained
    labelled = labelled_rows(read_features(duckdb.connect(str(settings.warehouse_db), read_only=True)))
    fits: list[pd.DataFrame] = []

    def spy(rows: pd.DataFrame):
        fits.append(rows)
        return fit(rows)

    result = run_backtest(labelled, spy)
    tested = result.predictions.groupby(["cutoff", "group"], sort=False)
    assert len(fits) == tested.ngroups == len(result.cutoffs) * PERSON_GROUPS
    for rows, ((cutoff, _group), predicted) in zip(fits, tested):
        assert (rows["snapshot_date"] + LABEL_WINDOW < cutoff).all()  # every training label closed before the cutoff
        assert not set(rows["employee_id"]) & set(predicted["employee_id"])  # nobody on both sides
    # Every cutoff predicts everyone with a labelled snapshot at it, exactly once.
    for cutoff in (r.cutoff for r in result.cutoffs):
        at = labelled[labelled["snapshot_date"] == cutoff]
        assert sorted(result.predictions.loc[result.predictions["cutoff"] == cutoff, "employee_id"]) == sorted(
            at["employee_id"]
        )
    stored = warehouse(settings, "SELECT cutoff_date, train_end FROM marts.retention_backtest WHERE scope = 'cutoff'")
    assert all(pd.Timestamp(end) + LABEL_WINDOW < pd.Timestamp(c) for c, end in stored.itertuples(index=False))


def test_calibration_compares_predicted_and_observed_per_tenth_of_the_people(trained) -> None:
    settings, _, _ = trained
    calibration = warehouse(settings, "SELECT * FROM marts.retention_calibration")
    backtest = warehouse(settings, "SELECT * FROM marts.retention_backtest")
    for (scope, cutoff), deciles in calibration.groupby(["scope", "cutoff_date"], dropna=False):
        figures = backtest[
            (backtest["scope"] == scope)
            & ((backtest["cutoff_date"] == cutoff) | (pd.isna(cutoff) & backtest["cutoff_date"].isna()))
        ]
        assert list(deciles.sort_values("decile")["decile"]) == list(range(1, 11))
        assert deciles["rows"].sum() == figures["rows"].iloc[0] and deciles["exits"].sum() == figures["exits"].iloc[0]
        assert deciles["expected_exits"].sum() == pytest.approx(figures["expected_exits"].iloc[0], rel=1e-4)
        assert deciles.sort_values("decile")["mean_predicted"].is_monotonic_increasing
    pooled = calibration[calibration["scope"] == "pooled"].sort_values("decile")
    assert pooled["observed_rate"].iloc[-1] > 2 * pooled["observed_rate"].iloc[0]
    # Recalibrated, the probabilities add up to about as many exits as there were.
    assert pooled["expected_exits"].sum() == pytest.approx(pooled["exits"].sum(), rel=0.2)


def test_no_cutoff_is_recalibrated_on_its_own_outcomes(trained) -> None:
    settings, _, _ = trained
    labelled = labelled_rows(read_features(duckdb.connect(str(settings.warehouse_db), read_only=True)))
    predictions = run_backtest(labelled, fit).predictions
    first = predictions["cutoff"] == predictions["cutoff"].min()
    flipped = predictions.assign(label=np.where(first, 1 - predictions["label"], predictions["label"]))

    assert np.allclose(cross_recalibrated(flipped)[first], cross_recalibrated(predictions)[first])
    assert not np.allclose(cross_recalibrated(flipped)[~first], cross_recalibrated(predictions)[~first])


def test_expected_and_actual_exits_per_department_add_up(trained) -> None:
    settings, _, lines = trained
    departments = warehouse(settings, "SELECT * FROM marts.retention_department_exits WHERE scope = 'pooled'")
    pooled = warehouse(settings, "SELECT * FROM marts.retention_backtest WHERE scope = 'pooled'").iloc[0]

    assert set(departments["department"]) == {"Engineering", "Sales", "Customer Success", "Finance"}
    assert departments["actual_exits"].sum() == pooled["exits"]
    assert departments["expected_exits"].sum() == pytest.approx(pooled["expected_exits"], rel=1e-4)
    first = departments.sort_values("department").iloc[0]
    assert any(
        f"{first['department']} {first['expected_exits']:.1f} vs {first['actual_exits']}" in line for line in lines
    )


def test_bands_compare_the_calibrated_probability_with_the_usual_rate(trained) -> None:
    settings, _, lines = trained
    scores = warehouse(settings, "SELECT * FROM marts.retention_scores")
    (base_rate,) = warehouse(settings, "SELECT base_rate FROM marts.retention_model_metrics")["base_rate"]

    assert np.allclose(scores["relative_risk"], scores["risk_score"] / base_rate)
    expected = np.where(
        scores["relative_risk"] >= HIGH_RATIO,
        "high",
        np.where(scores["relative_risk"] >= MEDIUM_RATIO, "medium", "low"),
    )
    assert list(scores["risk_band"]) == list(expected)
    # Not a fixed share: the high band holds whoever reaches 3× the usual rate, here not a tenth of the people.
    share_high = (scores["risk_band"] == "high").mean()
    assert share_high > 0 and abs(share_high - 0.10) > 0.02
    assert any(f"{(scores['risk_band'] == 'high').sum()} at 3× that or more (high)" in line for line in lines)


def test_without_a_signal_nobody_is_at_high_risk(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    outcome, _ = run(settings, features_table(signal=0.0))
    scores = warehouse(settings, "SELECT risk_band FROM marts.retention_scores")

    assert outcome.status == "validated"
    # The top decile would have been "high" by construction; with nothing to find, nobody stands out.
    assert (scores["risk_band"] == "high").sum() == 0


def test_shuffled_labels_give_an_auc_near_one_half(tmp_path) -> None:
    frame = features_table()
    labelled = frame["label_observed"]
    frame.loc[labelled, LABEL] = np.random.default_rng(5).permutation(frame.loc[labelled, LABEL].to_numpy())
    settings = Settings(data_dir=tmp_path / "data")
    run(settings, frame)
    pooled = warehouse(settings, "SELECT * FROM marts.retention_backtest WHERE scope = 'pooled'").iloc[0]

    assert abs(pooled["roc_auc"] - 0.5) < 0.07
    assert pooled["roc_auc_low"] < 0.5 < pooled["roc_auc_high"]
    assert pooled["brier_skill_low"] < 0


def test_a_feature_recorded_after_the_exit_is_caught_and_nobody_is_scored(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    outcome, lines = run(settings, features_table(leak=True))
    metrics = warehouse(settings, "SELECT * FROM marts.retention_model_metrics").iloc[0]

    assert outcome.status == "leakage_suspected" == metrics["status"] and metrics["leakage_audit"]
    assert "satisfaction alone reaches ROC-AUC" in metrics["leakage_reason"]
    assert "retention_scores" not in marts(settings)
    assert any("WARNING Leakage audit needed before anyone is scored" in line for line in lines)


def test_unknown_values_get_an_indicator_instead_of_the_median(tmp_path) -> None:
    # People who never learn leave four times as often; with the median filled in they would look average.
    settings = Settings(data_dir=tmp_path / "data")
    run(settings, features_table(never_learner_risk=4.0))
    effects = warehouse(settings, "SELECT * FROM marts.retention_feature_effects").set_index("term")
    scores = warehouse(settings, "SELECT * FROM marts.retention_scores")
    features = warehouse(
        settings,
        "SELECT employee_id, days_since_last_statement FROM marts.mart_retention_features "
        "WHERE snapshot_date = (SELECT max(snapshot_date) "
        "FROM marts.mart_retention_features)",
    )
    scored = scores.merge(features, on="employee_id")
    never = scored[scored["days_since_last_statement"].isna()]

    assert set(effects.index) == set(COLUMNS) | {indicator(c) for c in NULLABLE}
    assert effects.loc["days_since_last_statement_missing", "coefficient"] > 0.2
    assert len(never) > 5 and never["risk_score"].median() > scored["risk_score"].median()
    for row in never.itertuples():
        contributions = json.loads(row.contributions)
        assert contributions["days_since_last_statement"] == 0  # the unknown value itself adds nothing
        assert contributions["days_since_last_statement_missing"] > 0
    assert (never["reason_1"] == BY_COLUMN["days_since_last_statement"].when_missing).mean() > 0.5


def test_snapshots_flagged_after_termination_are_never_trained_on_or_scored(tmp_path) -> None:
    frame = features_table()
    # Month-ends after people left, labelled "no exit": what the features mart used to hold.
    leavers = frame[frame[LABEL].fillna(False).astype(bool)].groupby("employee_id").tail(1)
    after = leavers.assign(
        snapshot_date=leavers["snapshot_date"] + timedelta(days=200), is_employed_at_snapshot=False, **{LABEL: False}
    )
    settings = Settings(data_dir=tmp_path / "data")
    run(settings, pd.concat([frame, after], ignore_index=True))
    metrics = warehouse(settings, "SELECT labelled_rows, snapshots FROM marts.retention_model_metrics").iloc[0]
    scored = warehouse(settings, "SELECT employee_id FROM marts.retention_scores")

    assert metrics["labelled_rows"] == int(frame["label_observed"].sum()) and metrics["snapshots"] == len(frame)
    assert not set(scored["employee_id"]) & set(
        after.loc[after["snapshot_date"] >= frame["snapshot_date"].max(), "employee_id"]
    )


def test_too_short_a_history_says_what_is_missing_and_scores_nobody(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    outcome, lines = run(settings, features_table(months=12))
    metrics = warehouse(settings, "SELECT * FROM marts.retention_model_metrics").iloc[0]

    assert outcome.status == "too_short" == metrics["status"] and outcome.tables == ["retention_model_metrics"]
    assert metrics["note"].startswith("Not validated: labelled snapshots run from")
    assert "labelled snapshots up to" in metrics["note"] and "HR's roster must show exits until" in metrics["note"]
    assert pd.isna(metrics["cutoffs"]) and pd.isna(metrics["calibration_slope"])
    assert marts(settings) == {"mart_retention_features", "retention_model_metrics"}
    assert not any("ROC-AUC" in line for line in lines)


def test_latest_snapshot_of_each_employed_person_is_scored_with_three_reasons(trained) -> None:
    settings, _, _ = trained
    scores = warehouse(settings, "SELECT * FROM marts.retention_scores ORDER BY risk_score DESC")
    newest = warehouse(
        settings,
        "SELECT employee_id FROM marts.mart_retention_features "
        "WHERE snapshot_date = (SELECT max(snapshot_date) FROM marts.mart_retention_features)",
    )

    assert sorted(scores["employee_id"]) == sorted(newest["employee_id"])
    assert ((scores["risk_score"] > 0) & (scores["risk_score"] < 1)).all()
    riskiest = scores.iloc[0]
    assert all(isinstance(reason, str) and reason for reason in riskiest[["reason_1", "reason_2", "reason_3"]])
    contributions = json.loads(riskiest["contributions"])
    assert set(contributions) == set(COLUMNS) | {indicator(c) for c in NULLABLE}
    # The first reason names the term with the largest contribution to the riskiest person's score.
    top = max(contributions, key=contributions.get)
    feature = BY_COLUMN[top.removesuffix("_missing")]
    phrasings = {text.split("{")[0] for text in (feature.when_high, feature.when_low, feature.when_missing or "")}
    assert contributions[top] > 0 and any(riskiest["reason_1"].startswith(p) for p in phrasings if p)


def test_same_data_gives_the_same_tables(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    write_features(settings, features_table(employees=300))

    def tables() -> dict[str, pd.DataFrame]:
        return {
            name: warehouse(
                settings, f"SELECT * {'EXCLUDE (trained_at)' if name.endswith('metrics') else ''} FROM marts.{name}"
            )
            for name in sorted(marts(settings))
            if name.startswith("retention")
        }

    run_risk_step(settings)
    first = tables()
    run_risk_step(settings)

    assert len(first) == 6
    for name, frame in tables().items():
        pd.testing.assert_frame_equal(first[name], frame)


def test_switched_off_scoring_computes_nothing_and_removes_earlier_tables(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    run(settings, features_table(employees=300))
    assert {"retention_scores", "retention_model_metrics", "retention_backtest"} <= marts(settings)

    monkeypatch.setenv("LEERSTROOM_RETENTION_SCORING", "false")
    off = Settings(data_dir=settings.data_dir)
    lines: list[str] = []
    outcome = run_risk_step(off, lines.append)

    assert outcome.tables == [] and outcome.status is None
    assert marts(settings) == {"mart_retention_features"}
    assert any("scoring is switched off" in line for line in lines)


def test_without_the_features_mart_nothing_is_written(settings: Settings) -> None:
    settings.warehouse_db.parent.mkdir(parents=True)
    lines: list[str] = []

    assert run_risk_step(settings, lines.append).tables == []
    assert "mart_retention_features is not built" in lines[0]
