"""What the LRS store holds, counted table by table, so a test can prove a refused request stored nothing."""

from __future__ import annotations

import contextlib
import sqlite3

import duckdb

from leerstroom.errors import ConfigurationError
from leerstroom.settings import Settings
from tests.fixtures.broker import lake_ids

# Rejections are recorded on purpose (the tool's admin reads them); credentials are set up by the test.
KEPT_ON_REFUSAL = {"rejections", "credentials", "sqlite_sequence"}


def stored_rows(settings: Settings) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(f"file:{settings.lrs_db}?mode=ro", uri=True, timeout=30)) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables if t not in KEPT_ON_REFUSAL}


def readable_lake_ids(settings: Settings) -> list[str]:
    """The lake's statement ids, or none while the sink's first connection is still creating the catalog."""
    try:
        return lake_ids(settings)
    except (duckdb.Error, ConfigurationError):
        return []
