"""The retention outlook per department: the voluntary leavers the model expects in the next six months, against
the voluntary leavers of the same six months a year earlier. Groups only, through disclosure control; no names."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from dashboards import privacy

VALIDATED = "validated"


@dataclass(frozen=True)
class Outlook:
    status: str | None  # the model's status; None when no model was trained
    note: str | None  # why it is not validated, in the model's words
    scoring_date: date | None = None  # whose employees the expectation is about
    last_year_date: date | None = None  # the same month-end a year earlier
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)  # department, expected, last_year
    expected_total: float | None = None
    last_year_total: float | None = None

    @property
    def shown(self) -> bool:
        return self.status == VALIDATED and self.scoring_date is not None


def _marts(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    rows = con.execute(
        "SELECT table_name, list(column_name) FROM duckdb_columns() "
        "WHERE database_name = 'lake' AND schema_name = 'marts' GROUP BY 1"
    ).fetchall()
    return {name: set(columns) for name, columns in rows}


def _year_before(day: date) -> date:
    """The same month's last day a year earlier (scoring dates are month-ends)."""
    first_next = date(day.year - 1 + (day.month == 12), day.month % 12 + 1, 1)
    return date.fromordinal(first_next.toordinal() - 1)


def _source(scoring: date, last_year: date, employed: str) -> privacy.Microdata:
    return privacy.Microdata(
        f"""(
        SELECT s.employee_id, s.snapshot_date, coalesce(f.department, '?') AS department, s.risk_score AS expected,
               NULL::INTEGER AS left_voluntarily
        FROM lake.marts.retention_scores s
        LEFT JOIN lake.marts.mart_retention_features f USING (employee_id, snapshot_date)
        WHERE s.snapshot_date = DATE '{scoring.isoformat()}' AND {employed}
        UNION ALL
        SELECT f.employee_id, f.snapshot_date, coalesce(f.department, '?'), NULL::DOUBLE,
               CASE WHEN f.label_voluntary_exit_180d THEN 1 ELSE 0 END
        FROM lake.marts.mart_retention_features f
        WHERE f.snapshot_date = DATE '{last_year.isoformat()}' AND f.label_observed AND {employed}
    )""",
        "employee_id",
        "snapshot_date",
        ("department",),
    )


def outlook(con: duckdb.DuckDBPyConnection, audience: str, k: int) -> Outlook:
    marts = _marts(con)
    if "retention_model_metrics" not in marts:
        return Outlook(None, None)
    status, note = con.execute("SELECT status, note FROM lake.marts.retention_model_metrics LIMIT 1").fetchone() or (
        None,
        None,
    )
    if status != VALIDATED or "retention_scores" not in marts or "mart_retention_features" not in marts:
        return Outlook(status, note)
    scoring = con.execute("SELECT max(snapshot_date) FROM lake.marts.retention_scores").fetchone()[0]
    if scoring is None:
        return Outlook(status, note)
    last_year = _year_before(scoring)
    employed = (
        "coalesce(f.is_employed_at_snapshot, TRUE)"
        if "is_employed_at_snapshot" in marts["mart_retention_features"]
        else "TRUE"
    )
    source = _source(scoring, last_year, employed)
    published = None if audience == privacy.UNRESTRICTED else privacy.catalogue(con, source, k)

    def figures(day: date, by: str | None, measures: dict) -> pd.DataFrame:
        return privacy.aggregate(con, source, published, by=by, measures=measures, periods=(day, day))

    expected = figures(scoring, "department", {"expected": "sum(expected)"})
    actual = figures(last_year, "department", {"last_year": "sum(left_voluntarily)"})
    rows = expected.merge(actual, on="unit", how="outer").rename(columns={"unit": "department"})
    rows = rows.sort_values(["expected", "department"], ascending=[False, True], na_position="last")
    whole = figures(scoring, None, {"expected": "sum(expected)"})
    whole_last = figures(last_year, None, {"last_year": "sum(left_voluntarily)"})
    return Outlook(
        status,
        note,
        scoring,
        last_year,
        rows.reset_index(drop=True),
        None if whole.empty else float(whole["expected"].iloc[0]),
        None if whole_last.empty else float(whole_last["last_year"].iloc[0]),
    )
