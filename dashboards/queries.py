"""Every query the dashboards run, cached per lake, certified snapshot and audience (a snapshot never changes).

Functions that can touch small groups take `audience` ('unrestricted' or 'suppressed:<role>',
see dashboards.privacy) and `k`: suppression is part of the SQL, and because both are
arguments, cached results never cross from one role to another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd
import streamlit as st

from dashboards import privacy
from dashboards.connection import certified_lake
from leerstroom import lake
from leerstroom.errors import ConfigurationError
from leerstroom.settings import get_settings
from transform import marts as mart_contracts

# A certified snapshot's rows never change, so results keyed by it may live long;
# only the question "which snapshot is the last certified one" must be asked again soon.
SNAPSHOT_TTL = "1h"
CERTIFICATION_TTL = 15
# The explorer's person-week rows, as their model declares them: who, which week, what a reader may filter by.
WEEKLY = mart_contracts.marts()["mart_engagement_weekly"]
DIMENSIONS = WEEKLY.disclosure.dimensions
ROW_LIMIT = 5000
# Filters travel as a hashable tuple so st.cache_data can key on them: ((dimension, (values...)), ...).
Filters = tuple


@dataclass(frozen=True)
class Certification:
    snapshot_id: int
    raw_snapshot_id: int
    certified_at: datetime
    run_id: str


@st.cache_data(ttl=CERTIFICATION_TTL, show_spinner=False)
def certified_runs(catalog: str) -> list[Certification]:
    """Every certified transform run, newest first; empty when nothing is certified or there is no lake."""
    # A connection of its own each time: a kept one would reload the catalog unguarded whenever the sink committed.
    try:
        rows = lake.read(
            get_settings(),
            lambda con: con.execute(
                "SELECT certified_snapshot_id, raw_snapshot_id, finished_at, run_id FROM lake.meta.transform_runs "
                "WHERE status = 'certified' AND certified_snapshot_id IS NOT NULL ORDER BY certified_snapshot_id DESC"
            ).fetchall(),
        )
    except (ConfigurationError, duckdb.CatalogException):
        return []
    return [Certification(int(s), int(r), at, str(run)) for s, r, at, run in rows]


def certification(catalog: str) -> Certification | None:
    """The last certified transform run, or None when nothing has been certified (or there is no lake yet)."""
    runs = certified_runs(catalog)
    return runs[0] if runs else None


def _frame(catalog: str, snapshot_id: int, sql: str, params: list | None = None) -> pd.DataFrame:
    cursor = certified_lake(catalog, snapshot_id).cursor()
    try:
        return cursor.execute(sql, params or []).df()
    finally:
        cursor.close()


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def tables(catalog: str, snapshot_id: int) -> dict[str, tuple[str, ...]]:
    """'schema.table' -> its columns, for every table in the lake at this snapshot."""
    rows = _frame(
        catalog,
        snapshot_id,
        """
        SELECT schema_name || '.' || table_name AS name, list(column_name ORDER BY column_index) AS columns
        FROM duckdb_columns() WHERE database_name = 'lake' GROUP BY 1
    """,
    )
    return {row.name: tuple(row.columns) for row in rows.itertuples()}


def has_mart(catalog: str, snapshot_id: int, name: str) -> bool:
    return f"marts.{name}" in tables(catalog, snapshot_id)


def columns_of(catalog: str, snapshot_id: int, name: str) -> tuple[str, ...]:
    return tables(catalog, snapshot_id).get(f"marts.{name}", ())


# --- daily activity -------------------------------------------------------------------------------------------


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def activity_headline(catalog: str, snapshot_id: int) -> dict:
    """Totals over the whole mart: statements, learners, active days, and the newest statement's time."""
    row = _frame(
        catalog,
        snapshot_id,
        """
        SELECT coalesce(sum(statement_count), 0) AS statements,
               count(DISTINCT actor_key) AS learners,
               count(DISTINCT activity_date) AS active_days,
               min(activity_date) AS first_date,
               max(last_statement_at) AS newest_statement_at
        FROM lake.marts.mart_daily_activity
    """,
    ).iloc[0]
    return {
        "statements": int(row["statements"]),
        "learners": int(row["learners"]),
        "active_days": int(row["active_days"]),
        "first_date": None if pd.isna(row["first_date"]) else row["first_date"],
        "newest_statement_at": None if pd.isna(row["newest_statement_at"]) else row["newest_statement_at"],
    }


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def newest_statement(catalog: str, snapshot_id: int) -> datetime | None:
    if not has_mart(catalog, snapshot_id, "mart_daily_activity"):
        return None
    return activity_headline(catalog, snapshot_id)["newest_statement_at"]


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def activity_breakdowns(catalog: str, snapshot_id: int, k: int) -> privacy.Breakdowns:
    """Which days and verbs of the daily activity may be shown outside the analyst role."""
    cursor = certified_lake(catalog, snapshot_id).cursor()
    try:
        return privacy.event_breakdowns(
            cursor, "lake.marts.mart_daily_activity", "actor_key", ("activity_date", "verb_id"), k
        )
    finally:
        cursor.close()


