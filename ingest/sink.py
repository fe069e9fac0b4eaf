"""The exactly-once sink: Kafka micro-batches into the lake, each in one transaction with its offsets.

Offsets live in lake.raw.consumer_offsets (ingest/offsets.py), tied to the log's
topic id, and are moved by a compare-and-set in the same transaction as the
statements. So a crash anywhere replays at most an uncommitted batch, a second sink
reading the same partitions fails its compare-and-set and re-seeks, and a broker
that restarted empty is read from its beginning. Statements are also deduplicated
by id, so reading a log again can never double one. Document events (the LRS's
State and profile changes) land beside them in lake.raw.document_events,
deduplicated by event id, in the same transaction.

One sink reads every partition. Several sinks share a consumer group
(LEERSTROOM_SINK_GROUP): the broker gives each its own partitions and moves them to
the others when one stops. A batch read across a rebalance is dropped, and each
sink starts a partition from the offset the lake holds, never from Kafka's.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from datetime import datetime

import duckdb
import pyarrow as pa
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.errors import KafkaError

from ingest import kafka, offsets
from ingest.offsets import OffsetConflict
from ingest.privacy.sink_filter import SinkPrivacy
from ingest.sink_batch import Batch, build
from leerstroom import heartbeat, lake
from leerstroom.errors import ConfigurationError, TransientError
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

STATEMENT_COLUMNS = (
    "statement_id, actor_key, verb_id, object_id, object_type, registration, voided_statement_id, "
    "statement_timestamp, stored_at, loaded_at, topic_id, kafka_partition, kafka_offset, payload"
)
DOCUMENT_EVENT_COLUMNS = (
    "event_id, resource, action, activity_id, agent_key, registration, document_id, occurred_at, payload, "
    "topic_id, kafka_partition, kafka_offset, loaded_at"
)


class LogChanged(TransientError):
    """The topic has a new id: the broker's log was replaced while a batch was being read."""


def _insert_new(
    con: duckdb.DuckDBPyConnection,
    rows: pa.Table,
    table: str,
    columns: str,
    id_column: str,
    time_column: str,
    span: tuple[datetime, datetime],
) -> int:
    """Insert the rows whose id `table` lacks; return how many were inserted.

    A copy of an event always carries the same time, so looking for its id only within the
    batch's time span is exact, and lets DuckLake skip files by their statistics instead of
    reading all history.
    """
    con.register("batch_rows", rows)
    try:
        return con.execute(
            f"""
            INSERT INTO {table} ({columns})
            SELECT {columns} FROM batch_rows
            WHERE {id_column} NOT IN (SELECT {id_column} FROM {table} WHERE {time_column} BETWEEN ? AND ?)
            """,
            list(span),
        ).fetchone()[0]
    finally:
        con.unregister("batch_rows")


