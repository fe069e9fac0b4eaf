"""The transactional outbox in the LRS store: what was acknowledged, waiting to reach the lake.

The LRS appends entries in the same SQLite transaction as the statements it
acknowledges. The relay publishes them to Kafka and records where each landed
(topic id, partition, offset). An entry is deleted only once the lake's stored
consumer offsets show the sink has committed past it. Entries published to a log
that has since disappeared (a broker that restarted empty) are published again.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Mapping
from typing import NamedTuple

DDL = """
CREATE TABLE IF NOT EXISTS outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        TEXT NOT NULL,
    message_key     BLOB NOT NULL,
    payload         BLOB NOT NULL,
    created_at      REAL NOT NULL,
    topic_id        TEXT,
    kafka_partition INTEGER,
    kafka_offset    INTEGER,
    published_at    REAL
);
CREATE INDEX IF NOT EXISTS outbox_by_log ON outbox (topic_id, kafka_partition, kafka_offset);
"""


class Entry(NamedTuple):
    seq: int
    event_id: str
    message_key: bytes
    payload: bytes


class Placement(NamedTuple):
    seq: int
    topic_id: str
    kafka_partition: int
    kafka_offset: int


def create(db: sqlite3.Connection) -> None:
    db.executescript(DDL)


def append(db: sqlite3.Connection, entries: Iterable[tuple[str, bytes, bytes]]) -> None:
    """Add (event_id, key, payload) entries inside the caller's open transaction."""
    now = time.time()
    db.executemany(
        "INSERT INTO outbox (event_id, message_key, payload, created_at) VALUES (?, ?, ?, ?)",
        ((event_id, key, payload, now) for event_id, key, payload in entries),
    )


def pending(db: sqlite3.Connection, current_topic_id: str, limit: int) -> list[Entry]:
    """Entries never published, or published to a log other than the current one."""
    rows = db.execute(
        "SELECT seq, event_id, message_key, payload FROM outbox "
        "WHERE topic_id IS NULL OR topic_id <> ? ORDER BY seq LIMIT ?",
        (current_topic_id, limit),
    ).fetchall()
    return [Entry(*row) for row in rows]


def mark_published(db: sqlite3.Connection, placements: Iterable[Placement]) -> None:
    now = time.time()
    with db:
        db.executemany(
            "UPDATE outbox SET topic_id = ?, kafka_partition = ?, kafka_offset = ?, published_at = ? WHERE seq = ?",
            ((p.topic_id, p.kafka_partition, p.kafka_offset, now, p.seq) for p in placements),
        )


def confirm(db: sqlite3.Connection, lake_offsets: Mapping[tuple[str, int], int]) -> int:
    """Delete entries the lake holds: (topic_id, partition) -> next offset the sink will read."""
    deleted = 0
    with db:
        for (topic_id, partition), next_offset in lake_offsets.items():
            cur = db.execute(
                "DELETE FROM outbox WHERE topic_id = ? AND kafka_partition = ? AND kafka_offset < ?",
                (topic_id, partition, next_offset),
            )
            deleted += cur.rowcount
    return deleted


def counts(db: sqlite3.Connection) -> dict[str, int]:
    total, unpublished = db.execute(
        "SELECT count(*), count(*) FILTER (WHERE topic_id IS NULL) FROM outbox"
    ).fetchone()
    return {"outbox": total, "outbox_unpublished": unpublished}