def _activity_shown(
    catalog: str, snapshot_id: int, audience: str, k: int, dimension: str, rows: pd.DataFrame
) -> pd.DataFrame:
    """Rows (keyed by their `shown_key`: the dimension's value as text) as `audience` may see them."""
    keys = rows.pop("shown_key")
    if audience == privacy.UNRESTRICTED or rows.empty:
        return rows
    allowed = activity_breakdowns(catalog, snapshot_id, k)
    keep = [allowed.allows(dimension, key) for key in keys]
    shown = rows[keep].reset_index(drop=True)
    shown.attrs["hidden"] = len(rows) - len(shown)
    return shown


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def activity_totals(catalog: str, snapshot_id: int, audience: str, k: int) -> dict | None:
    """The activity page's headline, or None when the whole organisation is under k learners."""
    if audience != privacy.UNRESTRICTED and not activity_breakdowns(catalog, snapshot_id, k).total:
        return None
    return activity_headline(catalog, snapshot_id)


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def statements_per_day(catalog: str, snapshot_id: int, audience: str, k: int) -> pd.DataFrame:
    rows = _frame(
        catalog,
        snapshot_id,
        """
        SELECT activity_date, sum(statement_count) AS statements, count(DISTINCT actor_key) AS learners,
               CAST(activity_date AS VARCHAR) AS shown_key
        FROM lake.marts.mart_daily_activity
        GROUP BY activity_date
        ORDER BY activity_date
    """,
    )
    return _activity_shown(catalog, snapshot_id, audience, k, "activity_date", rows)


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def statements_per_verb(catalog: str, snapshot_id: int, audience: str, k: int) -> pd.DataFrame:
    rows = _frame(
        catalog,
        snapshot_id,
        """
        SELECT verb_id AS verb, sum(statement_count) AS statements, count(DISTINCT actor_key) AS learners,
               count(DISTINCT activity_date) AS active_days, max(last_statement_at) AS last_statement_at,
               verb_id AS shown_key
        FROM lake.marts.mart_daily_activity
        GROUP BY verb_id
        ORDER BY statements DESC, verb
    """,
    )
    return _activity_shown(catalog, snapshot_id, audience, k, "verb_id", rows)


