"""The transactional outbox in the LRS store: what was acknowledged, waiting to reach the lake.

The one module that reads and writes the outbox table (its schema is an LRS store migration,
ingest/lrs/schema.py). The LRS appends entries in the same transaction as the statements it
acknowledges. The relay publishes them to Kafka and records where each landed (topic id,
partition, offset). An entry is deleted only once the lake's stored consumer offsets show the
sink has committed past it. Entries published to a log that has since disappeared (a broker
that restarted empty) are published again.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from ingest.lrs.engine import Db

COLUMNS = ("event_id", "message_key", "payload", "created_at")


class Reader(Protocol):
    """The reads the counts below need: the LRS store's (ingest/lrs/store.py), which writes through this module."""

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]: ...

    def read_one(self, sql: str, params: Sequence[Any] = ()) -> tuple | None: ...


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


def append(db: Db, entries: Iterable[tuple[str, bytes, bytes]]) -> None:
    """Add (event_id, key, payload) entries inside the caller's open transaction."""
    now = time.time()
    db.copy_rows("outbox", COLUMNS, [(event_id, key, payload, now) for event_id, key, payload in entries])


def pending(db: Db, current_topic_id: str, limit: int, *, skip_locked: str = "") -> list[Entry]:
    """Entries never published, oldest first, then those published to a log other than the current one.

    With `skip_locked` (PostgreSQL's FOR UPDATE SKIP LOCKED, inside the caller's transaction) the entries
    stay locked until that transaction ends, and another relay's call passes over them.
    """
    columns = "SELECT seq, event_id, message_key, payload FROM outbox"
    rows = db.execute(f"{columns} WHERE topic_id IS NULL ORDER BY seq LIMIT ?{skip_locked}", (limit,)).fetchall()
    if len(rows) < limit:
        # Two ranges rather than <>, so both engines find the few entries of an old log through outbox_by_log.
        rows += db.execute(
            f"{columns} WHERE topic_id < ? OR topic_id > ? ORDER BY seq LIMIT ?{skip_locked}",
            (current_topic_id, current_topic_id, limit - len(rows)),
        ).fetchall()
    return [Entry(seq, event_id, bytes(key), bytes(payload)) for seq, event_id, key, payload in rows]


def mark_published(db: Db, placements: Iterable[Placement]) -> None:
    """Record where entries landed, inside the caller's open transaction."""
    now = time.time()
    db.executemany(
        "UPDATE outbox SET topic_id = ?, kafka_partition = ?, kafka_offset = ?, published_at = ? WHERE seq = ?",
        [(p.topic_id, p.kafka_partition, p.kafka_offset, now, p.seq) for p in placements],
    )


def confirm(db: Db, lake_offsets: Mapping[tuple[str, int], int]) -> int:
    """Delete entries the lake holds, inside the caller's open transaction: (topic_id, partition) -> next offset."""
    deleted = 0
    for (topic_id, partition), next_offset in lake_offsets.items():
        deleted += db.execute(
            "DELETE FROM outbox WHERE topic_id = ? AND kafka_partition = ? AND kafka_offset < ?",
            (topic_id, partition, next_offset),
        ).rowcount
    return deleted


def counts(store: Reader) -> dict[str, int]:
    total, unpublished = store.read_one("SELECT count(*), count(*) FILTER (WHERE topic_id IS NULL) FROM outbox")
    return {"outbox": total, "outbox_unpublished": unpublished}


def placed_beyond(store: Reader, topic_id: str, lake_offsets: Mapping[int, int]) -> tuple[dict[int, int], int]:
    """Per partition, entries placed on this log but not yet in the lake; and entries not yet published."""
    behind: dict[int, int] = {}
    for partition, placed in store.read(
        "SELECT kafka_partition, count(*) FROM outbox WHERE topic_id = ? GROUP BY kafka_partition", (topic_id,)
    ):
        if partition in lake_offsets:
            (placed,) = store.read_one(
                "SELECT count(*) FROM outbox WHERE topic_id = ? AND kafka_partition = ? AND kafka_offset >= ?",
                (topic_id, partition, lake_offsets[partition]),
            )
        if placed:
            behind[partition] = placed
    (unpublished,) = store.read_one("SELECT count(*) FROM outbox WHERE topic_id IS NULL")
    return behind, unpublished
