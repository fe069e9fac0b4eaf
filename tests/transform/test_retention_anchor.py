"""bench/retention_anchor.py on an IBM-shaped file the test writes itself (the real sample stays outside the repo)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from bench import retention_anchor
from tests.fixtures.data import REPO

COLUMNS = [
    "Age",
    "Attrition",
    "BusinessTravel",
    "DailyRate",
    "Department",
    "DistanceFromHome",
    "Education",
    "EducationField",
    "EmployeeCount",
    "EmployeeNumber",
    "EnvironmentSatisfaction",
    "Gender",
    "HourlyRate",
    "JobInvolvement",
    "JobLevel",
    "JobRole",
    "JobSatisfaction",
    "MaritalStatus",
    "MonthlyIncome",
    "MonthlyRate",
    "NumCompaniesWorked",
    "Over18",
    "OverTime",
    "PercentSalaryHike",
    "PerformanceRating",
    "RelationshipSatisfaction",
    "StandardHours",
    "StockOptionLevel",
    "TotalWorkingYears",
    "TrainingTimesLastYear",
    "WorkLifeBalance",
    "YearsAtCompany",
    "YearsInCurrentRole",
    "YearsSinceLastPromotion",
    "YearsWithCurrManager",
]


def ibm_shaped(path: Path, people: int = 400, seed: int = 2) -> Path:
    """The sample's 35 columns with invented values: overtime and low job satisfaction make leaving likelier."""
    rng = np.random.default_rng(seed)
    overtime = rng.random(people) < 0.3
    satisfaction = rng.integers(1, 5, people)
    odds = -2.2 + 1.3 * overtime - 0.45 * (satisfaction - 2.5)
    frame = pd.DataFrame({column: rng.integers(0, 10, people) for column in COLUMNS})
    frame = frame.assign(
        Attrition=np.where(rng.random(people) < 1 / (1 + np.exp(-odds)), "Yes", "No"),
        BusinessTravel=rng.choice(["Travel_Rarely", "Non-Travel"], people),
        Department=rng.choice(["Sales", "Research & Development"], people),
        EducationField="Life Sciences",
        Gender=rng.choice(["Female", "Male"], people),
        JobRole=rng.choice(["Sales Executive", "Manager"], people),
        MaritalStatus=rng.choice(["Single", "Married"], people),
        Over18="Y",
        OverTime=np.where(overtime, "Yes", "No"),
        JobSatisfaction=satisfaction,
        EmployeeCount=1,
        StandardHours=80,
        EmployeeNumber=np.arange(1, people + 1),
    )
    path.write_text(frame.to_csv(index=False), encoding="utf-8-sig")  # the real file starts with a BOM too
    return path


def test_anchor_prints_leerstrooms_figures_with_intervals_next_to_the_references(tmp_path, capsys, monkeypatch) -> None:
    fits = []
    real_fit = retention_anchor.fit

    def recording_fit(*args, **kwargs):
        fits.append(kwargs["columns"])
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(retention_anchor, "fit", recording_fit)

    assert retention_anchor.main([str(ibm_shaped(tmp_path / "ibm.csv")), "--repeats", "2", "--replicates", "100"]) == 0
    printed = capsys.readouterr().out
    rows = {
        line.split("  ")[0].strip(): line for line in printed.splitlines() if "±" in line and "fold mean" not in line
    }

    assert "400 people" in printed and "NOT the expected file" in printed
    assert len(fits) == 4 * 2 * 5  # four attribute sets, two repeats of five folds, all through Leerstroom's fit
    for name, reference in (("six development-related attributes", "0.704"), ("the first four of those", "0.66")):
        assert reference in rows[name]
    for line in rows.values():
        point, low, high = map(float, re.search(r"(\d\.\d{3}) \[(\d\.\d{3}), (\d\.\d{3})\]", line).groups())
        assert low <= point <= high
    # Overtime and job satisfaction carry the invented signal: Leerstroom's roster features find it, the
    # development attributes (noise here) do not.
    auc = {name: float(re.search(r"(\d\.\d{3}) \[", line).group(1)) for name, line in rows.items()}
    roster = next(value for name, value in auc.items() if name.startswith("Leerstroom's roster features"))
    assert roster > 0.65 and auc["six development-related attributes"] < 0.6


def test_anchor_refuses_another_file_and_says_where_the_sample_is_expected(tmp_path, capsys) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")

    assert retention_anchor.main([str(other)]) == 2
    assert "this is not IBM's HR attrition sample" in capsys.readouterr().err
    assert retention_anchor.main([str(tmp_path / "absent.csv")]) == 2
    assert "docs/retention-and-quality.md" in capsys.readouterr().err
    assert REPO.parent / "shared" / "datasets" / "ibm-hr-attrition.csv" == retention_anchor.DEFAULT_PATH
