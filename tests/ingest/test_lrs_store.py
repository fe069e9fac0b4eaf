"""The LRS store keeps its promise: acknowledged is committed with its outbox entry, through crashes and a busy store.

Every test runs on SQLite and on PostgreSQL (tests/fixtures/lrs.py: on_every_engine).
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import orjson
import pytest
import uvicorn

from ingest.lrs import credentials
from ingest.lrs.app import create_app
from ingest.lrs.exceptions import StatementConflict
from ingest.lrs.store import LrsStore
from ingest.xapi.identity import actor_key
from leerstroom.settings import Settings
from tests.fixtures.lrs import LrsProcess, on_every_engine

settings = on_every_engine()

VERSION = {"X-Experience-API-Version": "1.0.3"}
AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://127.0.0.1/xapi/", "name": "test"}}


def statement(number: int, statement_id: str | None = None) -> dict:
    body = {
        "actor": {"account": {"homePage": "http://lms.example.org", "name": f"learner-{number % 17}"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/progressed"},
        "object": {"id": f"http://example.org/modules/{number}"},
    }
    if statement_id:
        body["id"] = statement_id
    return body


def outbox_rows(settings: Settings) -> list[tuple[str, bytes, bytes]]:
    store = LrsStore(settings)
    try:
        return [
            (event_id, bytes(key), bytes(payload))
            for event_id, key, payload in store.read("SELECT event_id, message_key, payload FROM outbox ORDER BY seq")
        ]
    finally:
        store.close()


def ids_in(settings: Settings, sql: str) -> set[str]:
    store = LrsStore(settings)
    try:
        return {row[0] for row in store.read(sql)}
    finally:
        store.close()


def test_outbox_entry_is_keyed_by_actor_and_carries_the_stored_json(settings: Settings) -> None:
    store = LrsStore(settings)
    ids = store.save([statement(1), statement(2)], AUTHORITY)
    assert store.save([statement(1, ids[0])], AUTHORITY) == [ids[0]]
    rows = outbox_rows(settings)
    assert [row[0] for row in rows] == ids
    for event_id, key, payload in rows:
        assert key == actor_key(orjson.loads(payload)["actor"]).encode()
        assert payload == store.get_payload(event_id)
    assert store.counts() == {"statements": 2, "outbox": 2, "outbox_unpublished": 2}
    store.close()


@pytest.mark.slow
def test_acknowledged_statements_survive_sigkill(lrs: LrsProcess) -> None:
    acknowledged: set[str] = set()
    attempted: dict[str, dict] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def sender(worker: int) -> None:
        with httpx.Client(base_url=lrs.endpoint, auth=lrs.auth, headers=VERSION, timeout=5) as client:
            number = 0
            while not stop.is_set():
                batch = [statement(worker * 100_000 + number + i, str(uuid.uuid4())) for i in range(20)]
                number += 20
                with lock:
                    attempted.update((item["id"], item) for item in batch)
                try:
                    response = client.post("statements", json=batch)
                except httpx.TransportError:
                    return  # the server died mid-request: this batch may or may not be stored
                if response.status_code == 200:
                    with lock:
                        acknowledged.update(response.json())

    with ThreadPoolExecutor(4) as pool:
        for worker in range(4):
            pool.submit(sender, worker)
        # Killed while requests are in flight, once some have been acknowledged (however loaded the machine is).
        deadline = time.monotonic() + 30
        while len(acknowledged) <= 100 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.1)
        lrs.kill()
        stop.set()

    assert len(acknowledged) > 100, "the senders should have been acknowledged before the crash"
    lrs.start()
    counts = lrs.counts()
    assert counts["statements"] == counts["outbox"] >= len(acknowledged)
    with httpx.Client(base_url=lrs.endpoint, auth=lrs.auth, headers=VERSION, timeout=30) as client:
        for statement_id in random.sample(sorted(acknowledged), min(200, len(acknowledged))):
            assert client.get("statements", params={"statementId": statement_id}).status_code == 200
    kept = ids_in(lrs.settings, "SELECT id FROM statements")
    queued = ids_in(lrs.settings, "SELECT event_id FROM outbox")
    assert acknowledged <= kept and kept == queued
    with httpx.Client(base_url=lrs.endpoint, auth=lrs.auth, headers=VERSION, timeout=30) as client:
        # Tools re-send what they were not sure of: everything lands once, nothing doubles.
        items = list(attempted.values())
        for start in range(0, len(items), 500):
            assert client.post("statements", json=items[start : start + 500]).status_code == 200
    assert lrs.counts() == {
        "statements": len(attempted),
        "outbox": len(attempted),
        "outbox_unpublished": len(attempted),
    }


def test_requests_committed_together_keep_their_own_outcomes(settings: Settings) -> None:
    """Concurrent requests share one transaction (group commit), yet a 409 in one leaves the others stored."""
    store = LrsStore(settings)
    (taken,) = store.save([statement(0)], AUTHORITY)
    batches = [[statement(100 * n + i, str(uuid.uuid4())) for i in range(10)] for n in range(1, 9)]
    batches[3][4] = statement(999, taken)  # same id as a stored statement, other content: 409 for this request
    outcomes: dict[int, object] = {}

    def send(n: int) -> None:
        try:
            outcomes[n] = store.save(batches[n], AUTHORITY)
        except StatementConflict as err:
            outcomes[n] = err

    with store.write_lock:  # everyone queues behind a commit in progress, as under load
        threads = [threading.Thread(target=send, args=(n,)) for n in range(len(batches))]
        for thread in threads:
            thread.start()
        time.sleep(0.3)
    for thread in threads:
        thread.join(30)

    assert isinstance(outcomes[3], StatementConflict)
    for n, batch in enumerate(batches):
        if n != 3:
            assert outcomes[n] == [item["id"] for item in batch]
            assert all(store.get_payload(item["id"]) for item in batch)
    assert not any(store.get_payload(item["id"]) for item in batches[3] if item["id"] != taken)
    assert orjson.loads(store.get_payload(taken))["object"] == statement(0)["object"]
    assert store.counts() == {"statements": 71, "outbox": 71, "outbox_unpublished": 71}
    store.close()


@pytest.fixture
def in_process_lrs(settings: Settings) -> Iterator[tuple[str, tuple[str, str]]]:
    """The app served by uvicorn in a thread, over real HTTP, with a short wait for the store's locks.

    In-process only so the test can choose the store's lock timeout; the HTTP path is the real one.
    """
    store = LrsStore(settings, busy_timeout=0.2)
    credential = credentials.add(store, "busy-test")
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, store), host="127.0.0.1", port=settings.lrs_port, log_config=None, lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "in-process LRS did not start"
        time.sleep(0.02)
    yield settings.lrs_base_url, (credential.key, credential.secret)
    server.should_exit = True
    thread.join(10)
    store.close()


@contextlib.contextmanager
def another_writer_holds_the_store(settings: Settings):
    """Another process's transaction holding what the LRS must write to: SQLite's file lock, PostgreSQL's table lock."""
    if settings.lrs_on_postgres:
        import psycopg

        with psycopg.connect(settings.lrs_database) as blocker:
            blocker.execute("LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE")
            yield
            blocker.rollback()
        return
    holder = sqlite3.connect(settings.lrs_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_store_that_cannot_commit_answers_503_and_keeps_nothing(settings: Settings, in_process_lrs) -> None:
    endpoint, auth = in_process_lrs
    with another_writer_holds_the_store(settings):
        response = httpx.post(f"{endpoint}statements", json=statement(1), auth=auth, headers=VERSION, timeout=10)
        assert response.status_code == 503
        assert response.headers["Retry-After"]
        assert response.headers["X-Experience-API-Version"] == "1.0.3"
    store = LrsStore(settings)
    assert store.counts()["statements"] == 0
    retry = httpx.post(f"{endpoint}statements", json=statement(1), auth=auth, headers=VERSION, timeout=10)
    assert retry.status_code == 200
    assert store.counts() == {"statements": 1, "outbox": 1, "outbox_unpublished": 1}
    store.close()
