"""The lake's tables, as numbered migrations: the one place their DDL lives and their version is kept.

Every read-write connection (leerstroom.lake.connect) brings the lake up to the newest
version in one transaction, and lake.meta.schema_versions records each version applied.
Two processes migrating at once are safe: with the SQLite catalog the writer lock orders
them; with PostgreSQL one commit conflicts and its retry finds the version applied.

A change to the schema is a new migration at the end, never an edit of an applied one.
Versions 1-3 and 5 describe tables made before versions were recorded; they create only
what is missing, so a lake made by an earlier release is adopted as it is.
DuckLake enforces NOT NULL only: uniqueness of statement_id (and of a document event's
event_id) is kept by the sink's anti-join and checked by a dbt test.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Migration:
    version: int
    owner: str  # the part that writes these tables; every other part only reads them
    description: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "ingest/sink.py",
        "raw event store: statements, consumer offsets, dead letters, document events",
        """
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
""",
    ),
    Migration(
        2,
        "ingest/roster/importer.py",
        "HR roster: imports, employees and their learner identities",
        """
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
""",
    ),
    Migration(
        3,
        "transform/runner.py",
        "transform runs and the quality gate's results",
        """
CREATE TABLE IF NOT EXISTS lake.meta.quality_results (
    run_id           VARCHAR NOT NULL,
    checked_at       TIMESTAMPTZ NOT NULL,
    suite            VARCHAR NOT NULL,
    expectation      VARCHAR NOT NULL,
    success          BOOLEAN NOT NULL,
    observed         JSON
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
""",
    ),
    Migration(
        4,
        "ingest/offsets.py",
        "a row per topic that a sink starting a new log updates",
        """
CREATE TABLE lake.raw.consumer_log_claims (
    topic            VARCHAR NOT NULL,
    claimed_at       TIMESTAMPTZ NOT NULL
);
""",
    ),
    Migration(
        5,
        "transform/quality/quarantine.py",
        "statements set aside by the transform, and each screening",
        """
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
""",
    ),
    Migration(
        6,
        "leerstroom/delivery/store.py",
        "alerts raised, and every attempt to deliver a briefing or alert",
        """
CREATE TABLE IF NOT EXISTS lake.meta.alerts (
    alert_key        VARCHAR NOT NULL,
    rule             VARCHAR NOT NULL,
    unit_level       VARCHAR NOT NULL,
    unit_name        VARCHAR NOT NULL,
    period           VARCHAR NOT NULL,
    figures          JSON NOT NULL,
    link             VARCHAR NOT NULL,
    snapshot_id      BIGINT NOT NULL,
    raised_at        TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS lake.meta.deliveries (
    delivery_key     VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,
    channel          VARCHAR NOT NULL,
    recipient        VARCHAR NOT NULL,
    language         VARCHAR NOT NULL,
    snapshot_id      BIGINT,
    status           VARCHAR NOT NULL,
    attempt          INTEGER NOT NULL,
    recorded_at      TIMESTAMPTZ NOT NULL,
    next_attempt_at  TIMESTAMPTZ,
    error            VARCHAR
);
""",
    ),
)

LATEST = MIGRATIONS[-1].version

VERSIONS_DDL = """
CREATE SCHEMA IF NOT EXISTS lake.meta;
CREATE TABLE IF NOT EXISTS lake.meta.schema_versions (
    version          INTEGER NOT NULL,
    owner            VARCHAR NOT NULL,
    description      VARCHAR NOT NULL,
    applied_at       TIMESTAMPTZ NOT NULL
);
"""


def version(con: duckdb.DuckDBPyConnection) -> int:
    """The newest migration applied to the attached lake; 0 for a lake without a version table."""
    present = con.execute(
        "SELECT count(*) FROM duckdb_tables() "
        "WHERE database_name = 'lake' AND schema_name = 'meta' AND table_name = 'schema_versions'"
    ).fetchone()[0]
    if not present:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM lake.meta.schema_versions").fetchone()[0]


def apply_pending(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply, inside the caller's transaction, every migration newer than the lake; return their versions."""
    current = version(con)
    if current > LATEST:
        log.warning("the lake is at schema version %d, newer than this release knows (%d)", current, LATEST)
    con.execute(VERSIONS_DDL)
    applied = []
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        con.execute(migration.sql)
        con.execute(
            "INSERT INTO lake.meta.schema_versions VALUES (?, ?, ?, now())",
            [migration.version, migration.owner, migration.description],
        )
        applied.append(migration.version)
    return applied


def migrate(con: duckdb.DuckDBPyConnection, in_transaction: Callable) -> list[int]:
    """Bring the attached lake to LATEST; `in_transaction` runs the work as one retried write transaction."""
    if version(con) >= LATEST:
        return []
    applied = in_transaction(apply_pending)
    if applied:
        log.info("lake schema migrated to version %d (applied %s)", LATEST, ", ".join(map(str, applied)))
    return applied
