"""Where statements are right now, and what the LRS refused: ingest's public interface for the rest of Leerstroom.

`leerstroom status` prints `collect()` as JSON; the admins' health page shows it, and the
refused requests per tool (`refusals`). Other parts read the LRS store and Kafka only through
here (the import contracts in pyproject.toml).
"""

from __future__ import annotations

import logging
from typing import Any

import duckdb

from ingest.lrs import rejected
from ingest.lrs import store as lrs_store
from ingest.lrs.exceptions import StoreUnavailable
from leerstroom import heartbeat, lake
from leerstroom.errors import LeerstroomError
from leerstroom.settings import Settings

log = logging.getLogger(__name__)


def lrs_counts(settings: Settings) -> dict[str, Any]:
    """The LRS store's counts (through its owner, on either engine), and how long ago each LRS process beat."""
    if not lrs_store.exists(settings):
        where = "the PostgreSQL database" if settings.lrs_on_postgres else str(settings.lrs_db)
        return {"available": False, "reason": f"no LRS store in {where} yet"}
    store = lrs_store.LrsStore(settings)
    try:
        counts = store.counts()
        engine = store.engine.name
    finally:
        store.close()
    beats = {name: round(age, 1) for name, age in sorted(heartbeat.every_instance(settings, "lrs").items())}
    return {"available": True, "engine": engine, **counts, "processes_last_beat_seconds": beats}


def lake_counts(settings: Settings) -> dict[str, Any]:
    if not lake.exists(settings):
        return {"available": False, "reason": f"no lake at {lake.identity(settings)} yet"}
    return lake.read(settings, _lake_counts)


def _lake_counts(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    statements, newest = con.execute("SELECT count(*), max(loaded_at) FROM lake.raw.statements").fetchone()
    dead = con.execute("SELECT count(*) FROM lake.raw.dead_letters").fetchone()[0]
    documents = _count_if_present(con, "raw", "document_events")
    last = con.execute(
        "SELECT run_id, status, started_at, finished_at, raw_snapshot_id, certified_snapshot_id "
        "FROM lake.meta.transform_runs ORDER BY finished_at DESC LIMIT 1"
    ).fetchone()
    certified = lake.last_certified(con)
    return {
        "available": True,
        "statements": statements,
        "newest_loaded_at": newest.isoformat() if newest else None,
        "dead_letters": dead,
        "document_events": documents,
        "snapshot": lake.current_snapshot(con),
        "last_transform": None
        if last is None
        else dict(
            zip(
                ["run_id", "status", "started_at", "finished_at", "raw_snapshot_id", "certified_snapshot_id"],
                [v.isoformat() if hasattr(v, "isoformat") else v for v in last],
            )
        ),
        "last_certified_snapshot": certified["snapshot_id"] if certified else None,
    }


def _count_if_present(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> int | None:
    """Rows of a table added in a later release; None on a lake no sink of that release has opened yet."""
    present = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'lake' AND schema_name = ? AND table_name = ?",
        [schema, table],
    ).fetchone()[0]
    return con.execute(f"SELECT count(*) FROM lake.{schema}.{table}").fetchone()[0] if present else None


def kafka_lag(settings: Settings) -> dict[str, Any]:
    from ingest.sink_status import lag

    try:
        return {"available": True, **lag(settings)}
    except LeerstroomError as err:
        return {"available": False, "reason": str(err)}


def collect(settings: Settings) -> dict[str, Any]:
    return {
        "data_dir": str(settings.data_dir.resolve()),
        "lrs_store": lrs_counts(settings),
        "kafka": kafka_lag(settings),
        "lake": lake_counts(settings),
    }


def refusal_drops(settings: Settings) -> list[tuple] | None:
    """Per tool, how many of its oldest refused requests the LRS dropped at LEERSTROOM_LRS_REJECTED_PER_TOOL, and
    when the last went (ingest/lrs/rejected.py). None when there is no LRS store here or it cannot be read."""
    if not lrs_store.exists(settings):
        return None
    try:
        store = lrs_store.LrsStore(settings)
        try:
            return rejected.drops(store)
        finally:
            store.close()
    except StoreUnavailable as err:
        log.warning("dropped refused requests could not be counted: %s", err)
        return None


def refusals(settings: Settings) -> list[tuple] | None:
    """Refused requests kept by the LRS, counted per tool (credential), status, field, rule and reason, with how many
    were replayed and when the last was refused (ingest/lrs/rejected.py); never their bodies. None when there is no
    LRS store here or it cannot be read."""
    if not lrs_store.exists(settings):
        return None
    try:
        store = lrs_store.LrsStore(settings)
        try:
            return rejected.counts(store, rejected.cutoff(settings))
        finally:
            store.close()
    except StoreUnavailable as err:
        log.warning("refused requests could not be read: %s", err)
        return None
