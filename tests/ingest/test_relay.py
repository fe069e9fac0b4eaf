"""The outbox relay: what the LRS acknowledged reaches Kafka, and leaves the outbox only once the lake holds it."""

from __future__ import annotations

import threading
from collections import Counter

import orjson
import pytest
from kafka import KafkaConsumer, TopicPartition

from ingest.broker import EmbeddedBroker
from ingest.lrs import outbox
from ingest.lrs import store as lrs_store
from ingest.lrs.relay import Relay
from ingest.lrs.store import LrsStore
from ingest.sink import Sink
from leerstroom.settings import Settings
from tests.fixtures.broker import append_to_outbox, lake_ids, outbox_size, stored_statements, wait_until
from tests.fixtures.lrs import on_every_engine

settings = on_every_engine()

pytestmark = pytest.mark.broker


def read_topic(settings: Settings, bootstrap: str, expected: int) -> list:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=3000)
    try:
        partitions = [TopicPartition(settings.kafka_topic, p) for p in range(settings.kafka_partitions)]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        records = []
        for record in consumer:
            records.append(record)
            if len(records) == expected:
                break
        return records
    finally:
        consumer.close()


def test_relay_publishes_keyed_by_actor_and_keeps_entries_until_the_lake_has_them(
    broker: EmbeddedBroker, settings: Settings
) -> None:
    statements = stored_statements(300, learners=7)
    append_to_outbox(settings, statements)
    relay = Relay(settings)
    try:
        assert relay.run_once() == 300
        assert relay.run_once() == 0, "published entries are not sent again"

        records = read_topic(settings, broker.bootstrap, 300)
        assert sorted(orjson.loads(r.value)["id"] for r in records) == sorted(s["id"] for s in statements)
        partitions_by_learner: dict[bytes, set[int]] = {}
        for record in records:
            partitions_by_learner.setdefault(record.key, set()).add(record.partition)
        assert len(partitions_by_learner) == 7
        assert all(len(p) == 1 for p in partitions_by_learner.values()), "one learner's events share a partition"

        relay.confirm()
        assert outbox_size(settings) == 300, "nothing may leave the outbox before the lake holds it"

        sink = Sink(settings)
        try:
            assert sink.run_once() == 300
        finally:
            sink.close()
        assert relay.confirm() == 300
        assert outbox_size(settings) == 0
    finally:
        relay.close()


def test_relay_creates_the_outbox_when_the_lrs_has_not_yet(broker: EmbeddedBroker, settings: Settings) -> None:
    assert not lrs_store.exists(settings)
    relay = Relay(settings)
    try:
        assert relay.run_once() == 0
        assert lrs_store.exists(settings)
        append_to_outbox(settings, stored_statements(5))
        assert relay.run_once() == 5
    finally:
        relay.close()


def test_relay_keeps_entries_while_the_broker_is_down_and_delivers_them_after(
    broker: EmbeddedBroker, settings: Settings
) -> None:
    settings = settings.model_copy(update={"kafka_timeout_ms": 1000})
    broker.stop()
    statements = stored_statements(500)
    append_to_outbox(settings, statements)
    stop = threading.Event()
    relay = Relay(settings)
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    thread.start()
    try:
        threading.Event().wait(2.5)
        assert thread.is_alive(), "a down broker must not end the relay"
        assert relay.published == 0
        assert outbox_size(settings) == 500

        broker.start()
        sink = Sink(settings)
        try:
            wait_until(lambda: relay.published >= 500, 20, "the relay to publish after the broker came back")
            while sink.run_once():
                pass
        finally:
            sink.close()
        wait_until(lambda: outbox_size(settings) == 0, 10, "the relay to confirm what the lake holds")
    finally:
        stop.set()
        thread.join(10)
        relay.close()
    assert sorted(lake_ids(settings)) == sorted(s["id"] for s in statements)


def test_two_relays_on_one_store_publish_every_entry_once(broker: EmbeddedBroker, settings: Settings) -> None:
    """One relay per LRS process: on PostgreSQL they publish side by side (SKIP LOCKED), on SQLite one stands by."""
    statements = stored_statements(3000)
    append_to_outbox(settings, statements)
    relays = [Relay(settings.model_copy(update={"relay_batch": 100})) for _ in range(2)]
    start = threading.Barrier(2)

    def publish(relay: Relay) -> None:
        start.wait()
        while outbox_unpublished(settings):
            relay.run_once()

    threads = [threading.Thread(target=publish, args=(relay,)) for relay in relays]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        for relay in relays:
            relay.close()
    records = read_topic(settings, broker.bootstrap, 2 * len(statements))  # stops 3 s after the last record
    ids = Counter(orjson.loads(r.value)["id"] for r in records)
    assert set(ids) == {s["id"] for s in statements} and set(ids.values()) == {1}, "each entry published once"
    published = sorted(relay.published for relay in relays)
    assert sum(published) == len(statements)
    if settings.lrs_on_postgres:
        assert published[0] > 0, f"both relays publish at once on PostgreSQL: {published}"
    else:
        assert published == [0, len(statements)], "on SQLite one relay publishes, the other stands by"


def outbox_unpublished(settings: Settings) -> int:
    store = LrsStore(settings)
    try:
        return outbox.counts(store)["outbox_unpublished"]
    finally:
        store.close()