# --- unit-level marts (disclosure control in dashboards.privacy) ---------------------------------------------


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def _mart_rows(catalog: str, snapshot_id: int, mart: str) -> pd.DataFrame:
    """A whole unit-level mart (units x periods: small), before any suppression: never handed to a page as is."""
    return _frame(catalog, snapshot_id, f"SELECT * FROM lake.marts.{mart}")


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def unit_visibility(catalog: str, snapshot_id: int, k: int) -> dict[str, pd.DataFrame]:
    """Which units (people, managers) may be shown, decided once over every unit table of the snapshot (the marts
    whose models declare them so: transform/marts.py)."""
    unit_marts = {
        mart.name: _mart_rows(catalog, snapshot_id, mart.name)
        for mart in mart_contracts.of_shape("units")
        if has_mart(catalog, snapshot_id, mart.name)
    }
    return privacy.unit_visibility(unit_marts, k)


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def unit_rows(
    catalog: str, snapshot_id: int, audience: str, k: int, mart: str, where: str = "TRUE", order: str = "1"
) -> pd.DataFrame:
    """Rows of a unit-level mart as `audience` may see them (see dashboards.privacy.unit_table).

    `where` and `order` are written by the dashboards' own code, never taken from a reader. They apply after
    suppression, which is decided over the whole mart, so a filter cannot change what is hidden. A mart whose
    model declares no disclosure is shown to no one.
    """
    declared = privacy.disclosure(mart)
    if declared is None or not has_mart(catalog, snapshot_id, mart):
        return pd.DataFrame()
    if declared.shape in ("people", "events"):
        return person_rows(catalog, snapshot_id, audience, mart)
    rows = _mart_rows(catalog, snapshot_id, mart)
    if audience != privacy.UNRESTRICTED:
        rows = privacy.unit_table(rows, audience, k, unit_visibility(catalog, snapshot_id, k), mart)
    local = duckdb.connect()
    try:
        local.register("unit_rows", rows)
        return local.execute(f"SELECT * FROM unit_rows WHERE ({where}) ORDER BY {order} LIMIT {ROW_LIMIT}").df()
    finally:
        local.close()


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def person_rows(catalog: str, snapshot_id: int, audience: str, mart: str) -> pd.DataFrame:
    """A person-level mart, for the unrestricted audience only; names from the roster; a mart that declares an opt-in
    (a leaderboard) lists only the people whose roster record has it set."""
    declared = privacy.disclosure(mart)
    if audience != privacy.UNRESTRICTED or declared is None:
        return pd.DataFrame()
    if declared.person != "employee_id":
        return _frame(catalog, snapshot_id, f"SELECT * FROM lake.marts.{mart} LIMIT {ROW_LIMIT}")
    opt_in = ""
    if declared.opt_in:
        # The mart already keeps only opted-in people; the roster is asked again so a mart bug cannot leak anyone.
        opt_in = f"WHERE coalesce(try_cast(json_extract_string(r.attributes, '$.{declared.opt_in}') AS BOOLEAN), FALSE)"
    return _frame(
        catalog,
        snapshot_id,
        f"""
        WITH {_ROSTER_CTE}
        SELECT r.display_name AS name, m.* FROM lake.marts.{mart} m
        {"JOIN" if opt_in else "LEFT JOIN"} roster r USING (employee_id)
        {opt_in}
        LIMIT {ROW_LIMIT}
    """,
    )


_ROSTER_CTE = """
    latest_import AS (
        SELECT import_id FROM lake.raw.roster_imports ORDER BY imported_at DESC LIMIT 1
    ),
    roster AS (
        SELECT employee_id, display_name, attributes FROM lake.raw.roster JOIN latest_import USING (import_id)
    )
"""


# --- overview -------------------------------------------------------------------------------------------------


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def lci_org_month(catalog: str, snapshot_id: int, audience: str, k: int) -> pd.DataFrame:
    return unit_rows(catalog, snapshot_id, audience, k, "mart_lci_org_month", order="month_start")


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def engagement_org_weekly(catalog: str, snapshot_id: int, audience: str, k: int) -> pd.DataFrame:
    return unit_rows(
        catalog,
        snapshot_id,
        audience,
        k,
        "mart_engagement_unit_weekly",
        where="unit_level = 'organisation'",
        order="week_start",
    )


def _risk_source(catalog: str, snapshot_id: int) -> privacy.Microdata:
    employed = (
        "coalesce(f.is_employed_at_snapshot, TRUE)"
        if "is_employed_at_snapshot" in columns_of(catalog, snapshot_id, "mart_retention_features")
        else "TRUE"
    )
    return privacy.Microdata(
        f"""(
        SELECT s.employee_id, s.snapshot_date, coalesce(f.department, '?') AS department, s.risk_band
        FROM lake.marts.retention_scores s
        JOIN (SELECT max(snapshot_date) AS snapshot_date FROM lake.marts.retention_scores) USING (snapshot_date)
        LEFT JOIN lake.marts.mart_retention_features f USING (employee_id, snapshot_date)
        WHERE {employed})""",
        "employee_id",
        "snapshot_date",
        ("department",),
    )


@st.cache_resource(ttl=SNAPSHOT_TTL, max_entries=8, show_spinner=False)
def risk_groups(catalog: str, snapshot_id: int, k: int) -> pd.DataFrame:
    """The scoring-date groups the risk headline may publish (dashboards.privacy.catalogue); read, never changed."""
    cursor = certified_lake(catalog, snapshot_id).cursor()
    try:
        return privacy.catalogue(cursor, _risk_source(catalog, snapshot_id), k)
    finally:
        cursor.close()


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def risk_by_department(catalog: str, snapshot_id: int, audience: str, k: int) -> pd.DataFrame:
    """Share of people in the high risk band per department, at the newest scoring date, as `audience` may see it."""
    if not (
        has_mart(catalog, snapshot_id, "retention_scores") and has_mart(catalog, snapshot_id, "mart_retention_features")
    ):
        return pd.DataFrame()
    published = None if audience == privacy.UNRESTRICTED else risk_groups(catalog, snapshot_id, k)
    cursor = certified_lake(catalog, snapshot_id).cursor()
    try:
        rows = privacy.aggregate(
            cursor,
            _risk_source(catalog, snapshot_id),
            published,
            by="department",
            measures={
                "people": "count(*)",
                "share_high": "avg(CASE WHEN risk_band = 'high' THEN 1.0 ELSE 0.0 END)",
                "snapshot_date": "any_value(snapshot_date)",
            },
            order="share_high DESC, unit",
        )
    finally:
        cursor.close()
    return rows.rename(columns={"unit": "department"})


