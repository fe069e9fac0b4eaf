"""Benchmark of the Kafka path: outbox -> Kafka (relay), Kafka -> lake (sink), and a bare consumer for scale.

Run: .venv/bin/python bench/kafka_path.py [--statements 100000]
Everything runs on this machine: an embedded Tansu broker and a lake in a temporary folder.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson
from kafka import KafkaConsumer, TopicPartition

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.broker import EmbeddedBroker
from ingest.lrs import outbox
from ingest.lrs.relay import Relay
from ingest.lrs.store import LrsStore
from ingest.sink import Sink
from ingest.xapi.identity import actor_key
from leerstroom import logs
from leerstroom.settings import Settings

CHUNK = 10_000


def statements(count: int):
    start = datetime(2025, 1, 6, 8, tzinfo=timezone.utc)
    for n in range(count):
        moment = (start + timedelta(seconds=n)).isoformat().replace("+00:00", "Z")
        yield {
            "id": str(uuid.uuid4()),
            "actor": {"objectType": "Agent", "name": f"Learner {n % 997}", "mbox": f"mailto:l{n % 997}@example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
            "object": {
                "objectType": "Activity",
                "id": f"https://lms.example.org/course/{n % 211}",
                "definition": {
                    "name": {"en-US": f"Course {n % 211}"},
                    "type": "http://adlnet.gov/expapi/activities/course",
                },
            },
            "result": {
                "completion": True,
                "success": n % 3 != 0,
                "score": {"scaled": (n % 100) / 100},
                "duration": "PT12M30S",
            },
            "context": {
                "registration": str(uuid.uuid4()),
                "platform": "Moodle",
                "contextActivities": {"parent": [{"id": "https://lms.example.org/programme/leadership"}]},
            },
            "timestamp": moment,
            "stored": moment,
            "authority": {"objectType": "Agent", "account": {"homePage": "https://lrs.example.org", "name": "bench"}},
            "version": "1.0.3",
        }


def fill_outbox(settings: Settings, count: int) -> int:
    size = 0
    store = LrsStore(settings)
    try:
        batch = []
        for statement in statements(count):
            payload = orjson.dumps(statement)
            size += len(payload)
            batch.append((statement["id"], actor_key(statement["actor"]).encode(), payload))
            if len(batch) == CHUNK:
                with store.transaction() as db:
                    outbox.append(db, batch)
                batch = []
        if batch:
            with store.transaction() as db:
                outbox.append(db, batch)
    finally:
        store.close()
    return size // max(count, 1)


def relay_all(settings: Settings, count: int) -> float:
    relay = Relay(settings, confirm_seconds=3600)
    try:
        relay.refresh_topic()
        started = time.perf_counter()
        published = 0
        while published < count:
            published += relay.run_once()
        return time.perf_counter() - started
    finally:
        relay.close()


def sink_all(settings: Settings, count: int) -> float:
    sink = Sink(settings)
    try:
        sink._connect()  # connecting is start-up cost, not throughput
        started = time.perf_counter()
        while sink.written < count:
            sink.run_once()
        return time.perf_counter() - started
    finally:
        sink.close()


def bare_consume(settings: Settings, bootstrap: str, count: int) -> float:
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        max_partition_fetch_bytes=8 * 1024 * 1024,
        fetch_max_wait_ms=100,
    )
    try:
        consumer.assign([TopicPartition(settings.kafka_topic, p) for p in range(settings.kafka_partitions)])
        consumer.seek_to_beginning()
        consumer.poll(timeout_ms=0)
        started = time.perf_counter()
        seen = 0
        while seen < count:
            for records in consumer.poll(timeout_ms=1000, max_records=10_000).values():
                seen += len(records)
        return time.perf_counter() - started
    finally:
        consumer.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000)
    args = parser.parse_args()
    logs.configure("WARNING")
    count = args.statements
    with tempfile.TemporaryDirectory(prefix="leerstroom-bench-") as folder:
        settings = Settings(data_dir=Path(folder), sink_batch_max=10_000, sink_batch_seconds=2.0)
        with EmbeddedBroker(settings) as broker:
            size = fill_outbox(settings, count)
            relay_seconds = relay_all(settings, count)
            sink_seconds = sink_all(settings, count)
            bare_seconds = bare_consume(settings, broker.bootstrap, count)
    relay_rate, sink_rate, bare_rate = count / relay_seconds, count / sink_seconds, count / bare_seconds
    print(f"statements              {count:>10,}  ({size} bytes each on average)")
    print(f"relay  outbox -> Kafka  {relay_rate:>10,.0f} statements/s  ({relay_seconds:.1f}s)")
    print(f"sink   Kafka -> lake    {sink_rate:>10,.0f} statements/s  ({sink_seconds:.1f}s, exactly once)")
    print(f"bare kafka-python read  {bare_rate:>10,.0f} statements/s  ({bare_seconds:.1f}s)")
    print(f"sink / bare consumer    {sink_rate / bare_rate:>10.2f}")
    return 0


if __name__ == "__main__":
    logging.captureWarnings(True)
    sys.exit(main())
