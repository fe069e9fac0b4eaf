"""Where the Kafka broker is, the statements topic and its identity, and clients tuned for short waits.

kafka-python's defaults wait a minute or more for a broker that is down; every
client made here gives up after `settings.kafka_timeout_ms`, so a down broker is
reported and retried by our own loops instead of looking like a hang.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from typing import Any, NamedTuple

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from leerstroom.errors import BrokerUnavailable, ConfigurationError
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

UNKNOWN_TOPIC = 3
# Each message carries its outbox entry's event id (set by the relay): the sink deduplicates document events by it.
EVENT_ID_HEADER = "leerstroom-event-id"


class TopicInfo(NamedTuple):
    """A topic as the broker describes it now. The id is the log's identity: it changes when the log is new."""

    topic_id: str
    partitions: tuple[int, ...]


def bootstrap(settings: Settings, wait_seconds: float = 30) -> str:
    """The bootstrap servers: the external Kafka, or the embedded broker announced in the broker file."""
    if settings.external_kafka:
        return settings.kafka_bootstrap.strip()
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return json.loads(settings.broker_file.read_text())["bootstrap"]
        except (FileNotFoundError, json.JSONDecodeError, KeyError):
            # A broker that is starting may not have finished writing the file yet.
            if time.monotonic() >= deadline:
                raise ConfigurationError(
                    f"no Kafka broker: {settings.broker_file} did not appear within {wait_seconds:g}s; "
                    "start `leerstroom broker` or `leerstroom demo`, or set LEERSTROOM_KAFKA_BOOTSTRAP"
                ) from None
            time.sleep(0.1)


def admin(settings: Settings, servers: str) -> KafkaAdminClient:
    try:
        return KafkaAdminClient(
            bootstrap_servers=servers,
            request_timeout_ms=settings.kafka_timeout_ms,
            bootstrap_timeout_ms=settings.kafka_timeout_ms,
            client_id="leerstroom-admin",
        )
    except KafkaError as err:
        raise BrokerUnavailable(f"Kafka at {servers} did not answer: {err}") from err


def describe(client: KafkaAdminClient, topic: str) -> TopicInfo | None:
    """The topic's id and partitions, or None when the broker does not have it."""
    try:
        (description,) = client.describe_topics([topic])
    except KafkaError as err:
        raise BrokerUnavailable(f"describing topic {topic} failed: {err}") from err
    if description["error_code"] == UNKNOWN_TOPIC or not description.get("topic_id"):
        return None
    partitions = tuple(sorted(p["partition_index"] for p in description["partitions"]))
    return TopicInfo(str(description["topic_id"]), partitions)


def ensure(client: KafkaAdminClient, settings: Settings) -> TopicInfo:
    """Describe the statements topic, creating it first when the broker does not have it."""
    info = describe(client, settings.kafka_topic)
    if info is not None:
        return info
    try:
        client.create_topics(
            [NewTopic(settings.kafka_topic, settings.kafka_partitions, settings.kafka_replication_factor)]
        )
        log.info("created topic %s with %d partitions", settings.kafka_topic, settings.kafka_partitions)
    except TopicAlreadyExistsError:
        pass  # the relay and the sink race to create it after a broker restart; either may win
    except KafkaError as err:
        raise BrokerUnavailable(f"creating topic {settings.kafka_topic} failed: {err}") from err
    info = describe(client, settings.kafka_topic)
    if info is None:
        raise BrokerUnavailable(f"topic {settings.kafka_topic} is still unknown right after creating it")
    return info


def topic_id(settings: Settings, servers: str) -> str | None:
    """The id of the statements topic now, or None when the broker does not have it."""
    client = admin(settings, servers)
    try:
        info = describe(client, settings.kafka_topic)
    finally:
        client.close()
    return info.topic_id if info else None


def producer(settings: Settings, servers: str) -> KafkaProducer:
    timeout = settings.kafka_timeout_ms
    try:
        return KafkaProducer(
            bootstrap_servers=servers,
            client_id="leerstroom-relay",
            acks="all",
            compression_type="lz4",
            linger_ms=20,
            batch_size=1024 * 1024,
            max_request_size=8 * 1024 * 1024,
            max_block_ms=timeout,
            request_timeout_ms=timeout,
            delivery_timeout_ms=2 * timeout,
            bootstrap_timeout_ms=timeout,
        )
    except KafkaError as err:
        raise BrokerUnavailable(f"Kafka at {servers} did not answer: {err}") from err


def consumer(settings: Settings, servers: str, *, max_records: int, group: str | None = None) -> KafkaConsumer:
    """A consumer that never commits to Kafka: the sink keeps its offsets in the lake.

    Without a group the sink assigns partitions itself. In a group the broker shares the
    partitions out among the sinks; the group's short timeouts matter because a join waits
    up to the rebalance timeout (max_poll_interval_ms), 300 s by default.
    """
    timeout = settings.kafka_timeout_ms
    membership: dict[str, Any] = {"group_id": None}
    if group:
        membership = {
            "group_id": group,
            "session_timeout_ms": 10_000,
            "heartbeat_interval_ms": 2_000,
            "max_poll_interval_ms": 15_000,
        }
    try:
        return KafkaConsumer(
            bootstrap_servers=servers,
            client_id="leerstroom-sink",
            **membership,
            enable_auto_commit=False,
            # Never jump silently: a position the log does not have means the log changed.
            auto_offset_reset="none",
            max_poll_records=max_records,
            fetch_max_wait_ms=100,
            max_partition_fetch_bytes=8 * 1024 * 1024,
            request_timeout_ms=timeout + 1000,
            bootstrap_timeout_ms=timeout,
            allow_auto_create_topics=False,
        )
    except KafkaError as err:
        raise BrokerUnavailable(f"Kafka at {servers} did not answer: {err}") from err


class Backoff:
    """Waits longer after each failed attempt to reach Kafka, and logs only the first failure and the recovery."""

    def __init__(self, part: str, meanwhile: str, *, first: float = 0.2, longest: float = 5.0) -> None:
        self.part, self.meanwhile, self.first, self.longest = part, meanwhile, first, longest
        self.delay = 0.0

    def failed(self, err: BaseException, stop: threading.Event) -> None:
        if self.delay == 0.0:
            log.warning("%s cannot reach Kafka, %s: %s", self.part, self.meanwhile, err)
        self.delay = min(max(self.delay * 2, self.first), self.longest)
        stop.wait(self.delay)

    def succeeded(self) -> None:
        if self.delay:
            log.info("%s reached Kafka again", self.part)
            self.delay = 0.0


def stop_on_signals() -> threading.Event:
    """An event that SIGINT or SIGTERM sets: how `leerstroom broker`, `relay` and `sink` learn to stop."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    return stop
