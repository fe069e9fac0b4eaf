"""The audit log: who viewed individual-level rows, or downloaded any table, when, and as of which snapshot.

A small SQLite file under the data folder (data/audit/audit.sqlite). Admins read it on
the audit page; nothing in the dashboards ever deletes from it.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from leerstroom import migrations
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

# Versioned migrations (leerstroom/migrations.py): version 1 also adopts a file made before versions were kept.
MIGRATIONS = (
    """
CREATE TABLE IF NOT EXISTS audit_events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    user_name   TEXT NOT NULL,
    role        TEXT NOT NULL,
    action      TEXT NOT NULL,   -- 'view' or 'download'
    page        TEXT NOT NULL,
    dataset     TEXT NOT NULL,
    row_count   INTEGER NOT NULL,
    snapshot_id INTEGER,
    filters     TEXT
)
""",
)


def audit_db(settings: Settings) -> Path:
    return settings.data_dir / "audit" / "audit.sqlite"


def _connect(settings: Settings) -> sqlite3.Connection:
    path = audit_db(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=10)
    db.execute("PRAGMA journal_mode=WAL")
    migrations.apply_sqlite(db, MIGRATIONS)
    return db


def record(
    settings: Settings,
    *,
    user: str,
    role: str,
    action: str,
    page: str,
    dataset: str,
    row_count: int,
    snapshot_id: int | None,
    filters: str = "",
) -> None:
    with contextlib.closing(_connect(settings)) as db, db:
        db.execute(
            "INSERT INTO audit_events (at, user_name, role, action, page, dataset, row_count, snapshot_id, filters) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                datetime.now(timezone.utc).isoformat(timespec="seconds"),
                user,
                role,
                action,
                page,
                dataset,
                int(row_count),
                snapshot_id,
                filters,
            ),
        )
    log.info("audit: %s %s %s rows of %s on %s", user, action, row_count, dataset, page)


def recent(settings: Settings, limit: int = 500) -> pd.DataFrame:
    """Newest first."""
    with contextlib.closing(_connect(settings)) as db:
        return pd.read_sql_query(
            "SELECT at, user_name, role, action, page, dataset, row_count, snapshot_id, filters "
            "FROM audit_events ORDER BY seq DESC LIMIT ?",
            db,
            params=(limit,),
        )
