"""How far behind the sink is, per partition, told honestly for `leerstroom status`.

Tansu reports the base offset of a partition's last record batch as its end, not
the high watermark, so the broker's figure is only a lower bound. The exact count
of what is published but not yet in the lake comes from the relay's placements in
the outbox: every placed entry stays there until the lake's offsets pass it.
"""

from __future__ import annotations

import duckdb
from kafka import TopicPartition
from kafka.errors import KafkaError

from ingest import kafka, offsets
from ingest.lrs import outbox
from ingest.lrs import store as lrs_store
from leerstroom.errors import LeerstroomError
from leerstroom.settings import Settings


def _broker_log(settings: Settings) -> tuple[kafka.TopicInfo | None, dict[int, int]]:
    servers = kafka.bootstrap(settings, wait_seconds=0)
    client = kafka.admin(settings, servers)
    try:
        info = kafka.describe(client, settings.kafka_topic)
    finally:
        client.close()
    if info is None:
        return None, {}
    consumer = kafka.consumer(settings, servers, max_records=1)
    try:
        ends = consumer.end_offsets([TopicPartition(settings.kafka_topic, p) for p in info.partitions])
    finally:
        consumer.close(autocommit=False)
    return info, {tp.partition: end for tp, end in ends.items()}


def _placed_beyond(settings: Settings, topic_id: str, lake_offsets: dict[int, int]) -> tuple[dict[int, int], int]:
    """Per partition, entries placed on this log but not yet in the lake; and entries not yet published."""
    if not lrs_store.exists(settings):
        return {}, 0
    store = lrs_store.LrsStore(settings)
    try:
        return outbox.placed_beyond(store, topic_id, lake_offsets)
    finally:
        store.close()


def lag(settings: Settings) -> dict:
    """Per partition of the current log: the lake's next offset, what is published but not yet in the lake,
    and the broker's end as it reports it (approximate)."""
    report: dict = {"topic": settings.kafka_topic}
    try:
        held = offsets.read(settings)
    except (LeerstroomError, duckdb.Error) as err:
        held = {}
        report["lake_error"] = str(err)
    try:
        info, ends = _broker_log(settings)
    except (LeerstroomError, KafkaError) as err:
        report["broker_error"] = str(err)
        report["logs_in_lake"] = sorted(held)
        return report
    if info is None:
        report["broker_error"] = f"the broker has no topic {settings.kafka_topic} yet"
        return report
    lake_next = held.get(info.topic_id, {})
    behind, unpublished = _placed_beyond(settings, info.topic_id, lake_next)
    report["topic_id"] = info.topic_id
    report["outbox_unpublished"] = unpublished
    report["partitions"] = {
        partition: {
            "lake_next_offset": lake_next.get(partition, 0),
            "published_not_in_lake": behind.get(partition, 0),
            # Tansu's figure is a lower bound of the true end; never an exact lag.
            "broker_end_offset_approx": ends.get(partition),
        }
        for partition in info.partitions
    }
    report["published_not_in_lake"] = sum(behind.values())
    return report
