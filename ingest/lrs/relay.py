"""The outbox relay: publishes what the LRS acknowledged to Kafka, and forgets it once the lake holds it.

An outbox entry stays in the LRS store until the lake's consumer offsets show the
sink committed past its placement. When the broker's log identity changes (an
embedded broker restarted empty) entries placed on the old log become pending
again and are published to the new one; the sink's dedupe by statement id makes
the second copy harmless.

Every LRS process may run a relay. On PostgreSQL they publish side by side: each takes a
batch of pending entries with SELECT … FOR UPDATE SKIP LOCKED and keeps it locked until the
placements are committed, so no two relays take the same entries, and a relay that dies
releases its batch to the others. On SQLite the relays of one host take turns through an
exclusive lock on a file beside the store (flock): one publishes, the others stand by, and the
kernel hands the lock on when its holder dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time

import duckdb
from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from ingest import kafka, offsets
from ingest.lrs import outbox
from ingest.lrs.engine import DatabaseError, Db
from ingest.lrs.exceptions import StoreUnavailable
from ingest.lrs.store import LrsStore
from ingest.publisher import Publisher, Record
from leerstroom import heartbeat, lake
from leerstroom.errors import BrokerUnavailable, ConfigurationError, LakeUnavailable, TransientError
from leerstroom.settings import Settings

log = logging.getLogger(__name__)


class Relay:
    """Moves outbox entries to Kafka in batches; one instance per process is enough."""

    def __init__(
        self,
        settings: Settings,
        *,
        topic_check_seconds: float = 1.0,
        confirm_seconds: float = 1.0,
        store: LrsStore | None = None,
    ) -> None:
        self.settings = settings
        # The LRS process's own store when the relay runs inside it; otherwise one of its own (which creates the
        # store and its outbox if no LRS has yet).
        self._own_store = store is None
        self.store = store or LrsStore(settings)
        self.topic_check_seconds = topic_check_seconds
        self.confirm_seconds = confirm_seconds
        self.db: Db | None = None
        self._turn: int | None = None  # the SQLite relay lock's file descriptor, once this relay holds it
        self.topic_id: str | None = None
        self.published = 0
        self._servers: str | None = None
        self._admin: KafkaAdminClient | None = None
        self._producer: Publisher | None = None
        self._lake: duckdb.DuckDBPyConnection | None = None
        self._topic_checked = 0.0
        self._confirmed_at = 0.0

    # Kafka side -----------------------------------------------------------------------------

    def _connect(self) -> None:
        if self._producer is not None:
            return
        self._servers = kafka.bootstrap(self.settings, wait_seconds=self.settings.kafka_timeout_ms / 1000)
        self._admin = kafka.admin(self.settings, self._servers)
        self._producer = Publisher(self.settings, self._servers)

    def _disconnect(self) -> None:
        # After a failure start over: the embedded broker may be back on another port.
        with contextlib.suppress(KafkaError, OSError):
            if self._producer is not None:
                self._producer.close()
            if self._admin is not None:
                self._admin.close()
        self._producer = self._admin = None

    def refresh_topic(self) -> str:
        """Learn the current log identity, creating the topic on a broker that lacks it."""
        self._connect()
        current = kafka.ensure(self._admin, self.settings).topic_id
        if current != self.topic_id:
            if self.topic_id is not None:
                log.warning(
                    "topic %s has a new log (id %s, was %s): republishing what the lake lacks",
                    self.settings.kafka_topic,
                    current,
                    self.topic_id,
                )
                self.confirm()
            self.topic_id = current
        self._topic_checked = time.monotonic()
        return current

    def publish_once(self) -> int:
        """Publish one batch of pending entries; return how many were placed on the current log."""
        if not self._my_turn():
            return 0
        due = time.monotonic() - self._topic_checked >= self.topic_check_seconds
        if self._producer is None or self.topic_id is None or due:
            self.refresh_topic()
        if self.store.on_postgres:
            with self._transaction() as db:
                entries = outbox.pending(
                    db, self.topic_id, self.settings.relay_batch, skip_locked=self.store.engine.skip_locked
                )
                placements, failure = self._send(entries)
                if placements:
                    outbox.mark_published(db, placements)
        else:
            entries = self._read(lambda db: outbox.pending(db, self.topic_id, self.settings.relay_batch))
            placements, failure = self._send(entries)
            if placements:
                with self._transaction() as db:
                    outbox.mark_published(db, placements)
        self.published += len(placements)
        if failure is not None:
            raise BrokerUnavailable(
                f"{len(entries) - len(placements)} of {len(entries)} outbox entries not acknowledged: {failure}"
            )
        return len(placements)

    def _send(self, entries: list[outbox.Entry]) -> tuple[list[outbox.Placement], object]:
        """Produce the entries and wait for their acknowledgements; the placements of those acknowledged."""
        if not entries:
            return [], None
        log_id = self.topic_id
        deliveries = self._producer.send(
            self.settings.kafka_topic,
            [Record(e.message_key, e.payload, [(kafka.EVENT_ID_HEADER, e.event_id.encode())]) for e in entries],
        )
        placements = []
        failure = None
        for entry, delivery in zip(entries, deliveries):
            if delivery.succeeded:
                placements.append(outbox.Placement(entry.seq, log_id, delivery.partition, delivery.offset))
            else:
                failure = failure or delivery.error
        # An acknowledgement is only tied to `log_id` if that log still exists after it:
        # ids never come back, so an unchanged id now proves the acks came from that log.
        if self.refresh_topic() != log_id:
            log.warning("log changed during a send; %d entries stay pending", len(placements))
            return [], None
        return placements, failure

    # Store side -----------------------------------------------------------------------------

    def _connection(self) -> Db:
        if self.db is None:
            try:
                self.db = self.store.engine.connect()
            except DatabaseError as err:
                raise StoreUnavailable(f"the relay cannot reach the LRS store {self.store.where}: {err}") from err
        return self.db

    def _read(self, query):
        try:
            return query(self._connection())
        except DatabaseError as err:
            self._close_store()
            raise StoreUnavailable(f"the relay cannot read the outbox: {err}") from err

    @contextlib.contextmanager
    def _transaction(self):
        """The relay's own connection in a transaction. On SQLite it takes the LRS process's write lock too, so
        the two wait on each other here rather than in SQLite's busy handler."""
        lock = contextlib.nullcontext() if self.store.on_postgres else self.store.write_lock
        with lock:
            db = self._connection()
            try:
                self.store.engine.begin(db)
                yield db
                db.execute("COMMIT")
            except DatabaseError as err:
                self._close_store()
                raise StoreUnavailable(f"the relay cannot update the outbox: {err}") from err
            except BaseException:
                with contextlib.suppress(DatabaseError):
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                raise

    def _my_turn(self) -> bool:
        """On SQLite, whether this relay holds the host's relay lock (taking it when it is free)."""
        if self.store.on_postgres or self._turn is not None:
            return True
        path = self.settings.lrs_dir / "relay.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            return False
        log.info("this relay publishes the outbox now (it holds %s)", path)
        self._turn = handle
        return True

    def _close_store(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    # Lake side ------------------------------------------------------------------------------

    def confirm(self) -> int:
        """Delete the entries the lake holds. Without a lake yet there is nothing to confirm."""
        self._confirmed_at = time.monotonic()
        try:
            if self._lake is None:
                self._lake = lake.connect(self.settings, read_only=True)
            with lake.catalog_quiet(self.settings):  # the connection reloads the catalog when the sink committed
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
        if not held:
            return 0
        with self._transaction() as db:
            deleted = outbox.confirm(db, held)
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
        if not self._my_turn():
            return 0  # standing by: another relay on this host publishes and confirms
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
            heartbeat.beat(self.settings, "relay")  # `leerstroom health relay` reads it, standing by or not
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
        self._close_store()
        if self._turn is not None:
            os.close(self._turn)  # hands the relay lock on
            self._turn = None
        if self._own_store:
            self.store.close()


def run(settings: Settings) -> int:
    """`leerstroom relay`: publish the outbox until SIGINT/SIGTERM."""
    stop = kafka.stop_on_signals()
    relay = Relay(settings)
    log.info("relay publishing %s to topic %s", relay.store.where, settings.kafka_topic)
    try:
        relay.run(stop)
    finally:
        relay.close()
    return 0
