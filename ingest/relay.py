"""The outbox relay: publishes what the LRS acknowledged to Kafka, and forgets it once the lake holds it.

An outbox entry stays in the LRS store until the lake's consumer offsets show the
sink committed past its placement. When the broker's log identity changes (an
embedded broker restarted empty) entries placed on the old log become pending
again and are published to the new one; the sink's dedupe by statement id makes
the second copy harmless.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time

import duckdb
from kafka.errors import KafkaError

from ingest import kafka, offsets, outbox
from leerstroom import heartbeat, lake
from leerstroom.errors import BrokerUnavailable, ConfigurationError, LakeUnavailable, TransientError
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

# Each message carries its outbox entry's event id: the sink deduplicates document events by it.
EVENT_ID_HEADER = "leerstroom-event-id"


def open_store(settings: Settings) -> sqlite3.Connection:
    """The relay's own connection to the LRS store; creates the outbox if the LRS has not yet."""
    settings.lrs_dir.mkdir(parents=True, exist_ok=True)
    # The LRS writes the same file; waiting on its locks beats failing.
    db = sqlite3.connect(settings.lrs_db, timeout=30, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    outbox.create(db)
    return db


class Relay:
    """Moves outbox entries to Kafka in batches; one instance per process is enough."""

    def __init__(self, settings: Settings, *, topic_check_seconds: float = 1.0,
                 confirm_seconds: float = 1.0, store_lock: threading.Lock | None = None) -> None:
        self.settings = settings
        # The LRS's write lock when the relay runs inside the LRS process (see LrsStore.write_lock).
        self._store_lock = store_lock or contextlib.nullcontext()
        self.topic_check_seconds = topic_check_seconds
        self.confirm_seconds = confirm_seconds
        self.db = open_store(settings)
        self.topic_id: str | None = None
        self.published = 0
        self.confirmed = 0
        self._servers: str | None = None
        self._admin = None
        self._producer = None
        self._lake: duckdb.DuckDBPyConnection | None = None
        self._topic_checked = 0.0
        self._confirmed_at = 0.0

    # Kafka side -----------------------------------------------------------------------------

    def _connect(self) -> None:
        if self._producer is not None:
            return
        self._servers = kafka.bootstrap(self.settings, wait_seconds=self.settings.kafka_timeout_ms / 1000)
        self._admin = kafka.admin(self.settings, self._servers)
        self._producer = kafka.producer(self.settings, self._servers)

    def _disconnect(self) -> None:
        # After a failure start over: the embedded broker may be back on another port.
        with contextlib.suppress(KafkaError, OSError):
            if self._producer is not None:
                self._producer.close(timeout=0)
            if self._admin is not None:
                self._admin.close()
        self._producer = self._admin = None

    def refresh_topic(self) -> str:
        """Learn the current log identity, creating the topic on a broker that lacks it."""
        self._connect()
        current = kafka.ensure(self._admin, self.settings).topic_id
        if current != self.topic_id:
            if self.topic_id is not None:
                log.warning("topic %s has a new log (id %s, was %s): republishing what the lake lacks",
                            self.settings.kafka_topic, current, self.topic_id)
                self.confirm()
            self.topic_id = current
        self._topic_checked = time.monotonic()
        return current

    def publish_once(self) -> int:
        """Publish one batch of pending entries; return how many were placed on the current log."""
        due = time.monotonic() - self._topic_checked >= self.topic_check_seconds
        if self._producer is None or self.topic_id is None or due:
            self.refresh_topic()
        log_id = self.topic_id
        entries = outbox.pending(self.db, log_id, self.settings.relay_batch)
        if not entries:
            return 0
        try:
            futures = [
                self._producer.send(self.settings.kafka_topic, key=e.message_key, value=e.payload,
                                    headers=[(EVENT_ID_HEADER, e.event_id.encode())])
                for e in entries
            ]
            self._producer.flush(timeout=self.settings.kafka_timeout_ms * 2 / 1000)
        except KafkaError as err:
            self._disconnect()
            raise BrokerUnavailable(f"publishing {len(entries)} outbox entries failed: {err}") from err
        placements = []
        failure = None
        for entry, future in zip(entries, futures):
            if future.succeeded():
                meta = future.value
                placements.append(outbox.Placement(entry.seq, log_id, meta.partition, meta.offset))
            else:
                failure = failure or future.exception or "no acknowledgement in time"
        # An acknowledgement is only tied to `log_id` if that log still exists after it:
        # ids never come back, so an unchanged id now proves the acks came from that log.
        if self.refresh_topic() != log_id:
            log.warning("log changed during a send; %d entries stay pending", len(placements))
            return 0
        with self._store_lock:
            outbox.mark_published(self.db, placements)
        self.published += len(placements)
        if failure is not None:
            raise BrokerUnavailable(
                f"{len(entries) - len(placements)} of {len(entries)} outbox entries not acknowledged: {failure}"
            )
        return len(placements)

    # Lake side ------------------------------------------------------------------------------

    def confirm(self) -> int:
        """Delete the entries the lake holds. Without a lake yet there is nothing to confirm."""
        self._confirmed_at = time.monotonic()
        try:
            if self._lake is None:
                self._lake = lake.connect(self.settings, read_only=True)
            held = offsets.of_every_log(self._lake, self.settings.kafka_topic)
        except ConfigurationError:
            return 0  # the sink has not created the lake yet
        except LakeUnavailable as err:
            log.warning("the lake cannot be reached, will retry: %s", err)
            return 0
        except duckdb.Error as err:
            log.warning("reading the lake's offsets failed, will retry: %s", err)
            self._close_lake()
            return 0
        with self._store_lock:
            deleted = outbox.confirm(self.db, held)
        self.confirmed += deleted
        if deleted:
            log.debug("confirmed %d outbox entries held by the lake", deleted)
        return deleted

    def _close_lake(self) -> None:
        if self._lake is not None:
            with contextlib.suppress(duckdb.Error):
                self._lake.close()
            self._lake = None

    # Loop -----------------------------------------------------------------------------------

    def run_once(self) -> int:
        if time.monotonic() - self._confirmed_at >= self.confirm_seconds:
            self.confirm()
        return self.publish_once()

    def run(self, stop: threading.Event) -> None:
        # ConfigurationError too: no broker announced yet, while the LRS keeps acknowledging into the outbox.
        backoff = kafka.Backoff("relay", "outbox entries are kept")
        rate_started, rate_count = time.monotonic(), 0
        while not stop.is_set():
            try:
                count = self.run_once()
            except (TransientError, ConfigurationError) as err:
                self._disconnect()
                backoff.failed(err, stop)
                continue
            backoff.succeeded()
            heartbeat.beat(self.settings, "relay")  # `leerstroom health relay` reads it
            rate_count += count
            elapsed = time.monotonic() - rate_started
            if elapsed >= 10 and rate_count:
                log.info("relay published %d entries in %.1fs (%.0f/s)", rate_count, elapsed, rate_count / elapsed)
                rate_started, rate_count = time.monotonic(), 0
            if count == 0:
                stop.wait(self.settings.relay_idle_seconds)

    def close(self) -> None:
        self._disconnect()
        self._close_lake()
        self.db.close()


def run(settings: Settings) -> int:
    """`leerstroom relay`: publish the outbox until SIGINT/SIGTERM."""
    stop = kafka.stop_on_signals()
    relay = Relay(settings)
    log.info("relay publishing %s to topic %s", settings.lrs_db, settings.kafka_topic)
    try:
        relay.run(stop)
    finally:
        relay.close()
    return 0
