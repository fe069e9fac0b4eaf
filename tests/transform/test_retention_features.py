"""The retention features through the real `dbt build`: rows only while employed, HR attributes as they were then.

A hand-made organisation with three roster imports, statements from January to early April 2025
(snapshots 31 Jan, 28 Feb, 31 Mar):
- import A (1 Jan): e1 satisfaction 2.0, overtime 12, promoted 1 Jun 2023; e2, e4 (no satisfaction), e5;
- import B (15 Feb): e1 satisfaction 4.5, overtime 3, promoted 10 Feb 2025; e3 joins (hired 1 Feb);
- import C (5 Apr, after every snapshot): e1 satisfaction 1.0, overtime 40, promoted 1 Apr 2025; e2 has left on
  28 Feb (voluntarily); e4 gets a satisfaction score; e6, hired in 2024, is on a roster for the first time.
The warehouse is built once with A and B, then again after C and some late statements arrive: nothing C records,
and nothing that became known after a snapshot, may change a feature of that snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import pytest

from leerstroom.settings import Settings
from tests.transform.lake_rows import append_raw
from tests.transform.test_metrics_lake import VERBS, Employee, Warehouse, at, dbt_build, import_roster, statement
from transform.risk.features import COLUMNS

SNAPSHOTS = [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]
HR = "hr_record_imported_at"


def roster(version: str) -> list[Employee]:
    e1 = {
        "A": {"satisfaction": 2.0, "overtime_hours": 12, "last_promotion_date": "2023-06-01"},
        "B": {"satisfaction": 4.5, "overtime_hours": 3, "last_promotion_date": "2025-02-10"},
        "C": {"satisfaction": 1.0, "overtime_hours": 40, "last_promotion_date": "2025-04-01"},
    }[version]
    # In version C, e2 left (voluntarily) at the end of February.
    left: dict[str, Any] = {"termination_date": date(2025, 2, 28), "exit_voluntary": True} if version == "C" else {}
    people = [
        Employee("e5", "Sales", "North"),
        Employee("e1", "Sales", "North", "e5", attributes=e1),
        Employee(
            "e2",
            "Sales",
            "North",
            "e5",
            attributes={"satisfaction": 3.0},
            **left,
        ),
        Employee("e4", "Sales", "North", "e5", attributes={"satisfaction": 3.5} if version == "C" else {}),
    ]
    if version in "BC":
        people.append(
            Employee("e3", "Sales", "North", "e5", hire_date=date(2025, 2, 1), attributes={"satisfaction": 3.8})
        )
    if version == "C":
        people.append(
            Employee("e6", "Sales", "North", "e5", hire_date=date(2024, 3, 1), attributes={"satisfaction": 2.2})
        )
    return people


def statements() -> list[dict]:
    made = [
        statement(person, VERBS + "experienced", f"2025-{day} 09:00")
        for person in ("e1", "e2", "e3", "e5")
        for day in ("01-06", "02-03", "03-03")
    ]
    made += [
        statement("e4", VERBS + "experienced", "2025-01-08 10:00"),
        statement("e5", VERBS + "experienced", "2025-04-02 08:00"),
    ]  # the data reaches 31 Mar
    return made


def late_statements() -> list[dict]:
    # Learning on 10 Feb that reached the LRS only on 6 Apr: unknown at every snapshot.
    return [
        statement(person, VERBS + "experienced", "2025-02-10 09:00", stored="2025-04-06 09:00")
        for person in ("e1", "e4", "e6")
    ]


@dataclass
class Builds:
    before: pd.DataFrame  # after imports A and B
    after: pd.DataFrame  # after import C and the late statements
    terminations: pd.DataFrame


def features(settings: Settings) -> pd.DataFrame:
    warehouse = Warehouse(settings)
    try:
        return warehouse.con.execute("SELECT * FROM marts.mart_retention_features").df()
    finally:
        warehouse.close()


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builds]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("retention") / "data")
    import_roster(settings, roster("A"), at("2025-01-01 00:00"), "a.csv")
    import_roster(settings, roster("B"), at("2025-02-15 12:00"), "b.csv")
    append_raw(settings, statements())
    select = ["--select", "+mart_retention_features+", "--indirect-selection", "buildable"]
    dbt_build(settings, *select)
    before = features(settings)
    import_roster(settings, roster("C"), at("2025-04-05 12:00"), "c.csv")
    append_raw(settings, late_statements(), first_offset=len(statements()))
    dbt_build(settings, *select)
    warehouse = Warehouse(settings)
    try:
        terminations = warehouse.con.execute(
            "SELECT employee_id, hire_date, termination_date FROM staging.stg_hris__employees"
        ).df()
    finally:
        warehouse.close()
    yield Builds(before, features(settings), terminations)


def rows_of(frame: pd.DataFrame, employee: str) -> pd.DataFrame:
    found = frame[frame["employee_id"] == employee].sort_values("snapshot_date")
    return found.assign(snapshot_date=pd.to_datetime(found["snapshot_date"]).dt.date).set_index("snapshot_date")


def test_no_snapshot_on_or_after_a_termination_date(builds: Builds) -> None:
    # e2 left on 28 Feb: only the January snapshot remains; before C was imported HR did not know yet.
    assert list(rows_of(builds.after, "e2").index) == SNAPSHOTS[:1]
    assert list(rows_of(builds.before, "e2").index) == SNAPSHOTS
    merged = builds.after.merge(builds.terminations, on="employee_id")
    snapshot = pd.to_datetime(merged["snapshot_date"])
    assert not (snapshot >= pd.to_datetime(merged["termination_date"])).any()
    assert not (snapshot < pd.to_datetime(merged["hire_date"])).any()
    assert merged["is_employed_at_snapshot"].all()


def test_hr_attributes_are_those_of_the_roster_in_force_at_each_snapshot(builds: Builds) -> None:
    e1 = rows_of(builds.after, "e1")
    assert list(e1["satisfaction"]) == [2.0, 4.5, 4.5]  # never C's 1.0, recorded after every snapshot
    assert list(e1["overtime_hours"]) == [12, 3, 3]
    # At 31 Jan import A says promoted 1 Jun 2023; B's promotion of 10 Feb 2025 counts only from B's snapshots on.
    assert list(e1["days_since_promotion"]) == [(SNAPSHOTS[0] - date(2023, 6, 1)).days, 18, 49]
    assert [t.date() for t in pd.to_datetime(e1[HR])] == [date(2025, 1, 1), date(2025, 2, 15), date(2025, 2, 15)]
    e3 = rows_of(builds.after, "e3")
    assert list(e3.index) == SNAPSHOTS[1:] and list(e3["satisfaction"]) == [3.8, 3.8]


def test_attributes_no_roster_held_yet_stay_unknown(builds: Builds) -> None:
    # e4's first satisfaction score arrived with import C: unknown at every snapshot, not filled in later.
    assert rows_of(builds.after, "e4")["satisfaction"].isna().all()
    # e6 is on a roster only since C: no HR record at any snapshot, though hired in 2024 (tenure is still known).
    e6 = rows_of(builds.after, "e6")
    assert list(e6.index) == SNAPSHOTS
    assert e6[HR].isna().all() and e6[["satisfaction", "overtime_hours", "days_since_promotion"]].isna().all().all()
    assert e6["tenure_days"].notna().all()
    # e6 never learned before the snapshots: unknown, not zero and not a median.
    assert e6["days_since_last_statement"].isna().all()


def test_nothing_recorded_after_a_snapshot_changes_its_features(builds: Builds) -> None:
    # The features the model reads, for every snapshot both builds hold.
    compared = ["employee_id", "snapshot_date", *COLUMNS]
    before = builds.before[compared].set_index(["employee_id", "snapshot_date"]).sort_index()
    after = builds.after[compared].set_index(["employee_id", "snapshot_date"]).sort_index()
    common = before.index.intersection(after.index)
    assert len(common) >= 12
    pd.testing.assert_frame_equal(before.loc[common], after.loc[common], check_dtype=False)
