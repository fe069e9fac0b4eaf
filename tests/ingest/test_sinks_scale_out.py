"""Several sinks on one lake with a PostgreSQL catalog: they share the partitions, and nothing is lost or doubled.

Real parts throughout: the embedded broker (Tansu), a throwaway PostgreSQL cluster for
the catalog, and a shared folder for the Parquet files.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest

from ingest.broker import EmbeddedBroker
from ingest.sink import Sink
from ingest.sink_status import lag
from leerstroom import lake
from leerstroom.settings import Settings
from tests.fixtures.broker import lake_ids, stored_statements, wait_until
from tests.fixtures.object_storage import lake_in_shared_folder
from tests.fixtures.postgres import Database
from tests.ingest.test_sink import drain, publish

pytestmark = pytest.mark.broker


@pytest.fixture
def settings(settings: Settings, postgres_database: Database, tmp_path: Path) -> Settings:
    """The lake's catalog in PostgreSQL, its files in a folder every sink reaches (as a shared mount would be)."""
    on_postgres = lake_in_shared_folder(settings, postgres_database, tmp_path / "shared-lake-files")
    assert not lake.writers_serialised(on_postgres), "no file lock orders these writers: only the catalog does"
    return on_postgres


def test_two_sinks_starting_one_new_log_at_the_same_moment_write_it_once(
    broker: EmbeddedBroker, settings: Settings
) -> None:
    publish(settings, stored_statements(2000))
    sinks = [Sink(settings), Sink(settings)]
    barrier = threading.Barrier(2)
    written = [0, 0]

    def run(index: int) -> None:
        sinks[index]._connect()
        barrier.wait()
        written[index] = drain(sinks[index])

    try:
        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        for sink in sinks:
            sink.close()
    ids = lake_ids(settings)
    assert len(ids) == len(set(ids)) == 2000, Counter(Counter(ids).values())
    assert sum(written) == 2000


def test_two_sinks_in_one_consumer_group_share_the_partitions_and_one_takes_over_when_the_other_stops(
    broker: EmbeddedBroker, settings: Settings
) -> None:
    settings = settings.model_copy(update={"sink_group": "lake-sinks", "sink_batch_seconds": 0.3})
    first_half, second_half = stored_statements(3000), stored_statements(1000)
    publish(settings, first_half)
    stops = [threading.Event(), threading.Event()]
    sinks = [Sink(settings), Sink(settings)]
    threads = [threading.Thread(target=sink.run, args=(stop,), daemon=True) for sink, stop in zip(sinks, stops)]
    try:
        for thread in threads:
            thread.start()
        wait_until(lambda: len(lake_ids(settings)) >= 3000, 90, "both sinks draining the first statements")
        assert all(sink.written > 0 for sink in sinks), f"one sink did all the work: {[s.written for s in sinks]}"
        assert all(len(sink.expected) < 4 for sink in sinks), "each sink reads only its share of the 4 partitions"

        stops[1].set()
        threads[1].join(30)
        sinks[1].close()  # leaves the group: the broker gives its partitions to the first sink
        publish(settings, second_half)
        wait_until(lambda: len(lake_ids(settings)) >= 4000, 90, "the remaining sink taking over every partition")
        assert sorted(sinks[0].expected) == [0, 1, 2, 3]
    finally:
        for stop in stops:
            stop.set()
        for thread in threads:
            thread.join(30)
        for sink in sinks:
            sink.close()
    ids = lake_ids(settings)
    assert Counter(ids) == Counter(s["id"] for s in first_half + second_half), "0 lost, 0 doubled"
    report = lag(settings)
    assert report["published_not_in_lake"] == 0
