"""Turns one micro-batch of Kafka records into Arrow tables for the lake: statements, document events, dead letters.

A message is a stored xAPI statement unless its JSON object carries a
`leerstroom_event` marker; the LRS marks the events of its document resources
(State, Activity Profile, Agent Profile) that way.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc
from kafka.consumer.fetcher import ConsumerRecord

from ingest.kafka import EVENT_ID_HEADER
from ingest.xapi.columns import NotAStatement, parse_timestamp, statement_columns
from ingest.xapi.identity import actor_key

TIMESTAMP = pa.timestamp("us", tz="UTC")

STATEMENT_SCHEMA = pa.schema(
    [
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
    ]
)

DEAD_LETTER_SCHEMA = pa.schema(
    [
        ("topic_id", pa.string()),
        ("kafka_partition", pa.int32()),
        ("kafka_offset", pa.int64()),
        ("message_key", pa.string()),
        ("payload", pa.string()),
        ("error", pa.string()),
        ("received_at", TIMESTAMP),
    ]
)

DOCUMENT_EVENT_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("resource", pa.string()),
        ("action", pa.string()),
        ("activity_id", pa.string()),
        ("agent_key", pa.string()),
        ("registration", pa.string()),
        ("document_id", pa.string()),
        ("occurred_at", TIMESTAMP),
        ("payload", pa.string()),
        ("topic_id", pa.string()),
        ("kafka_partition", pa.int32()),
        ("kafka_offset", pa.int64()),
        ("loaded_at", TIMESTAMP),
    ]
)

DOCUMENT_RESOURCES = ("state", "activity_profile", "agent_profile")
DOCUMENT_ACTIONS = ("put", "post", "delete")
# Names an event id for a document message that came without the header, from its bytes, so a copy gets the same id.
HEADERLESS_EVENTS = uuid.UUID("6f1d2c3e-5b7a-4e0f-9a41-2d8c0b7e9f10")

UNPACKED = STATEMENT_SCHEMA.names[:9]
TEXT_COLUMNS = [name for name in UNPACKED if STATEMENT_SCHEMA.field(name).type == pa.string()]


@dataclass
class Batch:
    """What one micro-batch holds, and how far it moves each partition."""

    topic_id: str
    statements: pa.Table
    dead_letters: pa.Table
    documents: pa.Table = field(default_factory=lambda: DOCUMENT_EVENT_SCHEMA.empty_table())
    next_offsets: dict[int, int] = field(default_factory=dict)
    repeated: int = 0  # copies of a statement already earlier in this batch

    @property
    def messages(self) -> int:
        return self.statements.num_rows + self.documents.num_rows + self.dead_letters.num_rows + self.repeated

    def stored_range(self) -> tuple[datetime, datetime] | None:
        """The batch's span of `stored` times: a statement id always comes back with the same one."""
        if not self.statements.num_rows:
            return None
        return _span(self.statements.column("stored_at"))

    def occurred_range(self) -> tuple[datetime, datetime] | None:
        """The batch's span of document event times: a copy of an event carries the same `at`."""
        if not self.documents.num_rows:
            return None
        return _span(self.documents.column("occurred_at"))


def _span(column: pa.ChunkedArray) -> tuple[datetime, datetime]:
    return pc.min(column).as_py(), pc.max(column).as_py()


def _text(data: bytes | None) -> str | None:
    return None if data is None else data.decode("utf-8", errors="replace")


def _parse(value: bytes | None) -> tuple[str, Any]:
    if value is None:
        raise NotAStatement("message: empty (no value)")
    try:
        payload = value.decode("utf-8")
        return payload, orjson.loads(payload)
    except UnicodeDecodeError as err:
        raise NotAStatement(f"message: not UTF-8 text ({err.reason} at byte {err.start})") from err
    except orjson.JSONDecodeError as err:
        raise NotAStatement(f"message: not JSON ({err})") from err


def _statement(parsed: Any) -> dict:
    try:
        columns = statement_columns(parsed)
    except NotAStatement:
        raise
    except ValueError as err:
        raise NotAStatement(f"statement: {err}") from err
    # One odd value must not fail the Arrow conversion of the whole batch.
    for name in TEXT_COLUMNS:
        if columns[name] is not None and not isinstance(columns[name], str):
            raise NotAStatement(f"{name}: must be a string, got {type(columns[name]).__name__}")
    return columns


