"""Turns one micro-batch of Kafka records into Arrow tables for the lake: statements and dead letters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import orjson
import pyarrow as pa
import pyarrow.compute as pc
from kafka.consumer.fetcher import ConsumerRecord

from ingest.xapi.columns import NotAStatement, statement_columns

TIMESTAMP = pa.timestamp("us", tz="UTC")

STATEMENT_SCHEMA = pa.schema([
    ("statement_id", pa.string()),
    ("actor_key", pa.string()),
    ("verb_id", pa.string()),
    ("object_id", pa.string()),
    ("object_type", pa.string()),
    ("registration", pa.string()),
    ("voided_statement_id", pa.string()),
    ("statement_timestamp", TIMESTAMP),
    ("stored_at", TIMESTAMP),
    ("loaded_at", TIMESTAMP),
    ("topic_id", pa.string()),
    ("kafka_partition", pa.int32()),
    ("kafka_offset", pa.int64()),
    ("payload", pa.string()),
])

DEAD_LETTER_SCHEMA = pa.schema([
    ("topic_id", pa.string()),
    ("kafka_partition", pa.int32()),
    ("kafka_offset", pa.int64()),
    ("message_key", pa.string()),
    ("payload", pa.string()),
    ("error", pa.string()),
    ("received_at", TIMESTAMP),
])

UNPACKED = STATEMENT_SCHEMA.names[:9]
TEXT_COLUMNS = [name for name in UNPACKED if STATEMENT_SCHEMA.field(name).type == pa.string()]


@dataclass
class Batch:
    """What one micro-batch holds, and how far it moves each partition."""

    topic_id: str
    statements: pa.Table
    dead_letters: pa.Table
    next_offsets: dict[int, int] = field(default_factory=dict)
    repeated: int = 0  # copies of a statement already earlier in this batch

    @property
    def messages(self) -> int:
        return self.statements.num_rows + self.dead_letters.num_rows + self.repeated

    def stored_range(self) -> tuple[datetime, datetime] | None:
        """The batch's span of `stored` times: a statement id always comes back with the same one."""
        if not self.statements.num_rows:
            return None
        column = self.statements.column("stored_at")
        return pc.min(column).as_py(), pc.max(column).as_py()


def _text(data: bytes | None) -> str | None:
    return None if data is None else data.decode("utf-8", errors="replace")


def unpack(value: bytes | None) -> tuple[str, dict]:
    """The message as JSON text and its lake columns; NotAStatement says why it is neither."""
    if value is None:
        raise NotAStatement("message: empty (no value)")
    try:
        payload = value.decode("utf-8")
        columns = statement_columns(orjson.loads(payload))
    except UnicodeDecodeError as err:
        raise NotAStatement(f"message: not UTF-8 text ({err.reason} at byte {err.start})") from err
    except orjson.JSONDecodeError as err:
        raise NotAStatement(f"message: not JSON ({err})") from err
    except NotAStatement:
        raise
    except ValueError as err:
        raise NotAStatement(f"statement: {err}") from err
    # One odd value must not fail the Arrow conversion of the whole batch.
    for name in TEXT_COLUMNS:
        if columns[name] is not None and not isinstance(columns[name], str):
            raise NotAStatement(f"{name}: must be a string, got {type(columns[name]).__name__}")
    return payload, columns


def build(records: Iterable[ConsumerRecord], topic_id: str) -> Batch:
    """Parse each record; what is not a stored xAPI statement becomes a dead letter with its reason.

    A statement id seen twice in the batch is kept once (the first copy): the relay
    may publish an entry again, and a tool may have its statement acknowledged twice.
    """
    now = datetime.now(timezone.utc)
    rows: list[dict] = []
    placements: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    repeated = 0
    dead: dict[str, list] = {name: [] for name in DEAD_LETTER_SCHEMA.names}
    next_offsets: dict[int, int] = {}
    for record in records:
        next_offsets[record.partition] = max(next_offsets.get(record.partition, 0), record.offset + 1)
        try:
            payload, unpacked = unpack(record.value)
        except NotAStatement as err:
            for name, value in zip(DEAD_LETTER_SCHEMA.names, (
                topic_id, record.partition, record.offset, _text(record.key), _text(record.value), str(err), now,
            )):
                dead[name].append(value)
            continue
        if unpacked["statement_id"] in seen:
            repeated += 1
            continue
        seen.add(unpacked["statement_id"])
        rows.append(unpacked)
        placements.append((record.partition, record.offset, payload))
    columns = {name: [row[name] for row in rows] for name in UNPACKED}
    columns["loaded_at"] = [now] * len(rows)
    columns["topic_id"] = [topic_id] * len(rows)
    columns["kafka_partition"] = [partition for partition, _, _ in placements]
    columns["kafka_offset"] = [offset for _, offset, _ in placements]
    columns["payload"] = [payload for _, _, payload in placements]
    return Batch(
        topic_id=topic_id,
        statements=pa.Table.from_pydict(columns, schema=STATEMENT_SCHEMA),
        dead_letters=pa.Table.from_pydict(dead, schema=DEAD_LETTER_SCHEMA),
        next_offsets=next_offsets,
        repeated=repeated,
    )