# --- explorer (person-week rows: every aggregate through dashboards.privacy.aggregate) --------------------------

ENGAGEMENT = privacy.Microdata(
    f"lake.marts.{WEEKLY.name}",
    WEEKLY.disclosure.person,
    WEEKLY.disclosure.period,
    DIMENSIONS,
    breakdown=WEEKLY.disclosure.breakdown,
)


def _where(filters: Filters, week_from=None, week_to=None, alias: str = "w") -> tuple[str, list]:
    return privacy.filter_sql(ENGAGEMENT, filters, (week_from, week_to), alias)


@st.cache_resource(ttl=SNAPSHOT_TTL, max_entries=8, show_spinner=False)
def engagement_groups(catalog: str, snapshot_id: int, k: int) -> pd.DataFrame:
    """The person-week groups the explorer may publish outside the analyst role (dashboards.privacy.catalogue).

    Kept as one shared object (read, never changed): it can hold hundreds of thousands of rows, which a copy per
    use, as st.cache_data makes, would cost more than the queries it guards.
    """
    cursor = certified_lake(catalog, snapshot_id).cursor()
    try:
        return privacy.catalogue(cursor, ENGAGEMENT, k)
    finally:
        cursor.close()


def _engagement(catalog: str, snapshot_id: int, audience: str, k: int, **kwargs) -> pd.DataFrame:
    published = None if audience == privacy.UNRESTRICTED else engagement_groups(catalog, snapshot_id, k)
    cursor = certified_lake(catalog, snapshot_id).cursor()
    try:
        return privacy.aggregate(cursor, ENGAGEMENT, published, **kwargs)
    finally:
        cursor.close()


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def explorer_options(catalog: str, snapshot_id: int) -> dict:
    """The values each filter offers, the weeks covered, and managers' names (a manager is named as a unit)."""
    options = {}
    for dimension in DIMENSIONS:
        options[dimension] = _frame(
            catalog,
            snapshot_id,
            f"""
            SELECT DISTINCT {dimension} AS value FROM lake.marts.mart_engagement_weekly
            WHERE {dimension} IS NOT NULL ORDER BY 1
        """,
        )["value"].tolist()
    weeks = _frame(
        catalog,
        snapshot_id,
        "SELECT min(week_start) AS first, max(week_start) AS last FROM lake.marts.mart_engagement_weekly",
    )
    options["weeks"] = (weeks["first"].iloc[0], weeks["last"].iloc[0])
    options["manager_names"] = manager_names(catalog, snapshot_id)
    pairs = _frame(
        catalog,
        snapshot_id,
        """
        SELECT DISTINCT department, team FROM lake.marts.mart_engagement_weekly
        WHERE department IS NOT NULL AND team IS NOT NULL ORDER BY 1, 2
    """,
    )
    options["teams_by_department"] = pairs.groupby("department")["team"].apply(list).to_dict()
    return options


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def manager_names(catalog: str, snapshot_id: int) -> dict[str, str]:
    if "raw.roster" not in tables(catalog, snapshot_id):
        return {}
    names = _frame(
        catalog,
        snapshot_id,
        f"""
        WITH {_ROSTER_CTE}
        SELECT employee_id, display_name FROM roster
        WHERE employee_id IN (SELECT DISTINCT manager_id FROM lake.raw.roster WHERE manager_id IS NOT NULL)
    """,
    )
    return {row.employee_id: row.display_name or row.employee_id for row in names.itertuples()}


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def unit_comparison(
    catalog: str, snapshot_id: int, audience: str, k: int, filters: Filters, week_from, week_to, by: str
) -> pd.DataFrame:
    """One row per unit (value of `by`) over the filtered people and weeks, as `audience` may see it."""
    if by not in DIMENSIONS:
        raise ValueError(f"cannot compare by {by!r}")
    return _engagement(
        catalog,
        snapshot_id,
        audience,
        k,
        by=by,
        filters=filters,
        periods=(week_from, week_to),
        order="avg_engagement_index DESC NULLS LAST, unit",
        measures={
            "headcount": "count(DISTINCT employee_id)",
            "active_learners": "count(DISTINCT CASE WHEN active_days > 0 THEN employee_id END)",
            "avg_engagement_index": "round(avg(engagement_index), 1)",
            "learning_minutes": "round(sum(learning_minutes), 0)",
            "completions": "sum(completions)",
            "social_actions": "sum(social_actions)",
        },
    )


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def engagement_trend(
    catalog: str, snapshot_id: int, audience: str, k: int, filters: Filters, week_from, week_to
) -> pd.DataFrame:
    rows = _engagement(
        catalog,
        snapshot_id,
        audience,
        k,
        by="week_start",
        filters=filters,
        periods=(week_from, week_to),
        order="unit",
        measures={
            "headcount": "count(DISTINCT employee_id)",
            "avg_engagement_index": "round(avg(engagement_index), 1)",
        },
    )
    return rows.rename(columns={"unit": "week_start"})


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def segments(
    catalog: str, snapshot_id: int, audience: str, k: int, filters: Filters, week_from, week_to
) -> pd.DataFrame:
    """People per engagement segment in the last week of the period, as `audience` may see them."""
    where, params = _where(filters, week_from, week_to)
    last = _frame(
        catalog,
        snapshot_id,
        f"SELECT max(week_start) AS w FROM lake.marts.mart_engagement_weekly w WHERE {where}",
        params,
    )["w"].iloc[0]
    if pd.isna(last):
        return pd.DataFrame(columns=["segment", "people", "week_start"])
    rows = _engagement(
        catalog,
        snapshot_id,
        audience,
        k,
        by="engagement_segment",
        filters=filters,
        periods=(last, last),
        order="people DESC, unit",
        measures={"people": "count(DISTINCT employee_id)", "week_start": "any_value(week_start)"},
    )
    return rows.rename(columns={"unit": "segment"})


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def people(catalog: str, snapshot_id: int, audience: str, filters: Filters, week_from, week_to) -> pd.DataFrame:
    """One row per person over the period (unrestricted audience only): the drill-down's last level."""
    if audience != privacy.UNRESTRICTED:
        return pd.DataFrame()
    where, params = _where(filters, week_from, week_to)
    return _frame(
        catalog,
        snapshot_id,
        f"""
        WITH {_ROSTER_CTE},
        filtered AS (SELECT * FROM lake.marts.mart_engagement_weekly w WHERE {where}),
        latest AS (
            SELECT employee_id, engagement_segment FROM filtered
            QUALIFY row_number() OVER (PARTITION BY employee_id ORDER BY week_start DESC) = 1
        )
        SELECT f.employee_id, any_value(r.display_name) AS name, any_value(f.department) AS department,
               any_value(f.team) AS team, any_value(f.job_role) AS job_role, any_value(f.location) AS location,
               round(avg(f.engagement_index), 1) AS avg_engagement_index, sum(f.active_days) AS active_days,
               round(sum(f.learning_minutes), 0) AS learning_minutes, any_value(l.engagement_segment) AS segment
        FROM filtered f LEFT JOIN roster r USING (employee_id) LEFT JOIN latest l USING (employee_id)
        GROUP BY f.employee_id ORDER BY avg_engagement_index, f.employee_id
        LIMIT {ROW_LIMIT}
    """,
        params,
    )


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def risk_list(catalog: str, snapshot_id: int, audience: str, filters: Filters) -> pd.DataFrame:
    """People by retention risk at the newest scoring date, with their top-3 reasons (unrestricted only)."""
    if audience != privacy.UNRESTRICTED or not (
        has_mart(catalog, snapshot_id, "retention_scores") and has_mart(catalog, snapshot_id, "mart_retention_features")
    ):
        return pd.DataFrame()
    where, params = _where(filters, alias="f")
    # How the probability compares with the usual rate ("3.2×"); snapshots certified before it existed lack it.
    relative = (
        "round(s.relative_risk, 1) AS relative_risk, "
        if "relative_risk" in columns_of(catalog, snapshot_id, "retention_scores")
        else ""
    )
    return _frame(
        catalog,
        snapshot_id,
        f"""
        WITH {_ROSTER_CTE},
        newest AS (SELECT max(snapshot_date) AS snapshot_date FROM lake.marts.retention_scores)
        SELECT s.employee_id, r.display_name AS name, f.department, f.team, f.job_role, f.location,
               round(s.risk_score, 3) AS risk_score, {relative}s.risk_band, s.reason_1, s.reason_2, s.reason_3,
               s.snapshot_date
        FROM lake.marts.retention_scores s
        JOIN newest USING (snapshot_date)
        JOIN lake.marts.mart_retention_features f USING (employee_id, snapshot_date)
        LEFT JOIN roster r USING (employee_id)
        WHERE {where}
        ORDER BY s.risk_score DESC, s.employee_id
        LIMIT {ROW_LIMIT}
    """,
        params,
    )


