"""The one way to reach the DuckLake: connections, the writer lock, retries and the raw schema.

The sink, the transform, the dashboards, dbt's profile and the tests all open the lake here.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import random
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import duckdb
import duckdb_ext

from leerstroom.errors import ConfigurationError, LakeBusy
from leerstroom.settings import Settings, get_settings

log = logging.getLogger(__name__)

LAKE = "lake"
T = TypeVar("T")

# Raw event store and bookkeeping. DuckLake enforces NOT NULL only: uniqueness of
# statement_id (and of a document event's event_id) is kept by the sink's anti-join and checked by a dbt test.
SCHEMA_DDL = """
CREATE SCHEMA IF NOT EXISTS lake.raw;
CREATE SCHEMA IF NOT EXISTS lake.meta;
CREATE SCHEMA IF NOT EXISTS lake.marts;
CREATE TABLE IF NOT EXISTS lake.raw.statements (
    statement_id     VARCHAR NOT NULL,
    actor_key        VARCHAR NOT NULL,
    verb_id          VARCHAR NOT NULL,
    object_id        VARCHAR,
    object_type      VARCHAR NOT NULL,
    registration     VARCHAR,
    voided_statement_id VARCHAR,
    statement_timestamp TIMESTAMPTZ NOT NULL,
    stored_at        TIMESTAMPTZ NOT NULL,
    loaded_at        TIMESTAMPTZ NOT NULL,
    topic_id         VARCHAR NOT NULL,
    kafka_partition  INTEGER NOT NULL,
    kafka_offset     BIGINT NOT NULL,
    payload          JSON NOT NULL
);
CREATE TABLE IF NOT EXISTS lake.raw.consumer_offsets (
    topic            VARCHAR NOT NULL,
    topic_id         VARCHAR NOT NULL,
    kafka_partition  INTEGER NOT NULL,
    next_offset      BIGINT NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS lake.raw.dead_letters (
    topic_id         VARCHAR NOT NULL,
    kafka_partition  INTEGER NOT NULL,
    kafka_offset     BIGINT NOT NULL,
    message_key      VARCHAR,
    payload          VARCHAR,
    error            VARCHAR NOT NULL,
    received_at      TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS lake.raw.document_events (
    event_id         VARCHAR NOT NULL,
    resource         VARCHAR NOT NULL,
    action           VARCHAR NOT NULL,
    activity_id      VARCHAR,
    agent_key        VARCHAR,
    registration     VARCHAR,
    document_id      VARCHAR,
    occurred_at      TIMESTAMPTZ NOT NULL,
    payload          JSON NOT NULL,
    topic_id         VARCHAR NOT NULL,
    kafka_partition  INTEGER NOT NULL,
    kafka_offset     BIGINT NOT NULL,
    loaded_at        TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS lake.raw.roster_imports (
    import_id        VARCHAR NOT NULL,
    imported_at      TIMESTAMPTZ NOT NULL,
    source_file      VARCHAR NOT NULL,
    employee_count   BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS lake.raw.roster (
    import_id        VARCHAR NOT NULL,
    employee_id      VARCHAR NOT NULL,
    display_name     VARCHAR,
    department       VARCHAR,
    team             VARCHAR,
    manager_id       VARCHAR,
    job_role         VARCHAR,
    location         VARCHAR,
    hire_date        DATE,
    termination_date DATE,
    exit_voluntary   BOOLEAN,
    attributes       JSON
);
CREATE TABLE IF NOT EXISTS lake.raw.roster_identities (
    import_id        VARCHAR NOT NULL,
    employee_id      VARCHAR NOT NULL,
    actor_key        VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS lake.meta.quality_results (
    run_id           VARCHAR NOT NULL,
    checked_at       TIMESTAMPTZ NOT NULL,
    suite            VARCHAR NOT NULL,
    expectation      VARCHAR NOT NULL,
    success          BOOLEAN NOT NULL,
    observed         JSON
);
CREATE TABLE IF NOT EXISTS lake.meta.quarantined_statements (
    statement_id     VARCHAR NOT NULL,
    reason           VARCHAR NOT NULL,
    detail           VARCHAR NOT NULL,
    run_id           VARCHAR NOT NULL,
    quarantined_at   TIMESTAMPTZ NOT NULL,
    decision         VARCHAR,
    decided_at       TIMESTAMPTZ,
    decision_note    VARCHAR
);
CREATE TABLE IF NOT EXISTS lake.meta.quarantine_screenings (
    run_id           VARCHAR NOT NULL,
    screened_at      TIMESTAMPTZ NOT NULL,
    from_snapshot_id BIGINT NOT NULL,
    to_snapshot_id   BIGINT NOT NULL,
    statements_screened BIGINT NOT NULL,
    statements_quarantined BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS lake.meta.transform_runs (
    run_id           VARCHAR NOT NULL,
    started_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ NOT NULL,
    raw_snapshot_id  BIGINT NOT NULL,
    status           VARCHAR NOT NULL,
    certified_snapshot_id BIGINT,
    details          JSON
);
"""

SCHEMA_TABLES = set(re.findall(r"CREATE TABLE IF NOT EXISTS lake\.(\w+\.\w+)", SCHEMA_DDL))


def _config() -> dict:
    # Extensions come from the duckdb-ext wheel; downloading them at run time fails offline.
    return {
        "extension_directory": duckdb_ext.get_extension_dir(),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": True,
    }


def duckdb_config() -> dict:
    """Connection settings every DuckDB connection to the lake needs (also used by dbt's profile)."""
    return _config()


def _create_lake(settings: Settings) -> None:
    """Create the catalog with every raw table under a temporary name, then move it into place.

    Readers therefore see either no lake or a complete one, never a catalog without its tables.
    """
    settings.lake_data.mkdir(parents=True, exist_ok=True)
    with writer_lock(settings):
        if settings.lake_catalog.exists():
            return
        staging = settings.lake_catalog.with_name(settings.lake_catalog.name + ".creating")
        for leftover in (staging, Path(f"{staging}-wal"), Path(f"{staging}-shm")):
            leftover.unlink(missing_ok=True)
        # WAL lets readers (dbt, dashboards) run while the sink commits.
        with contextlib.closing(sqlite3.connect(staging)) as db:
            db.execute("PRAGMA journal_mode=WAL")
        con = duckdb.connect(config=_config())
        try:
            con.execute("SET TimeZone = 'UTC'")
            con.execute(attach_sql(settings, catalog=staging))
            con.execute(SCHEMA_DDL)
            con.execute(f"DETACH {LAKE}")
        finally:
            con.close()
        with contextlib.closing(sqlite3.connect(staging)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        os.replace(staging, settings.lake_catalog)


def attach_sql(settings: Settings, *, alias: str = LAKE, read_only: bool = False, snapshot: int | None = None,
               catalog: Path | None = None) -> str:
    options = [f"DATA_PATH '{settings.lake_data.resolve()}/'", "OVERRIDE_DATA_PATH TRUE"]
    if read_only or snapshot is not None:
        options.append("READ_ONLY")
    if snapshot is not None:
        options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
    catalog = (catalog or settings.lake_catalog).resolve()
    return f"ATTACH 'ducklake:sqlite:{catalog}' AS {alias} ({', '.join(options)})"


def attach(con: duckdb.DuckDBPyConnection, settings: Settings | None = None, *, read_only: bool = False,
           snapshot: int | None = None, alias: str = LAKE) -> None:
    """Attach the lake to an existing DuckDB connection (dbt's plugin uses this)."""
    settings = settings or get_settings()
    if read_only or snapshot is not None:
        if not settings.lake_catalog.exists():
            raise ConfigurationError(
                f"no lake at {settings.lake_catalog}: start the sink (`leerstroom sink`) or run `leerstroom demo` first"
            )
        con.execute(attach_sql(settings, alias=alias, read_only=read_only, snapshot=snapshot))
        return
    if not settings.lake_catalog.exists():
        _create_lake(settings)
    con.execute(attach_sql(settings, alias=alias, read_only=read_only, snapshot=snapshot))


def connect(settings: Settings | None = None, *, read_only: bool = False, snapshot: int | None = None,
            database: str | Path = ":memory:") -> duckdb.DuckDBPyConnection:
    """Open DuckDB with the lake attached as `lake`: read-write, read-only, or read-only as of a snapshot."""
    settings = settings or get_settings()
    con = duckdb.connect(str(database), config=_config())
    try:
        con.execute("SET TimeZone = 'UTC'")
        attach(con, settings, read_only=read_only, snapshot=snapshot)
        if not read_only and snapshot is None:
            ensure_schema(con, settings)
    except Exception:
        con.close()
        raise
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection, settings: Settings | None = None) -> None:
    settings = settings or get_settings()
    present = {
        f"{schema}.{table}"
        for schema, table in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'lake'"
        ).fetchall()
    }
    if SCHEMA_TABLES <= present:
        return
    with writer_lock(settings):
        con.execute(SCHEMA_DDL)


@contextlib.contextmanager
def writer_lock(settings: Settings | None = None) -> Iterator[None]:
    """Serialise Leerstroom's own writers to the lake.

    The SQLite catalog lets only one writer commit at a time; without this lock two
    overlapping writers fail with "database is locked". The OS releases the lock
    when a process dies, so a SIGKILL never leaves it held.
    """
    settings = settings or get_settings()
    settings.lake_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.lake_dir / "write.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def is_transient(err: BaseException) -> bool:
    text = str(err).lower()
    return isinstance(err, duckdb.Error) and (
        "database is locked" in text or "conflict" in text or "busy" in text
    )


def write_transaction(con: duckdb.DuckDBPyConnection, work: Callable[[duckdb.DuckDBPyConnection], T], *,
                      settings: Settings | None = None, attempts: int = 8) -> T:
    """Run `work` in one lake transaction under the writer lock, retrying transient failures.

    `work` must be safe to run again: it is re-run from the start after a rollback.
    """
    settings = settings or get_settings()
    delay = 0.05
    for attempt in range(1, attempts + 1):
        with writer_lock(settings):
            con.execute("BEGIN TRANSACTION")
            try:
                result = work(con)
                con.execute("COMMIT")
                return result
            except BaseException as err:
                with contextlib.suppress(duckdb.Error):
                    con.execute("ROLLBACK")
                if not is_transient(err) or attempt == attempts:
                    if is_transient(err):
                        raise LakeBusy(f"lake write failed {attempts} times: {err}") from err
                    raise
                log.warning("lake busy (attempt %d/%d): %s", attempt, attempts, err)
        time.sleep(delay * (1 + random.random()))
        delay = min(delay * 2, 2.0)
    raise AssertionError("unreachable")


def append(settings: Settings, table, target: str) -> int:
    """Insert an Arrow table into a lake table in one write transaction; returns the new snapshot id.

    Columns are matched by name, so the table may hold them in any order.
    """
    columns = ", ".join(f'"{name}"' for name in table.column_names)

    def insert(con: duckdb.DuckDBPyConnection) -> None:
        con.register("appended_rows", table)
        try:
            con.execute(f"INSERT INTO {target} ({columns}) SELECT {columns} FROM appended_rows")
        finally:
            con.unregister("appended_rows")

    con = connect(settings)
    try:
        write_transaction(con, insert, settings=settings)
        return current_snapshot(con)
    finally:
        con.close()


def current_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT max(snapshot_id) FROM lake.snapshots()").fetchone()[0])


def last_certified(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The newest certified transform run, or None before the first green transform."""
    row = con.execute(
        "SELECT certified_snapshot_id, raw_snapshot_id, finished_at, run_id FROM lake.meta.transform_runs "
        "WHERE status = 'certified' ORDER BY certified_snapshot_id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    return {"snapshot_id": row[0], "raw_snapshot_id": row[1], "certified_at": row[2], "run_id": row[3]}
