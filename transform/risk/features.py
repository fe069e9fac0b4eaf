"""The model's features, read from marts.mart_retention_features, and how each reads as a reason in plain words."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

FEATURES_TABLE = "marts.mart_retention_features"
LABEL = "label_voluntary_exit_180d"
MISSING = "_missing"


@dataclass(frozen=True)
class Feature:
    column: str
    when_high: str  # the reason when a high value raises the risk
    when_low: str  # the reason when a low value raises the risk
    # The reason when the value is unknown and that raises the risk; None for features that are never unknown.
    # Such features get an indicator column of their own, so "unknown" is learned, never silently filled in.
    when_missing: str | None = None

    def reason(self, value: float, raises_when_high: bool) -> str:
        text = self.when_high if raises_when_high else self.when_low
        return text.format(value=value)


FEATURES = (
    Feature(
        "days_since_last_statement",
        "no learning activity for {value:.0f} days",
        "learning very recently ({value:.0f} days ago)",
        when_missing="no learning statement at all yet",
    ),
    Feature(
        "engagement_slope",
        "learning more in the last 4 weeks than in the 8 before",
        "learning less in the last 4 weeks than in the 8 before",
    ),
    Feature("failed_not_retried", "{value:.0f} failed attempts never retried", "retries failed attempts"),
    Feature("goals_open", "{value:.0f} goals defined but not completed", "no open goals"),
    Feature("path_stalled", "learning path stalled for 30 days or more", "learning path moving"),
    Feature("zero_social", "no social learning (posts, replies, reviews)", "takes part in social learning"),
    Feature("manager_touchpoints", "many manager touchpoints ({value:.0f})", "few manager touchpoints ({value:.0f})"),
    Feature("badges_90d", "{value:.0f} badges in the last 90 days", "no badges or certificates in the last 90 days"),
    Feature(
        "tenure_days",
        "long tenure ({value:.0f} days)",
        "short tenure ({value:.0f} days)",
        when_missing="no hire date on the roster",
    ),
    Feature(
        "days_since_promotion",
        "no promotion for {value:.0f} days",
        "promoted recently ({value:.0f} days ago)",
        when_missing="no promotion on the roster in force then",
    ),
    Feature(
        "overtime_hours",
        "much overtime ({value:.0f} hours)",
        "little overtime ({value:.0f} hours)",
        when_missing="no overtime recorded on the roster in force then",
    ),
    Feature(
        "satisfaction",
        "high satisfaction score ({value:.1f})",
        "low satisfaction score ({value:.1f})",
        when_missing="no satisfaction score on the roster in force then",
    ),
)
COLUMNS = [f.column for f in FEATURES]
NULLABLE = [f.column for f in FEATURES if f.when_missing is not None]
BY_COLUMN = {f.column: f for f in FEATURES}


def indicator(column: str) -> str:
    """The name of the 0/1 column that says `column` was unknown."""
    return f"{column}{MISSING}"


def plain_name(term: str) -> str:
    """A model term (a feature or its missing indicator) as a reader would name it."""
    if term.endswith(MISSING) and term[: -len(MISSING)] in BY_COLUMN:
        return f"{term[: -len(MISSING)].replace('_', ' ')} unknown"
    return term.replace("_", " ")


def features_present(con: duckdb.DuckDBPyConnection) -> bool:
    schema, table = FEATURES_TABLE.split(".")
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?", [schema, table]
        ).fetchone()[0]
    )


def read_features(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per employee × month-end snapshot while employed; booleans as 0/1 so that every feature is numeric.

    The mart holds only snapshots before the termination date; the filter repeats that rule here, so that no
    training or scored row can come from after someone left, whatever built the table."""
    casts = ", ".join(f"{c}::DOUBLE AS {c}" for c in COLUMNS)
    frame = con.execute(
        f"SELECT employee_id, snapshot_date::DATE AS snapshot_date, coalesce(department, 'unknown') AS department, "
        f"hr_record_imported_at, {casts}, {LABEL}, label_observed FROM {FEATURES_TABLE} "
        "WHERE is_employed_at_snapshot ORDER BY snapshot_date, employee_id"
    ).df()
    frame["snapshot_date"] = pd.to_datetime(frame["snapshot_date"])
    return frame
