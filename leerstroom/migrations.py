"""Versioned migrations of a small SQLite store: PRAGMA user_version counts the migrations applied.

A store lists its migrations in order, one SQL statement each, and never edits an applied one;
a change is a new statement at the end. The DuckLake has its own (leerstroom/lake_schema.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence


def apply_sqlite(db: sqlite3.Connection, migrations: Sequence[str]) -> int:
    """Apply every migration past the file's version in one transaction; return the version now."""
    if db.execute("PRAGMA user_version").fetchone()[0] >= len(migrations):
        return len(migrations)
    db.execute("BEGIN IMMEDIATE")  # another process migrating the same file waits, then finds it done
    try:
        current = db.execute("PRAGMA user_version").fetchone()[0]
        for version in range(current + 1, len(migrations) + 1):
            db.execute(migrations[version - 1])
            db.execute(f"PRAGMA user_version = {version}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return len(migrations)
