"""The sink's consumer offsets in lake.raw.consumer_offsets: the one module that reads and moves them.

A row per (topic, log id, partition) holds the next offset the lake lacks. The sink
moves it by a compare-and-set in the transaction that writes the batch; the relay
reads it to forget outbox entries the lake holds; `leerstroom status` reads it for
the lag. Tying offsets to the log's id (its topic id) lets a log that was replaced
be read from its beginning instead of from an offset that belonged to the old one.
"""

from __future__ import annotations

import duckdb

from leerstroom import lake
from leerstroom.errors import TransientError
from leerstroom.settings import Settings

TABLE = "lake.raw.consumer_offsets"
# Inserts never conflict in DuckLake, so two sinks starting one log at once would both insert its first
# offsets (and both write its first batch). The SQLite catalog's writer lock orders them; without it
# (PostgreSQL) each start also updates the topic's claim row, and two updates of one row do conflict.
CLAIMS = "lake.raw.consumer_log_claims"


class OffsetConflict(TransientError):
    """Another sink moved the stored offsets since this one read them: this batch is not ours to write."""


def of_log(con: duckdb.DuckDBPyConnection, topic: str, topic_id: str) -> dict[int, int]:
    """Partition -> next offset, for one log."""
    rows = con.execute(
        f"SELECT kafka_partition, next_offset FROM {TABLE} WHERE topic = ? AND topic_id = ?", [topic, topic_id]
    ).fetchall()
    return dict(rows)


def of_every_log(con: duckdb.DuckDBPyConnection, topic: str) -> dict[tuple[str, int], int]:
    """(log id, partition) -> next offset, for every log of the topic the lake has read."""
    rows = con.execute(
        f"SELECT topic_id, kafka_partition, next_offset FROM {TABLE} WHERE topic = ?", [topic]
    ).fetchall()
    return {(topic_id, partition): next_offset for topic_id, partition, next_offset in rows}


def read(settings: Settings) -> dict[str, dict[int, int]]:
    """Log id -> partition -> next offset, read through a read-only connection of its own."""
    found = lake.read(settings, lambda con: of_every_log(con, settings.kafka_topic))
    offsets: dict[str, dict[int, int]] = {}
    for (topic_id, partition), next_offset in found.items():
        offsets.setdefault(topic_id, {})[partition] = next_offset
    return offsets


def prepare_start(con: duckdb.DuckDBPyConnection, topic: str) -> None:
    """Make sure the topic has a claim row; run in a transaction of its own before a batch starts a log.

    Two sinks may both insert one at the same moment: two claim rows are as good as one.
    """
    con.execute(
        f"INSERT INTO {CLAIMS} SELECT ?, now() WHERE NOT EXISTS (SELECT 1 FROM {CLAIMS} WHERE topic = ?)",
        [topic, topic],
    )


def needs_claim(settings: Settings, expected: dict[int, int | None], moved: dict[int, int]) -> bool:
    """Whether moving `moved` starts a partition on a lake whose writers no lock orders."""
    return not lake.writers_serialised(settings) and any(expected.get(p) is None for p in moved)


def advance(
    con: duckdb.DuckDBPyConnection,
    topic: str,
    topic_id: str,
    expected: dict[int, int | None],
    moved: dict[int, int],
    *,
    claim: bool = False,
) -> None:
    """Compare-and-set each partition in `moved` from its `expected` offset (None: no row yet).

    Runs inside the caller's write transaction. Any mismatch means another sink got there
    first: OffsetConflict, and the caller's transaction (its batch too) rolls back. With
    `claim` (see needs_claim) starting a partition also updates the topic's claim row.
    """
    known = [(p, expected[p], new) for p, new in moved.items() if expected.get(p) is not None]
    unknown = [(p, new) for p, new in moved.items() if expected.get(p) is None]
    if known:
        values = ", ".join(f"({int(p)}, {int(old)}, {int(new)})" for p, old, new in known)
        changed = con.execute(
            f"""
            UPDATE {TABLE} AS stored
            SET next_offset = moved.new_offset, updated_at = now()
            FROM (VALUES {values}) AS moved(kafka_partition, old_offset, new_offset)
            WHERE stored.topic = ? AND stored.topic_id = ?
              AND stored.kafka_partition = moved.kafka_partition AND stored.next_offset = moved.old_offset
            """,
            [topic, topic_id],
        ).fetchone()[0]
        if changed != len(known):
            raise OffsetConflict(f"{len(known) - changed} of {len(known)} partition offsets moved by another sink")
    if unknown and claim:
        claimed = con.execute(f"UPDATE {CLAIMS} SET claimed_at = now() WHERE topic = ?", [topic]).fetchone()[0]
        if not claimed:
            raise OffsetConflict(f"topic {topic} has no claim row yet (prepare_start first)")
    for partition, new in unknown:
        # Checked again inside the transaction: another sink may have started this log meanwhile.
        taken = con.execute(
            f"SELECT count(*) FROM {TABLE} WHERE topic = ? AND topic_id = ? AND kafka_partition = ?",
            [topic, topic_id, partition],
        ).fetchone()[0]
        if taken:
            raise OffsetConflict(f"partition {partition} of log {topic_id} was started by another sink")
        con.execute(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, now())", [topic, topic_id, partition, new])
