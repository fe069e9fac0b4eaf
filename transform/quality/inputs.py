"""The data sets the gate checks, as DataFrames: raw rows new since the last certification, roster, marts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from leerstroom import lake
from transform.quality import quarantine
from transform.quality.checks import Check

RAW_DATASETS = {"raw_statements_changed", "raw_quarantine", "raw_freshness", "roster_current"}


def changed_statements(con: duckdb.DuckDBPyConnection, raw_snapshot: int) -> pd.DataFrame:
    """Statements inserted after the last certified raw snapshot, up to the pinned one.

    Only these are checked, so the gate's cost follows the new data, not the lake's whole history.
    """
    certified = lake.last_certified(con)
    since = certified["raw_snapshot_id"] if certified else -1
    columns = "statement_id"
    if since >= raw_snapshot:
        return con.execute(f"SELECT {columns} FROM lake.raw.statements LIMIT 0").df()
    oldest = con.execute("SELECT min(snapshot_id) FROM lake.snapshots()").fetchone()[0]
    if since + 1 < oldest:
        # Older snapshots were expired (maintenance, `leerstroom forget`): no change feed that far back, check all.
        return con.execute(f"SELECT {columns} FROM lake.raw.statements AT (VERSION => {int(raw_snapshot)})").df()
    return con.execute(
        f"SELECT {columns} FROM ducklake_table_insertions('{lake.LAKE}', 'raw', 'statements', ?, ?)",
        [since + 1, raw_snapshot],
    ).df()


def freshness(con: duckdb.DuckDBPyConnection, raw_snapshot: int, checked_at: datetime) -> pd.DataFrame:
    return con.execute(
        "SELECT (epoch(?::TIMESTAMPTZ) - epoch(max(loaded_at))) / 3600.0 AS hours_since_last_load "
        f"FROM lake.raw.statements AT (VERSION => {int(raw_snapshot)}) HAVING count(*) > 0",
        [checked_at],
    ).df()


def current_roster(con: duckdb.DuckDBPyConnection, raw_snapshot: int) -> pd.DataFrame:
    at = f"AT (VERSION => {int(raw_snapshot)})"
    return con.execute(
        f"SELECT employee_id FROM lake.raw.roster {at} WHERE import_id = ("
        f"SELECT import_id FROM lake.raw.roster_imports {at} ORDER BY imported_at DESC LIMIT 1)"
    ).df()


def raw_datasets(con: duckdb.DuckDBPyConnection, raw_snapshot: int, checked_at: datetime) -> dict[str, pd.DataFrame]:
    frames = {
        "raw_statements_changed": changed_statements(con, raw_snapshot),
        "roster_current": current_roster(con, raw_snapshot),
    }
    share = quarantine.share_to_judge(con, raw_snapshot)
    if share is not None:
        frames["raw_quarantine"] = pd.DataFrame({"share_of_new_statements_quarantined": [share["share"]]})
        frames["raw_quarantine"].attrs["observed"] = share
    fresh = freshness(con, raw_snapshot, checked_at)
    if len(fresh):
        frames["raw_freshness"] = fresh
    return frames


def mart_datasets(warehouse_db: Path, checks: list[Check]) -> dict[str, pd.DataFrame]:
    """Each checked mart that the build made, with only the columns its checks read."""
    wanted: dict[str, set[str]] = {}
    for check in checks:
        if check.dataset not in RAW_DATASETS:
            wanted.setdefault(check.dataset, set()).update(check.column.split(","))
    if not warehouse_db.exists():
        return {}
    frames: dict[str, pd.DataFrame] = {}
    with duckdb.connect(str(warehouse_db), read_only=True) as warehouse:
        built = {
            r[0]
            for r in warehouse.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'"
            ).fetchall()
        }
        for name, columns in wanted.items():
            if name in built:
                listed = ", ".join(f'"{c}"' for c in sorted(columns))
                frames[name] = warehouse.execute(f'SELECT {listed} FROM marts."{name}"').df()
    return frames
