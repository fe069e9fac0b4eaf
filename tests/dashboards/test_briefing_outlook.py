"""The briefing's retention outlook: expected voluntary leavers per department against last year's actual ones,
groups only, through disclosure control. On hand-made marts in an in-memory DuckDB (the tables a certified run
publishes, with only the columns the outlook reads), so every figure can be worked out by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import duckdb
import pytest

from dashboards import privacy, roles
from dashboards.briefing.outlook import outlook

K = 5
SCORING = date(2026, 10, 31)
LAST_YEAR = date(2025, 10, 31)
# department -> (people now, each one's risk score), (people a year earlier, of whom voluntary leavers)
DEPARTMENTS = {
    "Engineering": ((12, 0.10), (11, 3)),
    "Sales": ((9, 0.20), (10, 2)),
    "Legal": ((2, 0.50), (2, 1)),  # under k both years
}


@pytest.fixture
def marts() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    con.execute("ATTACH ':memory:' AS lake")
    con.execute("CREATE SCHEMA lake.marts")
    con.execute("CREATE TABLE lake.marts.retention_model_metrics (status VARCHAR, note VARCHAR)")
    con.execute("INSERT INTO lake.marts.retention_model_metrics VALUES ('validated', NULL)")
    con.execute("CREATE TABLE lake.marts.retention_scores (employee_id VARCHAR, snapshot_date DATE, risk_score DOUBLE)")
    con.execute(
        "CREATE TABLE lake.marts.mart_retention_features (employee_id VARCHAR, snapshot_date DATE, "
        "department VARCHAR, label_voluntary_exit_180d BOOLEAN, label_observed BOOLEAN, "
        "is_employed_at_snapshot BOOLEAN)"
    )
    for department, ((now, risk), (then, leavers)) in DEPARTMENTS.items():
        for i in range(now):
            person = f"{department}-now-{i}"
            con.execute("INSERT INTO lake.marts.retention_scores VALUES (?, ?, ?)", [person, SCORING, risk])
            con.execute(
                "INSERT INTO lake.marts.mart_retention_features VALUES (?, ?, ?, NULL, FALSE, TRUE)",
                [person, SCORING, department],
            )
        for i in range(then):
            con.execute(
                "INSERT INTO lake.marts.mart_retention_features VALUES (?, ?, ?, ?, TRUE, TRUE)",
                [f"{department}-then-{i}", LAST_YEAR, department, i < leavers],
            )
    # Someone who had already left by the scoring date is not expected to leave again.
    con.execute("INSERT INTO lake.marts.retention_scores VALUES ('gone', ?, 0.9)", [SCORING])
    con.execute(
        "INSERT INTO lake.marts.mart_retention_features VALUES ('gone', ?, 'Sales', NULL, FALSE, FALSE)", [SCORING]
    )
    yield con
    con.close()


def test_hr_analysts_see_every_department_expected_against_last_year(marts) -> None:
    seen = outlook(marts, privacy.audience(roles.HR_ANALYST), K)
    assert seen.shown and seen.scoring_date == SCORING and seen.last_year_date == LAST_YEAR
    rows = seen.rows.set_index("department")
    for department, ((now, risk), (_then, leavers)) in DEPARTMENTS.items():
        assert rows.at[department, "expected"] == pytest.approx(now * risk)
        assert rows.at[department, "last_year"] == leavers
    assert seen.expected_total == pytest.approx(sum(n * r for (n, r), _ in DEPARTMENTS.values()))
    assert seen.last_year_total == sum(leavers for _, (_, leavers) in DEPARTMENTS.values())
    assert list(seen.rows.columns) == ["department", "expected", "last_year"], "groups only: no person column"


def test_executives_see_no_department_of_fewer_than_k_and_cannot_work_one_out(marts) -> None:
    seen = outlook(marts, privacy.audience(roles.EXECUTIVE), K)
    assert seen.shown
    shown = set(seen.rows["department"])
    assert "Legal" not in shown, "two people: never shown on its own"
    sizes_now = {department: now for department, ((now, _), _) in DEPARTMENTS.items()}
    assert all(sizes_now[department] >= K for department in shown)
    if seen.expected_total is not None:
        # The whole is shown, so what the shown departments leave over must not describe 1 .. k-1 people.
        rest = sum(sizes_now.values()) - sum(sizes_now[department] for department in shown)
        assert rest == 0 or rest >= K
    for department in shown:
        (now, risk), (_then, leavers) = DEPARTMENTS[department]
        assert seen.rows.set_index("department").at[department, "expected"] == pytest.approx(now * risk)


def test_no_outlook_without_a_validated_model(marts) -> None:
    marts.execute("UPDATE lake.marts.retention_model_metrics SET status = 'not_validated', note = 'too few exits'")
    seen = outlook(marts, privacy.audience(roles.EXECUTIVE), K)
    assert not seen.shown and seen.note == "too few exits" and seen.rows.empty