# --- retention model page (HR analysts and admins): how good the model is, never who is at risk -----------------
# These read only aggregates. The two tables that count people per group (departments, tenths of predicted risk)
# go through dashboards.privacy.partition_table for every audience but the analysts'.


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def retention_model(catalog: str, snapshot_id: int) -> dict | None:
    """The model's one-row summary: status and note, data window, base rate, recalibration, bands, when trained."""
    if not has_mart(catalog, snapshot_id, "retention_model_metrics"):
        return None
    rows = _frame(catalog, snapshot_id, "SELECT * FROM lake.marts.retention_model_metrics LIMIT 1")
    return None if rows.empty else rows.iloc[0].to_dict()


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def retention_backtest(catalog: str, snapshot_id: int) -> pd.DataFrame:
    """Figures with their intervals per cutoff, then pooled (the last row)."""
    if not has_mart(catalog, snapshot_id, "retention_backtest"):
        return pd.DataFrame()
    return _frame(
        catalog, snapshot_id, "SELECT * FROM lake.marts.retention_backtest ORDER BY scope = 'pooled', cutoff_date"
    )


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def retention_calibration(catalog: str, snapshot_id: int, audience: str, k: int, scope: str = "pooled") -> pd.DataFrame:
    """Predicted against observed per tenth of predicted risk, as `audience` may see it (privacy.partition_table)."""
    if not has_mart(catalog, snapshot_id, "retention_calibration"):
        return pd.DataFrame()
    rows = _frame(
        catalog,
        snapshot_id,
        """
        SELECT decile, rows, mean_predicted, observed_rate, expected_exits, exits
        FROM lake.marts.retention_calibration WHERE scope = ? ORDER BY decile
    """,
        [scope],
    )
    return privacy.partition_table(rows, audience, k, "rows")


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def retention_department_exits(catalog: str, snapshot_id: int, audience: str, k: int) -> pd.DataFrame:
    """Expected against actual exits per department over the pooled backtest, as `audience` may see them: the
    organisation's total is on the same page, so the hidden departments together must hold 0 or at least k."""
    if not has_mart(catalog, snapshot_id, "retention_department_exits"):
        return pd.DataFrame()
    rows = _frame(
        catalog,
        snapshot_id,
        """
        SELECT department, people, snapshots, round(expected_exits, 1) AS expected_exits, actual_exits
        FROM lake.marts.retention_department_exits WHERE scope = 'pooled'
        ORDER BY department
    """,
    )
    return privacy.partition_table(rows, audience, k, "people")


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def retention_feature_effects(catalog: str, snapshot_id: int) -> pd.DataFrame:
    """Each model term's weight per standard deviation, its range over the cutoffs and how often it is a reason."""
    if not has_mart(catalog, snapshot_id, "retention_feature_effects"):
        return pd.DataFrame()
    return _frame(
        catalog,
        snapshot_id,
        """
        SELECT term, description, is_missing_indicator, coefficient, odds_ratio_per_sd, coefficient_min,
               coefficient_max, share_among_reasons, share_unknown
        FROM lake.marts.retention_feature_effects ORDER BY abs(coefficient) DESC, term
    """,
    )


# --- what the culture figures measure (coverage, complete periods, the LCI's validation) ------------------------


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def lci_validation(catalog: str, snapshot_id: int, audience: str) -> pd.DataFrame:
    """The LCI against next-quarter retention (mart_lci_validation), for HR analysts only; the pooled rows
    (quarter_start null) first. Its units are all above the privacy threshold already."""
    if audience != privacy.UNRESTRICTED or not has_mart(catalog, snapshot_id, "mart_lci_validation"):
        return pd.DataFrame()
    return _frame(
        catalog,
        snapshot_id,
        """
        SELECT * FROM lake.marts.mart_lci_validation
        ORDER BY unit_level, quarter_start DESC NULLS FIRST
    """,
    )
