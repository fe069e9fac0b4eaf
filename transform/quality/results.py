"""Quality results in lake.meta.quality_results, written inside the transaction that records the run."""

from __future__ import annotations

import json

import duckdb
import pyarrow as pa


def insert_quality_results(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    """Append the gate's rows (run_id, checked_at, suite, expectation, success, observed) in the caller's
    transaction."""
    if not rows:
        return
    table = pa.table(
        {
            "run_id": [r["run_id"] for r in rows],
            "checked_at": pa.array([r["checked_at"] for r in rows], pa.timestamp("us", tz="UTC")),
            "suite": [r["suite"] for r in rows],
            "expectation": [r["expectation"] for r in rows],
            "success": pa.array([r["success"] for r in rows], pa.bool_()),
            "observed": [json.dumps(r["observed"], default=str, sort_keys=True) for r in rows],
        }
    )
    con.register("new_quality_results", table)
    try:
        con.execute(
            "INSERT INTO lake.meta.quality_results SELECT run_id, checked_at, suite, expectation, success, "
            "observed::JSON FROM new_quality_results"
        )
    finally:
        con.unregister("new_quality_results")