def _optional_text(event: dict, field: str) -> str | None:
    value = event.get(field)
    if value is not None and not isinstance(value, str):
        raise NotAStatement(f"document event {field}: must be a string, got {type(value).__name__}")
    return value


def document_columns(event: dict, event_id: str) -> dict:
    """The lake columns of a document event; NotAStatement names the field that is wrong."""
    if event.get("leerstroom_event") != "document":
        raise NotAStatement(f"leerstroom_event: unknown event kind {event.get('leerstroom_event')!r}")
    if event.get("resource") not in DOCUMENT_RESOURCES:
        raise NotAStatement(f"document event resource: must be one of {', '.join(DOCUMENT_RESOURCES)}")
    if event.get("action") not in DOCUMENT_ACTIONS:
        raise NotAStatement(f"document event action: must be one of {', '.join(DOCUMENT_ACTIONS)}")
    agent = event.get("agent")
    try:
        agent_key = None if agent is None else actor_key(agent)
    except ValueError as err:
        raise NotAStatement(f"document event agent: {err}") from err
    return {
        "event_id": event_id,
        "resource": event["resource"],
        "action": event["action"],
        "activity_id": _optional_text(event, "activityId"),
        "agent_key": agent_key,
        "registration": _optional_text(event, "registration"),
        "document_id": _optional_text(event, "documentId"),
        "occurred_at": parse_timestamp(event.get("at"), "document event at"),
    }


def _event_id(record: ConsumerRecord) -> str:
    for name, value in record.headers or ():
        if name == EVENT_ID_HEADER and value:
            return value.decode("utf-8", errors="replace")
    return str(uuid.uuid5(HEADERLESS_EVENTS, record.value.hex()))


class _Table:
    """Column lists growing row by row, turned into one Arrow table at the end."""

    def __init__(self, schema: pa.Schema) -> None:
        self.schema = schema
        self.columns: dict[str, list] = {name: [] for name in schema.names}

    def add(self, row: dict) -> None:
        for name, values in self.columns.items():
            values.append(row[name])

    def table(self) -> pa.Table:
        return pa.Table.from_pydict(self.columns, schema=self.schema)


def build(records: Iterable[ConsumerRecord], topic_id: str) -> Batch:
    """Parse each record; what is neither a stored xAPI statement nor a document event becomes a dead letter.

    A statement id (or document event id) seen twice in the batch is kept once (the
    first copy): the relay may publish an entry again, and a tool may have its
    statement acknowledged twice.
    """
    now = datetime.now(timezone.utc)
    rows: list[dict] = []
    placements: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    repeated = 0
    dead = _Table(DEAD_LETTER_SCHEMA)
    documents = _Table(DOCUMENT_EVENT_SCHEMA)
    next_offsets: dict[int, int] = {}
    for record in records:
        next_offsets[record.partition] = max(next_offsets.get(record.partition, 0), record.offset + 1)
        try:
            payload, parsed = _parse(record.value)
            if isinstance(parsed, dict) and "leerstroom_event" in parsed:
                event = document_columns(parsed, _event_id(record))
            else:
                event = None
                unpacked = _statement(parsed)
        except NotAStatement as err:
            dead.add(
                {
                    "topic_id": topic_id,
                    "kafka_partition": record.partition,
                    "kafka_offset": record.offset,
                    "message_key": _text(record.key),
                    "payload": _text(record.value),
                    "error": str(err),
                    "received_at": now,
                }
            )
            continue
        identity = event["event_id"] if event is not None else unpacked["statement_id"]
        if identity in seen:
            repeated += 1
            continue
        seen.add(identity)
        if event is not None:
            documents.add(
                {
                    **event,
                    "payload": payload,
                    "topic_id": topic_id,
                    "kafka_partition": record.partition,
                    "kafka_offset": record.offset,
                    "loaded_at": now,
                }
            )
            continue
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
        dead_letters=dead.table(),
        documents=documents.table(),
        next_offsets=next_offsets,
        repeated=repeated,
    )
