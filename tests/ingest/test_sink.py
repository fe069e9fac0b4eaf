"""The sink: statements reach the lake exactly once with their offsets, and poison messages become dead letters."""

from __future__ import annotations

from collections import Counter

import orjson
import pytest

from ingest import kafka
from ingest.broker import EmbeddedBroker
from ingest.lrs.relay import Relay
from ingest.sink import Sink
from ingest.sink_status import lag
from leerstroom import lake
from leerstroom.settings import Settings
from tests.fixtures.broker import append_to_outbox, ensure_topic, lake_ids, stored_statements
from tests.fixtures.object_storage import lake_in_shared_folder

pytestmark = pytest.mark.broker


def drain(sink: Sink) -> int:
    written = 0
    while count := sink.run_once():
        written += count
    return written


def publish(settings: Settings, statements: list[dict]) -> None:
    append_to_outbox(settings, statements)
    relay = Relay(settings)
    try:
        while relay.run_once():
            pass
    finally:
        relay.close()


def lake_rows(settings: Settings, sql: str) -> list[tuple]:
    con = lake.connect(settings, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_each_statement_lands_once_with_its_offsets_and_a_restart_resumes(
    broker: EmbeddedBroker, settings: Settings
) -> None:
    statements = stored_statements(3000)
    resent = statements[:200]  # the LRS acknowledged these twice, e.g. a tool retrying after a timeout
    publish(settings, statements + resent)

    sink = Sink(settings)
    try:
        assert drain(sink) == 3000
    finally:
        sink.close()

    assert Counter(lake_ids(settings)) == Counter(s["id"] for s in statements)
    topic_id = kafka.topic_id(settings, broker.bootstrap)
    offsets = lake_rows(settings, "SELECT topic, topic_id, kafka_partition, next_offset FROM lake.raw.consumer_offsets")
    assert {(topic, tid) for topic, tid, _, _ in offsets} == {(settings.kafka_topic, topic_id)}
    assert sum(next_offset for *_, next_offset in offsets) == 3200, "offsets cover every message read"
    stored = dict(
        lake_rows(
            settings,
            f"SELECT statement_id, payload FROM lake.raw.statements WHERE statement_id = '{statements[5]['id']}'",
        )
    )
    assert orjson.loads(stored[statements[5]["id"]]) == statements[5], "the full statement travels as payload"

    restarted = Sink(settings)
    try:
        assert restarted.run_once() == 0
        assert restarted.duplicates == 0, "a restarted sink resumes after the stored offsets, it does not reread"
        publish(settings, stored_statements(10))
        assert drain(restarted) == 10
    finally:
        restarted.close()
    assert len(lake_ids(settings)) == 3010

    report = lag(settings)
    assert report["topic_id"] == topic_id
    assert sum(p["lake_next_offset"] for p in report["partitions"].values()) == 3210
    assert report["published_not_in_lake"] == 0


def test_poison_messages_become_dead_letters_and_the_stream_continues(
    broker: EmbeddedBroker, settings: Settings
) -> None:
    ensure_topic(settings, broker.bootstrap)
    good = stored_statements(3)
    no_id = dict(good[0])
    del no_id["id"]
    messages = [
        orjson.dumps(good[0]),
        b"{not json",
        orjson.dumps(no_id),
        b"\xff\xfe\x00",
        orjson.dumps(good[1]),
        orjson.dumps(["a", "list"]),
        orjson.dumps(good[2]),
    ]
    producer = kafka.producer(settings, broker.bootstrap)
    try:
        for message in messages:
            producer.send(settings.kafka_topic, key=b"same-learner", value=message)
        producer.flush()
    finally:
        producer.close()

    sink = Sink(settings)
    try:
        assert drain(sink) == 3
        assert sink.dead_letters == 4
    finally:
        sink.close()

    assert sorted(lake_ids(settings)) == sorted(s["id"] for s in good)
    dead = lake_rows(
        settings, "SELECT kafka_offset, message_key, payload, error FROM lake.raw.dead_letters ORDER BY kafka_offset"
    )
    assert [(offset, key) for offset, key, _, _ in dead] == [
        (1, "same-learner"),
        (2, "same-learner"),
        (3, "same-learner"),
        (5, "same-learner"),
    ]
    errors = [error for *_, error in dead]
    assert "not JSON" in errors[0]
    assert errors[1] == "id: required in a stored statement"
    assert "not UTF-8" in errors[2]
    assert errors[3] == "statement: must be a JSON object"
    assert dead[0][2] == "{not json"
    assert lake_rows(settings, "SELECT max(next_offset) FROM lake.raw.consumer_offsets") == [(7,)]


@pytest.mark.parametrize("catalog", ["sqlite", "postgres"])
def test_a_second_sink_on_the_same_offsets_loses_the_compare_and_set(
    catalog: str, broker: EmbeddedBroker, settings: Settings, tmp_path, request
) -> None:
    if catalog == "postgres":
        # No writer lock orders the two sinks there: the compare-and-set alone must keep the zombie out.
        settings = lake_in_shared_folder(settings, request.getfixturevalue("postgres_database"), tmp_path / "files")
    publish(settings, stored_statements(1000))
    first, zombie = Sink(settings), Sink(settings)
    try:
        first._connect()
        zombie._connect()  # both have now read "no offsets yet" and sought to the beginning
        assert first.run_once() == 1000
        assert zombie.run_once() == 0
        assert zombie.conflicts == 1, "the zombie's batch must be rolled back, not merely deduplicated"

        later = stored_statements(50)
        publish(settings, later)
        assert drain(zombie) == 50, "after re-seeking, the zombie continues from the winner's offsets"
        assert zombie.duplicates == 0
        assert first.run_once() == 0
        assert first.conflicts == 1
    finally:
        first.close()
        zombie.close()
    ids = lake_ids(settings)
    assert len(ids) == len(set(ids)) == 1050