class _Rebalance(ConsumerRebalanceListener):
    """Tells the sink which partitions its consumer group gave it; called from inside poll()."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    def on_partitions_revoked(self, revoked) -> None:
        self.sink.rebalances += 1
        for tp in revoked:
            self.sink.expected.pop(tp.partition, None)

    def on_partitions_assigned(self, assigned) -> None:
        self.sink.rebalances += 1
        log.info(
            "consumer group %s gave this sink partitions %s",
            self.sink.settings.sink_group,
            sorted(tp.partition for tp in assigned),
        )
        if self.sink.topic is not None:
            self.sink.seek_to_lake()


class Sink:
    """A consumer of the statements topic writing to the lake: of every partition, or of its group's share."""

    def __init__(self, settings: Settings, *, topic_check_seconds: float = 3.0) -> None:
        self.settings = settings
        self.topic_check_seconds = topic_check_seconds
        self.con = lake.connect(settings)
        self.topic: kafka.TopicInfo | None = None
        # Per partition read: the next offset as stored in the lake, or None when the lake has no row yet.
        self.expected: dict[int, int | None] = {}
        self.written = 0
        self.duplicates = 0
        self.dead_letters = 0
        self.conflicts = 0
        self.log_changes = 0
        self.rebalances = 0
        self.privacy = SinkPrivacy(settings)
        self._admin: KafkaAdminClient | None = None
        self._consumer: KafkaConsumer | None = None
        self._subscribed = False
        self._topic_checked = 0.0

    # Kafka side -----------------------------------------------------------------------------

    def _connect(self) -> None:
        if self._consumer is not None:
            return
        servers = kafka.bootstrap(self.settings, wait_seconds=self.settings.kafka_timeout_ms / 1000)
        self._admin = kafka.admin(self.settings, servers)
        self._consumer = kafka.consumer(
            self.settings,
            servers,
            max_records=self.settings.sink_batch_max,
            group=self.settings.sink_group.strip() or None,
        )
        self._subscribed = False
        self._follow(kafka.ensure(self._admin, self.settings))

    def _disconnect(self) -> None:
        with contextlib.suppress(KafkaError, OSError):
            if self._consumer is not None:
                self._consumer.close(autocommit=False)
            if self._admin is not None:
                self._admin.close()
        self._consumer = self._admin = None

    def _follow(self, info: kafka.TopicInfo) -> None:
        """Read `info`'s log from where the lake says this log was left, or from its beginning."""
        if self.topic is not None and info.topic_id != self.topic.topic_id:
            self.log_changes += 1
            log.warning(
                "topic %s has a new log (id %s, was %s): reading it from the beginning",
                self.settings.kafka_topic,
                info.topic_id,
                self.topic.topic_id,
            )
        self.topic = info
        self._topic_checked = time.monotonic()
        if not self.settings.sink_group.strip():
            self._consumer.assign([TopicPartition(self.settings.kafka_topic, p) for p in info.partitions])
        elif not self._subscribed:
            # Partitions arrive in the first poll, through _Rebalance, which seeks them to the lake's offsets.
            self._consumer.subscribe([self.settings.kafka_topic], listener=_Rebalance(self))
            self._subscribed = True
            self.expected = {}
            return
        self.seek_to_lake()

    def seek_to_lake(self) -> None:
        """Seek every partition this sink reads to the offset the lake holds for the current log."""
        stored = offsets.of_log(self.con, self.settings.kafka_topic, self.topic.topic_id)
        owned = sorted(tp.partition for tp in self._consumer.assignment())
        self.expected = {p: stored.get(p) for p in owned}
        fresh = []
        for partition, offset in self.expected.items():
            tp = TopicPartition(self.settings.kafka_topic, partition)
            if offset is None:
                fresh.append(tp)
            else:
                self._consumer.seek(tp, offset)
        if fresh:
            self._consumer.seek_to_beginning(*fresh)
        log.info(
            "sink reading log %s from %s",
            self.topic.topic_id,
            {p: "beginning" if o is None else o for p, o in self.expected.items()},
        )

    def _current_log(self) -> kafka.TopicInfo:
        info = kafka.ensure(self._admin, self.settings)
        self._topic_checked = time.monotonic()
        return info

    def _poll(self) -> list:
        limit = self.settings.sink_batch_max
        deadline = time.monotonic() + self.settings.sink_batch_seconds
        records: list = []
        rebalances = self.rebalances
        while len(records) < limit:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                fetched = self._consumer.poll(timeout_ms=int(remaining * 1000) + 1, max_records=limit - len(records))
            except KafkaError as err:
                # With auto_offset_reset="none" an offset the log lacks lands here: usually a new log.
                raise LogChanged(f"fetching failed ({err}); checking the log's identity") from err
            if self.rebalances != rebalances:
                # The group moved partitions: what was read before may not be ours, and positions were reset.
                records, rebalances = [], self.rebalances
            for partition_records in fetched.values():
                records.extend(r for r in partition_records if r.partition in self.expected)
        return records

    # Lake side ------------------------------------------------------------------------------

    def _write(self, con: duckdb.DuckDBPyConnection, batch: Batch, claim: bool) -> tuple[int, int]:
        """Insert what the lake lacks of the batch and move the offsets; return (statements, document events) added."""
        statements = documents = 0
        if batch.statements.num_rows:
            statements = _insert_new(
                con,
                batch.statements,
                "lake.raw.statements",
                STATEMENT_COLUMNS,
                "statement_id",
                "stored_at",
                batch.stored_range(),
            )
        if batch.documents.num_rows:
            documents = _insert_new(
                con,
                batch.documents,
                "lake.raw.document_events",
                DOCUMENT_EVENT_COLUMNS,
                "event_id",
                "occurred_at",
                batch.occurred_range(),
            )
        if batch.dead_letters.num_rows:
            con.register("batch_dead_letters", batch.dead_letters)
            con.execute("INSERT INTO lake.raw.dead_letters SELECT * FROM batch_dead_letters")
            con.unregister("batch_dead_letters")
        offsets.advance(con, self.settings.kafka_topic, batch.topic_id, self.expected, batch.next_offsets, claim=claim)
        return statements, documents

    # Loop -----------------------------------------------------------------------------------

    def run_once(self) -> int:
        """Read one micro-batch and commit it; return the statements and document events newly written."""
        self._connect()
        if time.monotonic() - self._topic_checked >= self.topic_check_seconds:
            current = self._current_log()
            if current.topic_id != self.topic.topic_id:
                self._follow(current)
        try:
            records = self._poll()
        except LogChanged as err:
            log.info("%s", err)
            self._follow(self._current_log())
            return 0
        if not records:
            return 0
        started = time.monotonic()
        # Forgotten people are dropped and identities pseudonymised before anything reaches the lake.
        batch = self.privacy.apply(build(records, self.topic.topic_id))
        # Ids never come back: if the log still has the id it had before the fetch, the records came from it.
        current = self._current_log()
        if current.topic_id != batch.topic_id:
            self._follow(current)
            return 0
        try:
            claim = offsets.needs_claim(self.settings, self.expected, batch.next_offsets)
            if claim:
                lake.write_transaction(
                    self.con, lambda con: offsets.prepare_start(con, self.settings.kafka_topic), settings=self.settings
                )
            inserted, documents = lake.write_transaction(
                self.con, lambda con: self._write(con, batch, claim), settings=self.settings
            )
        except OffsetConflict as err:
            self.conflicts += 1
            log.warning("batch of %d messages dropped, %s; re-seeking to the lake's offsets", batch.messages, err)
            self.seek_to_lake()
            return 0
        for partition, new in batch.next_offsets.items():
            self.expected[partition] = new
        duplicates = batch.messages - batch.dead_letters.num_rows - inserted - documents
        self.written += inserted
        self.duplicates += duplicates
        self.dead_letters += batch.dead_letters.num_rows
        elapsed = time.monotonic() - started
        log.info(
            "batch of %d messages: %d statements and %d document events written, %d duplicates skipped, "
            "%d dead letters (%.2fs, %.0f msg/s)",
            batch.messages,
            inserted,
            documents,
            duplicates,
            batch.dead_letters.num_rows,
            elapsed,
            batch.messages / max(elapsed, 1e-6),
        )
        return inserted + documents

    def run(self, stop: threading.Event) -> None:
        backoff = kafka.Backoff("sink", "will retry")
        while not stop.is_set():
            try:
                self.run_once()
            except (TransientError, ConfigurationError) as err:
                self._disconnect()
                backoff.failed(err, stop)
                continue
            backoff.succeeded()
            heartbeat.beat(self.settings, "sink")  # `leerstroom health sink` reads it

    def close(self) -> None:
        self._disconnect()
        with contextlib.suppress(duckdb.Error):
            self.con.close()


def run(settings: Settings) -> int:
    """`leerstroom sink`: stream into the lake until SIGINT/SIGTERM."""
    stop = kafka.stop_on_signals()
    sink = Sink(settings)
    log.info("sink writing topic %s into the lake at %s", settings.kafka_topic, settings.lake_dir)
    try:
        sink.run(stop)
    finally:
        sink.close()
    return 0
