"""Document events: State and profile changes made through the LRS reach lake.raw.document_events exactly once."""

from __future__ import annotations

import uuid

import duckdb
import httpx
import orjson
import pytest

from ingest import kafka
from ingest.broker import EmbeddedBroker
from ingest.kafka import EVENT_ID_HEADER
from ingest.lrs import document_store, outbox
from ingest.lrs.relay import Relay
from ingest.lrs.store import LrsStore
from ingest.sink import Sink
from ingest.status import lake_counts
from ingest.xapi.identity import actor_key
from leerstroom import lake
from leerstroom.settings import Settings
from tests.fixtures.broker import ensure_topic, wait_until
from tests.fixtures.pipeline import Pipeline

pytestmark = pytest.mark.broker


def lake_rows(settings: Settings, sql: str) -> list[tuple]:
    if not lake.exists(settings):
        return []
    con = lake.connect(settings, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def lake_created(settings: Settings) -> bool:
    """Whether the sink has finished creating the lake (its catalog file appears before its tables)."""
    try:
        lake_rows(settings, "SELECT 1 FROM lake.raw.document_events LIMIT 0")
    except duckdb.Error:
        return False
    return lake.exists(settings)


def document_events(settings: Settings) -> list[tuple]:
    return lake_rows(
        settings,
        "SELECT event_id, resource, action, activity_id, agent_key, registration, document_id, "
        "payload FROM lake.raw.document_events ORDER BY occurred_at",
    )


@pytest.mark.slow
def test_state_saved_by_a_tool_lands_once_in_the_lake_and_in_status(pipeline: Pipeline) -> None:
    # httpx rather than tincan here: tincan 1.0.0 sends every save_state PUT twice and drops the registration.
    learner = {"objectType": "Agent", "mbox": f"mailto:femke-{uuid.uuid4().hex[:6]}@example.org"}
    course = f"http://example.org/course/{uuid.uuid4()}"
    registration = str(uuid.uuid4())
    where = {
        "activityId": course,
        "agent": orjson.dumps(learner).decode(),
        "registration": registration,
        "stateId": "bookmark",
    }
    with httpx.Client(
        base_url=pipeline.endpoint, auth=(pipeline.key, pipeline.secret), headers={"X-Experience-API-Version": "1.0.3"}
    ) as http:
        for page in (3, 4):
            saved = http.put("activities/state", params=where, json={"page": page})
            assert saved.status_code == 204, saved.text
        assert http.delete("activities/state", params=where).status_code == 204
    statement_ids = pipeline.send(
        [
            {
                "actor": learner,
                "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                "object": {"id": course},
            }
        ]
    )

    wait_until(lambda: lake_created(pipeline.settings), 60, "the sink to create the lake")
    pipeline.wait_for_lake(statement_ids)
    wait_until(lambda: len(document_events(pipeline.settings)) >= 3, 60, "three document events in the lake")
    events = document_events(pipeline.settings)
    assert [(resource, action) for _, resource, action, *_ in events] == [
        ("state", "put"),
        ("state", "put"),
        ("state", "delete"),
    ]
    assert len({event_id for event_id, *_ in events}) == 3
    for _, _, _, activity_id, agent_key, event_registration, document_id, _ in events:
        assert (activity_id, agent_key, event_registration, document_id) == (
            course,
            actor_key(learner),
            registration,
            "bookmark",
        )
    contents = [orjson.loads(payload).get("content") for *_, payload in events]
    assert contents == [{"page": 3}, {"page": 4}, None]
    assert lake_rows(pipeline.settings, "SELECT count(*) FROM lake.raw.dead_letters") == [(0,)]

    status = lake_counts(pipeline.settings)
    assert status["document_events"] == 3
    assert status["dead_letters"] == 0


def test_a_document_event_published_twice_is_kept_once(broker: EmbeddedBroker, settings: Settings) -> None:
    store = LrsStore(settings)
    scope = document_store.Scope(
        "activity_profile",
        "http://example.org/course/1",
        {"activityId": "http://example.org/course/1"},
        owner="course-tool",
    )
    create = document_store.Preconditions(None, "*", blind_overwrite=False)
    for n in range(5):
        document_store.put(store, scope, f"profile-{n}", orjson.dumps({"n": n}), "application/json", create)
    store.close()

    relay, sink = Relay(settings), Sink(settings)
    try:
        # A relay that crashed after the broker's ack but before recording the placement sent these already.
        with relay.store.engine.reading() as db:
            entries = outbox.pending(db, relay.refresh_topic(), 100)
        producer = kafka.producer(settings, broker.bootstrap)
        try:
            for entry in entries:
                producer.send(
                    settings.kafka_topic,
                    key=entry.message_key,
                    value=entry.payload,
                    headers=[(EVENT_ID_HEADER, entry.event_id.encode())],
                )
            producer.flush()
        finally:
            producer.close()
        assert sink.run_once() == 5
        assert relay.publish_once() == 5
        assert sink.run_once() == 0
        assert sink.duplicates == 5
    finally:
        relay.close()
        sink.close()
    events = document_events(settings)
    assert sorted(document_id for *_, document_id, _ in events) == [f"profile-{n}" for n in range(5)]
    assert sorted(event_id for event_id, *_ in events) == sorted(entry.event_id for entry in entries)


def test_a_malformed_document_event_becomes_a_dead_letter_naming_the_field(
    broker: EmbeddedBroker, settings: Settings
) -> None:
    ensure_topic(settings, broker.bootstrap)
    good = {
        "leerstroom_event": "document",
        "resource": "state",
        "action": "put",
        "documentId": "d",
        "activityId": "http://example.org/a",
        "agent": {"mbox": "mailto:a@example.org"},
        "at": "2026-11-26T10:00:00.000Z",
    }
    bad_resource = {**good, "resource": "bookmark"}
    bad_time = {**good, "at": "yesterday"}
    unknown_kind = {**good, "leerstroom_event": "roster"}
    producer = kafka.producer(settings, broker.bootstrap)
    try:
        for event in (good, bad_resource, bad_time, unknown_kind):
            producer.send(
                settings.kafka_topic,
                key=b"document:state:x",
                value=orjson.dumps(event),
                headers=[("leerstroom-event-id", str(uuid.uuid4()).encode())],
            )
        producer.flush()
    finally:
        producer.close()

    sink = Sink(settings)
    try:
        while sink.run_once():
            pass
    finally:
        sink.close()
    assert len(document_events(settings)) == 1
    errors = [
        error for (error,) in lake_rows(settings, "SELECT error FROM lake.raw.dead_letters ORDER BY kafka_offset")
    ]
    assert errors == [
        "document event resource: must be one of state, activity_profile, agent_profile",
        "document event at: 'yesterday' is not an ISO 8601 timestamp",
        "leerstroom_event: unknown event kind 'roster'",
    ]
