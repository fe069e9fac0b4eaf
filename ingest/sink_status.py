"""How far behind the sink is, per partition, told honestly for `leerstroom status`.

Tansu reports the base offset of a partition's last record batch as its end, not
the high watermark, so the broker's figure is only a lower bound. The exact count
of what is published but not yet in the lake comes from the relay's placements in
the outbox: every placed entry stays there until the lake's offsets pass it.
"""

from __future__ import annotations

import contextlib
import sqlite3

import duckdb
from kafka import TopicPartition
from kafka.errors import KafkaError

from ingest import kafka, offsets
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
    if not settings.lrs_db.exists():
        return {}, 0
    with contextlib.closing(sqlite3.connect(f"file:{settings.lrs_db}?mode=ro", uri=True, timeout=5)) as db:
        try:
            rows = db.execute(
                "SELECT kafka_partition, kafka_offset FROM outbox WHERE topic_id = ?", [topic_id]
            ).fetchall()
            unpublished = db.execute("SELECT count(*) FROM outbox WHERE topic_id IS NULL").fetchone()[0]
        except sqlite3.OperationalError:
            return {}, 0  # no outbox table yet
    behind: dict[int, int] = {}
    for partition, offset in rows:
        if offset >= lake_offsets.get(partition, 0):
            behind[partition] = behind.get(partition, 0) + 1
    return behind, unpublished


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
