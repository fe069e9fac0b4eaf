"""SIGKILLs spread over LRS, relay, sink, transform and broker while a tool posts: nothing lost, nothing doubled.

Twice: the default set-up (one of each, SQLite store and catalog), and the scaled one (2 LRS processes on one
port, 2 relays, 2 sinks in one consumer group, the LRS store and the lake's catalog on PostgreSQL). Two sinks on
one lake by mistake are covered by tests/ingest/test_sink_crashes.py (test_two_sinks_on_one_lake_double_nothing);
the long version of this run is bench/crash_soak.py.
"""

from __future__ import annotations

import random

import pytest

from leerstroom.settings import Settings
from tests.fixtures.object_storage import lake_in_shared_folder
from tests.fixtures.postgres import Cluster
from tests.reliability.chaos import Chaos

pytestmark = [pytest.mark.broker, pytest.mark.slow]

# Kills per set-up: the scaled one has 8 processes to kill, each at least once.
ROUNDS = {1: 20, 2: 16}


@pytest.fixture(params=[1, 2], ids=["one-of-each-sqlite", "two-of-each-postgresql"])
def scale(request: pytest.FixtureRequest) -> int:
    return request.param


def scaled(settings: Settings, scale: int, request: pytest.FixtureRequest) -> Settings:
    if scale == 1:
        return settings
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    store, catalog = (cluster.database(f"chaos_{kind}_{random.randrange(10**9)}") for kind in ("lrs", "lake"))
    for database in (store, catalog):
        cluster.client("createdb", database.name)
    on_postgres = lake_in_shared_folder(settings, catalog, settings.data_dir / "shared-lake-files")
    return on_postgres.model_copy(update={"lrs_database": store.url})


def test_every_acknowledged_statement_is_in_the_lake_once_after_random_kills(
    settings: Settings, scale: int, request: pytest.FixtureRequest
) -> None:
    seed = random.randrange(1_000_000)
    settings = scaled(settings, scale, request)
    chaos = Chaos(settings.model_copy(update={"kafka_timeout_ms": 2000}), seed, scale)
    try:
        chaos.start()
        kills = chaos.rounds(ROUNDS[scale])
        outcome = chaos.settle(timeout=120)
    except BaseException:
        print(chaos.logs())
        raise
    finally:
        chaos.stop()

    context = f"seed {seed}, kills {dict(kills)}, outcome {outcome}"
    assert sum(kills.values()) >= ROUNDS[scale] - 2, f"most kills must hit a running process ({context})"
    assert set(kills) == set(chaos.victims), f"every part was killed at least once ({context})"
    assert outcome.acknowledged > 1000, f"statements kept flowing between the kills ({context})"
    assert not outcome.refusals, f"the tool's statements were valid, none may be refused ({context})"
    assert outcome.lost == 0, context
    assert outcome.doubled == 0, context
    assert outcome.unexpected == 0, f"the lake holds only what was acknowledged ({context})"
