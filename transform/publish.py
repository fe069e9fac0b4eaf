"""Publish a green build's marts into the lake and record every transform run in lake.meta.transform_runs."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from leerstroom import lake
from leerstroom.settings import Settings
from transform.quality.results import insert_quality_results

log = logging.getLogger(__name__)

WAREHOUSE = "warehouse"


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    started_at: datetime
    raw_snapshot_id: int


def _insert_run(
    con: duckdb.DuckDBPyConnection,
    run: RunRecord,
    finished_at: datetime,
    status: str,
    certified_snapshot_id: int | None,
    details: dict,
) -> None:
    con.execute(
        "INSERT INTO lake.meta.transform_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            run.run_id,
            run.started_at,
            finished_at,
            run.raw_snapshot_id,
            status,
            certified_snapshot_id,
            json.dumps(details, default=str),
        ],
    )


@contextlib.contextmanager
def _attached_warehouse(con: duckdb.DuckDBPyConnection, warehouse_db: Path):
    con.execute(f"ATTACH '{warehouse_db.resolve()}' AS {WAREHOUSE} (READ_ONLY)")
    try:
        yield
    finally:
        con.execute(f"DETACH {WAREHOUSE}")


def _in_transaction(con: duckdb.DuckDBPyConnection, work: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        work(con)
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise


def _copy_marts(con: duckdb.DuckDBPyConnection, marts: list[str], retired: list[str]) -> None:
    for name in marts:
        con.execute(f'CREATE OR REPLACE TABLE lake.marts."{name}" AS SELECT * FROM {WAREHOUSE}.marts."{name}"')
    # A table this run no longer makes (e.g. risk scores after scoring was switched off) must not linger.
    for name in retired:
        con.execute(f'DROP TABLE IF EXISTS lake.marts."{name}"')


def publish_and_certify(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    marts: list[str],
    run: RunRecord,
    finished_at: datetime,
    details: dict,
    *,
    retired: Sequence[str] = (),
    quality_rows: Sequence[dict] = (),
) -> int:
    """Copy the marts into lake.marts in one transaction and certify the snapshot that commit made.

    Both commits happen under one writer lock, so no other writer's snapshot can come
    between the publish and the snapshot id read right after it. (write_transaction
    would take the same lock again and wait for itself, so the transactions are plain.)
    The quality gate's results are written in the certifying transaction.
    """
    with _attached_warehouse(con, settings.warehouse_db), lake.writer_lock(settings):
        _in_transaction(con, lambda c: _copy_marts(c, marts, list(retired)))
        certified = lake.current_snapshot(con)
        details = {**details, "published": marts}

        def certify(c: duckdb.DuckDBPyConnection) -> None:
            _insert_run(c, run, finished_at, "certified", certified, details)
            insert_quality_results(c, list(quality_rows))

        _in_transaction(con, certify)
    log.info("published %s at lake snapshot %d", ", ".join(marts), certified)
    return certified


def record_failed_run(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    run: RunRecord,
    finished_at: datetime,
    details: dict,
    *,
    quality_rows: Sequence[dict] = (),
) -> None:
    def record(c: duckdb.DuckDBPyConnection) -> None:
        _insert_run(c, run, finished_at, "failed", None, details)
        insert_quality_results(c, list(quality_rows))

    lake.write_transaction(con, record, settings=settings)
