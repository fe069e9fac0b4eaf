"""The relay's Kafka producer: librdkafka (confluent-kafka), which builds records in C.

kafka-python builds every record in Python: about 50 µs of CPU per statement, over 90 % of
the relay's CPU (docs/benchmarks.md). librdkafka does the same in about 4 µs. Keys go to the
same partitions as with kafka-python and the Java client (murmur2), so one learner's events
stay on one partition across the change. Everything else that speaks Kafka (the admin client,
the sink's consumer) stays on kafka-python (ingest/kafka.py).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import NamedTuple

from confluent_kafka import KafkaException, Producer

from leerstroom.errors import BrokerUnavailable
from leerstroom.settings import Settings

log = logging.getLogger(__name__)


class Record(NamedTuple):
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]] | None


class Delivery(NamedTuple):
    """Where a record landed, or why it did not."""

    partition: int | None
    offset: int | None
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.error is None and self.offset is not None


class Publisher:
    """Sends batches of records with acks=all and waits for each one's acknowledgement, within the settings' timeout."""

    def __init__(self, settings: Settings, servers: str) -> None:
        self.settings = settings
        self.timeout_seconds = settings.kafka_timeout_ms / 1000
        try:
            self._producer = Producer({
                "bootstrap.servers": servers,
                "client.id": "leerstroom-relay",
                "acks": "all",
                "compression.type": "lz4",
                "linger.ms": 20,
                "batch.size": 1024 * 1024,
                "message.max.bytes": 8 * 1024 * 1024,
                # The murmur2 of kafka-python and the Java client, not librdkafka's own default (crc32).
                "partitioner": "murmur2_random",
                # A record not acknowledged within this is failed, never left hanging.
                "message.timeout.ms": 2 * settings.kafka_timeout_ms,
                "socket.timeout.ms": settings.kafka_timeout_ms,
                "enable.idempotence": False,
            }, logger=log)
        except KafkaException as err:
            raise BrokerUnavailable(f"Kafka at {servers} cannot be reached: {err}") from err

    def send(self, topic: str, records: Sequence[Record]) -> list[Delivery]:
        """Produce `records` and wait for them; one Delivery per record, in order."""
        deliveries: list[Delivery | None] = [None] * len(records)

        def delivered(index: int, err, message) -> None:
            deliveries[index] = Delivery(message.partition(), message.offset(), str(err) if err else None)

        try:
            for index, record in enumerate(records):
                while True:
                    try:
                        self._producer.produce(topic, key=record.key, value=record.value, headers=record.headers,
                                               on_delivery=functools.partial(delivered, index))
                        break
                    except BufferError:
                        self._producer.poll(0.05)  # the local queue is full: let acknowledgements drain it
            left = self._producer.flush(2 * self.timeout_seconds + 1)
        except KafkaException as err:
            self._drop_pending()
            raise BrokerUnavailable(f"publishing {len(records)} records failed: {err}") from err
        if left:
            # Not acknowledged in time: drop them here, so a late delivery cannot follow the relay's retry.
            self._drop_pending()
        return [found or Delivery(None, None, "no acknowledgement in time") for found in deliveries]

    def _drop_pending(self) -> None:
        self._producer.purge()
        self._producer.flush(0)

    def close(self) -> None:
        self._drop_pending()
