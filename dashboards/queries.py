"""Every query the dashboards run, cached per lake and certified snapshot (a snapshot never changes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd
import streamlit as st

from dashboards.connection import certified_lake, latest_lake
from leerstroom import lake
from leerstroom.errors import ConfigurationError

# A certified snapshot's rows never change, so results keyed by it may live long;
# only the question "which snapshot is the last certified one" must be asked again soon.
SNAPSHOT_TTL = "1h"
CERTIFICATION_TTL = 15


@dataclass(frozen=True)
class Certification:
    snapshot_id: int
    raw_snapshot_id: int
    certified_at: datetime
    run_id: str


@st.cache_data(ttl=CERTIFICATION_TTL, show_spinner=False)
def certification(catalog: str) -> Certification | None:
    """The last certified transform run, or None when nothing has been certified (or there is no lake yet)."""
    try:
        cursor = latest_lake(catalog).cursor()
    except ConfigurationError:
        return None
    try:
        found = lake.last_certified(cursor)
    except duckdb.CatalogException:
        return None
    finally:
        cursor.close()
    if found is None:
        return None
    return Certification(int(found["snapshot_id"]), int(found["raw_snapshot_id"]), found["certified_at"],
                         str(found["run_id"]))


def _frame(catalog: str, snapshot_id: int, sql: str) -> pd.DataFrame:
    cursor = certified_lake(catalog, snapshot_id).cursor()
    try:
        return cursor.execute(sql).df()
    finally:
        cursor.close()


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def activity_headline(catalog: str, snapshot_id: int) -> dict:
    """Totals over the whole mart: statements, learners, active days, and the newest statement's time."""
    row = _frame(catalog, snapshot_id, """
        SELECT coalesce(sum(statement_count), 0) AS statements,
               count(DISTINCT actor_key) AS learners,
               count(DISTINCT activity_date) AS active_days,
               min(activity_date) AS first_date,
               max(last_statement_at) AS newest_statement_at
        FROM lake.marts.mart_daily_activity
    """).iloc[0]
    return {
        "statements": int(row["statements"]),
        "learners": int(row["learners"]),
        "active_days": int(row["active_days"]),
        "first_date": None if pd.isna(row["first_date"]) else row["first_date"],
        "newest_statement_at": None if pd.isna(row["newest_statement_at"]) else row["newest_statement_at"],
    }


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def statements_per_day(catalog: str, snapshot_id: int) -> pd.DataFrame:
    return _frame(catalog, snapshot_id, """
        SELECT activity_date, sum(statement_count) AS statements, count(DISTINCT actor_key) AS learners
        FROM lake.marts.mart_daily_activity
        GROUP BY activity_date
        ORDER BY activity_date
    """)


@st.cache_data(ttl=SNAPSHOT_TTL, show_spinner=False)
def statements_per_verb(catalog: str, snapshot_id: int) -> pd.DataFrame:
    return _frame(catalog, snapshot_id, """
        SELECT verb_id AS verb, sum(statement_count) AS statements, count(DISTINCT actor_key) AS learners,
               count(DISTINCT activity_date) AS active_days, max(last_statement_at) AS last_statement_at
        FROM lake.marts.mart_daily_activity
        GROUP BY verb_id
        ORDER BY statements DESC, verb
    """)
