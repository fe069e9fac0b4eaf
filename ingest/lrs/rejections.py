"""Recently rejected requests per credential, so an LMS admin can see why a tool's statements do not arrive.

Bounded: only the newest KEEP rejections of each credential are kept.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import NamedTuple

from ingest.lrs.exceptions import StoreUnavailable
from ingest.lrs.store import LrsStore, utc_now
from ingest.xapi import formats

log = logging.getLogger(__name__)

KEEP = 100


class Rejection(NamedTuple):
    at: str
    request: str
    status: int
    reason: str


def record(store: LrsStore, credential: str, request: str, status: int, reason: str) -> None:
    """Remember one rejected request; a store too busy to remember it never changes the answer to the tool."""
    try:
        with store.transaction() as db:
            db.execute("INSERT INTO rejections (credential, at, request, status, reason) VALUES (?, ?, ?, ?, ?)",
                       (credential, formats.format_timestamp(utc_now()), request[:500], status, reason[:1000]))
            db.execute(
                "DELETE FROM rejections WHERE credential = ? AND seq <= "
                "(SELECT seq FROM rejections WHERE credential = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)",
                (credential, credential, KEEP),
            )
    except StoreUnavailable:
        log.warning("could not record a rejected request of %s", credential, exc_info=True)


def recent(store: LrsStore, credential: str, limit: int = KEEP) -> list[Rejection]:
    """Newest first."""
    try:
        rows = store.reader().execute(
            "SELECT at, request, status, reason FROM rejections WHERE credential = ? ORDER BY seq DESC LIMIT ?",
            (credential, limit),
        ).fetchall()
    except sqlite3.Error as err:
        raise StoreUnavailable(f"LRS store {store.path} cannot be read: {err}") from err
    return [Rejection(*row) for row in rows]
