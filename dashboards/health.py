"""Live pipeline health for the admin page: certification, ingest, outbox, Kafka lag, refusals, quarantine, quality.

Unlike the metric pages this reads the lake's latest state (and the LRS store), because
its question is "is data flowing right now", not "what did the certified marts say".
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timezone

import duckdb
import pandas as pd
import streamlit as st

from ingest import status as ingest_status
from leerstroom import lake
from leerstroom.delivery import store as delivery_store
from leerstroom.errors import LeerstroomError
from leerstroom.settings import Settings
from transform import status as transform_status

log = logging.getLogger(__name__)

LIVE_TTL = 10
BATCH_POSITION = re.compile(r"^\[\d+\]\.?")  # a statement's place in its batch: "[3].result.score.min"


@st.cache_data(ttl=LIVE_TTL, show_spinner=False)
def pipeline_status(catalog: str, _settings: Settings) -> dict:
    """`leerstroom status`'s report: LRS store and outbox, Kafka lag per partition, lake counts."""
    return ingest_status.collect(_settings)


@st.cache_data(ttl=LIVE_TTL, show_spinner=False)
def lake_activity(catalog: str, _settings: Settings) -> dict[str, pd.DataFrame]:
    """Statements per minute over the last hour of arrivals, dead letters, and quality results of certified runs."""
    if not lake.exists(_settings):
        return {}
    return lake.read(_settings, _lake_activity)


def _lake_activity(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
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
            "FROM lake.raw.statements"
        ).df(),
        "dead_letters": con.execute(
            "SELECT received_at, kafka_partition, kafka_offset, error FROM lake.raw.dead_letters "
            "ORDER BY received_at DESC LIMIT 50"
        ).df(),
        "runs": con.execute(
            "SELECT run_id, status, started_at, finished_at, raw_snapshot_id, certified_snapshot_id "
            "FROM lake.meta.transform_runs ORDER BY finished_at DESC LIMIT 20"
        ).df(),
    }
    try:
        found["quality"] = con.execute(
            "SELECT run_id, checked_at, suite, expectation, success, observed FROM lake.meta.quality_results "
            "ORDER BY checked_at DESC, suite, expectation LIMIT 500"
        ).df()
    except duckdb.CatalogException:
        found["quality"] = None  # the quality gate has not written results yet
    return found


@st.cache_data(ttl=LIVE_TTL, show_spinner=False)
def rejection_drops(catalog: str, _settings: Settings) -> list[tuple]:
    """Per tool: refused requests dropped at the cap, and when the last went (none when there is no LRS store)."""
    return ingest_status.refusal_drops(_settings) or []


@st.cache_data(ttl=LIVE_TTL, show_spinner=False)
def rejections_per_tool(catalog: str, _settings: Settings) -> pd.DataFrame | None:
    """Refused requests kept by the LRS, counted per tool (credential) and reason; never their bodies.

    None when there is no LRS store here. A statement's place in its batch ([3].result.score.min) is left out,
    so one rule broken by any statement of a batch counts as one reason.
    """
    rows = ingest_status.refusals(_settings)
    if rows is None:
        return None
    found = pd.DataFrame(
        rows, columns=["tool", "status", "field", "rule", "reason", "refused", "replayed", "last_refused_at"]
    )
    if found.empty:
        return found
    found["reason"] = [
        f"{BATCH_POSITION.sub('', f)}: {r}" if f else str(reason)
        for f, r, reason in zip(found["field"], found["rule"], found["reason"], strict=True)
    ]
    return (
        found.groupby(["tool", "status", "reason"], as_index=False)
        .agg(refused=("refused", "sum"), replayed=("replayed", "sum"), last_refused_at=("last_refused_at", "max"))
        .sort_values(["refused", "tool"], ascending=[False, True], ignore_index=True)
    )


@st.cache_data(ttl=LIVE_TTL, show_spinner=False)
def certification_state(
    catalog: str, max_age_hours: float, _settings: Settings
) -> transform_status.CertificationHealth | None:
    """Whether a snapshot was certified within `max_age_hours` (the verdict of `leerstroom health transform`)."""
    if not lake.exists(_settings):
        return None
    limit = _settings.model_copy(update={"certification_max_age_hours": max_age_hours})
    return lake.read(
        _settings, lambda con: transform_status.certification_health(con, limit, datetime.now(timezone.utc))
    )


@st.cache_data(ttl=LIVE_TTL, show_spinner=False)
def quarantine_state(catalog: str, _settings: Settings) -> dict:
    """Set-aside statements per reason and decision, and the share the last judged run found."""
    if not lake.exists(_settings):
        return {}
    counts, last_judged = lake.read(_settings, transform_status.quarantine_state)
    counts = pd.DataFrame(counts, columns=["reason", "decision", "statements", "last_set_aside_at"])
    return {"counts": counts, "last_judged": last_judged}


@st.cache_data(ttl=LIVE_TTL, show_spinner=False)
def delivery_state(catalog: str, _settings: Settings) -> pd.DataFrame:
    """Each briefing's and alert's delivery to each recipient as it stands now, failing ones first."""
    if not lake.exists(_settings):
        return pd.DataFrame()
    return lake.read(_settings, delivery_store.deliveries)


@st.cache_data(ttl=LIVE_TTL, show_spinner=False)
def raised_alerts(catalog: str, _settings: Settings) -> pd.DataFrame:
    """Alerts raised by `leerstroom deliver`, newest first, with how their deliveries stand."""
    if not lake.exists(_settings):
        return pd.DataFrame()
    return lake.read(_settings, delivery_store.alerts)


def lag_rows(report: dict) -> pd.DataFrame:
    partitions = (report.get("kafka") or {}).get("partitions") or {}
    return pd.DataFrame([{"partition": int(p), **values} for p, values in partitions.items()])


def safe_status(catalog: str, settings: Settings) -> dict:
    try:
        return pipeline_status(catalog, settings)
    except (LeerstroomError, duckdb.Error) as err:
        log.warning("pipeline status failed: %s", err)
        return {"error": str(err)}
