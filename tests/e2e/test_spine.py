"""The spine end to end: a real xAPI client -> LRS -> outbox -> Kafka -> sink -> DuckLake -> dbt -> certified mart."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from datetime import date

import httpx
import pytest

from ingest.generator import build_organisation, generate_statements
from ingest.xapi.columns import parse_timestamp
from ingest.xapi.identity import actor_key
from leerstroom import lake
from tests.fixtures.data import corpus_statements

pytestmark = [pytest.mark.broker, pytest.mark.slow]

CMI5_REUSED = "8a69db4c-bb60-41fd-9740-e713dba8de2e"


def synthetic(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [
        {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "actor": {"mbox": f"mailto:learner{rng.randint(1, 300)}@leerstroom-demo.example"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-US": "experienced"}},
            "object": {"id": f"https://learn.leerstroom-demo.example/item/{rng.randint(1, 50)}"},
        }
        for _ in range(n)
    ]


class Sender(threading.Thread):
    """A learning tool posting batches over plain HTTP; records every id acknowledged with a 2xx."""

    def __init__(self, pipeline, statements: list[dict], batch: int = 100) -> None:
        super().__init__(daemon=True)
        self.pipeline, self.statements, self.batch = pipeline, statements, batch
        self.acknowledged: list[str] = []
        self.statuses: Counter = Counter()

    def run(self) -> None:
        auth = (self.pipeline.key, self.pipeline.secret)
        headers = {"X-Experience-API-Version": "1.0.3"}
        with httpx.Client(base_url=self.pipeline.endpoint, auth=auth, headers=headers, timeout=30) as http:
            for i in range(0, len(self.statements), self.batch):
                chunk = self.statements[i : i + self.batch]
                response = http.post("statements", json=chunk)
                self.statuses[response.status_code] += 1
                if response.status_code == 200:
                    self.acknowledged.extend(response.json())


def test_tincan_statements_reach_the_certified_mart_with_exact_counts(pipeline):
    from transform.runner import run_transform

    end = date(2026, 6, 30)
    people = build_organisation(12, 1, seed=3, end=end)
    sent = list(generate_statements(people, 1, seed=3, end=end))
    ids = pipeline.send(sent)
    assert sorted(ids) == sorted(s["id"] for s in sent)
    pipeline.wait_for_lake(ids)

    result = run_transform(pipeline.settings)
    assert result.status == "certified", result.details

    expected = Counter(
        (parse_timestamp(s["timestamp"], "timestamp").date(), actor_key(s["actor"]), s["verb"]["id"]) for s in sent
    )
    con = lake.connect(pipeline.settings, read_only=True)
    certified = lake.last_certified(con)
    con.close()
    con = lake.connect(pipeline.settings, snapshot=certified["snapshot_id"])
    rows = con.execute(
        "SELECT activity_date, actor_key, verb_id, statement_count FROM lake.marts.mart_daily_activity"
    ).fetchall()
    assert {(r[0], r[1], r[2]): r[3] for r in rows} == dict(expected)


def test_every_distinct_corpus_statement_lands_exactly_once(pipeline):
    headers = {"X-Experience-API-Version": "1.0.3"}
    auth = (pipeline.key, pipeline.secret)
    moodle = corpus_statements("moodle-logstore-xapi.ndjson")
    cmi5 = corpus_statements("cmi5-spec-samples.ndjson")
    with httpx.Client(base_url=pipeline.endpoint, auth=auth, headers=headers, timeout=30) as http:
        response = http.post("statements", json=moodle)
        assert response.status_code == 200, response.text
        moodle_ids = response.json()
        # One statement per request: the samples reuse ids, and a request may not hold an id twice.
        cmi5_status: dict[str, list[int]] = {}
        for stmt in cmi5:
            cmi5_status.setdefault(stmt["id"], []).append(http.post("statements", json=stmt).status_code)

    assert len(set(moodle_ids)) == 190
    assert len(cmi5_status) == 95
    assert cmi5_status[CMI5_REUSED].count(200) >= 1 and cmi5_status[CMI5_REUSED].count(409) == 3
    assert all(codes[0] == 200 for codes in cmi5_status.values())

    expected = set(moodle_ids) | set(cmi5_status)
    found = pipeline.wait_for_lake(expected)
    assert Counter(found) == Counter(dict.fromkeys(expected, 1))


def test_sink_killed_at_random_moments_loses_and_doubles_nothing(pipeline):
    statements = synthetic(20_000, seed=11)
    sender = Sender(pipeline, statements)
    sender.start()
    rng = random.Random(5)
    kills = 0
    while sender.is_alive() or kills < 5:
        time.sleep(rng.uniform(0.3, 2.0))
        pipeline.sink.kill()
        kills += 1
        time.sleep(rng.uniform(0.0, 0.5))
        pipeline.restart(pipeline.sink)
    sender.join()
    assert kills >= 5
    assert sender.statuses == Counter({200: 200})
    found = pipeline.wait_for_lake(sender.acknowledged, timeout=180)
    assert len(found) == len(set(found)) == 20_000
    assert set(found) == set(sender.acknowledged)


def test_broker_restarted_empty_while_statements_flow(pipeline):
    statements = synthetic(6_000, seed=12)
    sender = Sender(pipeline, statements, batch=50)
    sender.start()
    time.sleep(1.0)
    pipeline.broker.kill()
    time.sleep(1.5)  # the LRS keeps acknowledging into its store while no broker runs
    pipeline.broker.restart()
    sender.join()
    assert sender.statuses == Counter({200: 120}), "the LRS must keep answering 200 while the broker is down"
    found = pipeline.wait_for_lake(sender.acknowledged, timeout=180)
    assert len(found) == len(set(found)) == 6_000
    assert set(found) == set(sender.acknowledged)
