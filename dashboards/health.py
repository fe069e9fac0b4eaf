"""Live pipeline health for the admin page: ingest rate, outbox, Kafka lag, dead letters, rejections, quality, freshness.

Unlike the metric pages this reads the lake's latest state (and the LRS store), because
its question is "is data flowing right now", not "what did the certified marts say".
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3

import duckdb
import pandas as pd
import streamlit as st

from leerstroom import lake
from leerstroom.cli import status
from leerstroom.errors import LeerstroomError
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

LIVE_TTL = 10


@st.cache_data(ttl=LIVE_TTL, show_spinner=False)
def pipeline_status(catalog: str, _settings: Settings) -> dict:
    """`leerstroom status`'s report: LRS store and outbox, Kafka lag per partition, lake counts."""
    return status.collect(_settings)


@st.cache_data(ttl=LIVE_TTL, show_spinner=False)
def lake_activity(catalog: str, _settings: Settings) -> dict[str, pd.DataFrame]:
    """Statements per minute over the last hour of arrivals, dead letters, and quality results of certified runs."""
    if not lake.exists(_settings):
        return {}
    con = lake.connect(_settings, read_only=True)
    try:
        found = {
            "per_minute": con.execute("""
                WITH newest AS (SELECT max(stored_at) AS at FROM lake.raw.statements)
                SELECT date_trunc('minute', stored_at) AS minute, count(*) AS statements
                FROM lake.raw.statements, newest
                WHERE stored_at > newest.at - INTERVAL 60 MINUTE
                GROUP BY 1 ORDER BY 1
            """).df(),
            "freshness": con.execute(
                "SELECT max(stored_at) AS newest_stored_at, max(loaded_at) AS newest_loaded_at, count(*) AS statements "
                "FROM lake.raw.statements").df(),
            "dead_letters": con.execute(
                "SELECT received_at, kafka_partition, kafka_offset, error FROM lake.raw.dead_letters "
                "ORDER BY received_at DESC LIMIT 50").df(),
            "runs": con.execute(
                "SELECT run_id, status, started_at, finished_at, raw_snapshot_id, certified_snapshot_id "
                "FROM lake.meta.transform_runs ORDER BY finished_at DESC LIMIT 20").df(),
        }
        try:
            found["quality"] = con.execute(
                "SELECT run_id, checked_at, suite, expectation, success, observed FROM lake.meta.quality_results "
                "ORDER BY checked_at DESC, suite, expectation LIMIT 500").df()
        except duckdb.CatalogException:
            found["quality"] = None  # the quality gate has not written results yet
        return found
    finally:
        con.close()


@st.cache_data(ttl=LIVE_TTL, show_spinner=False)
def rejections_per_tool(catalog: str, _settings: Settings) -> pd.DataFrame | None:
    """Rejected requests per credential (tool) kept by the LRS store; None when there is no LRS store here."""
    if not _settings.lrs_db.exists():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{_settings.lrs_db}?mode=ro", uri=True, timeout=5)) as db:
            return pd.read_sql_query("""
                SELECT credential AS tool, count(*) AS rejected, max(at) AS last_rejected_at,
                       (SELECT r2.status || ' ' || r2.reason FROM rejections r2 WHERE r2.credential = r.credential
                        ORDER BY r2.seq DESC LIMIT 1) AS last_reason
                FROM rejections r GROUP BY credential ORDER BY rejected DESC
            """, db)
    except (sqlite3.Error, pd.errors.DatabaseError) as err:
        log.warning("rejected requests could not be read from %s: %s", _settings.lrs_db, err)
        return None


def lag_rows(report: dict) -> pd.DataFrame:
    partitions = (report.get("kafka") or {}).get("partitions") or {}
    return pd.DataFrame([{"partition": int(p), **values} for p, values in partitions.items()])


def safe_status(catalog: str, settings: Settings) -> dict:
    try:
        return pipeline_status(catalog, settings)
    except (LeerstroomError, duckdb.Error, sqlite3.Error) as err:
        log.warning("pipeline status failed: %s", err)
        return {"error": str(err)}
