"""Nothing lost, nothing doubled: sink crashes, a broker that restarts empty, and two sinks on one lake."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter

import pytest

from ingest.broker import EmbeddedBroker
from ingest.lrs.relay import Relay
from ingest.sink import Sink
from leerstroom.settings import Settings
from tests.fixtures.broker import (
    PartProcess,
    RelayProcess,
    SinkProcess,
    append_to_outbox,
    lake_ids,
    outbox_size,
    stored_statements,
    wait_until,
)

pytestmark = [pytest.mark.broker, pytest.mark.slow]


class Feeder(threading.Thread):
    """Acknowledges statements into the outbox in small transactions, as a busy LRS would."""

    def __init__(self, settings: Settings, statements: list[dict], chunk: int, pause: float) -> None:
        super().__init__(daemon=True)
        self.settings, self.statements, self.chunk, self.pause = settings, statements, chunk, pause
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for start in range(0, len(self.statements), self.chunk):
                append_to_outbox(self.settings, self.statements[start : start + self.chunk])
                time.sleep(self.pause)
        except BaseException as err:  # noqa: BLE001 - reported by the test through finish()
            self.error = err

    def finish(self) -> None:
        self.join(60)
        assert self.error is None, f"feeding the outbox failed: {self.error!r}"


def assert_exactly_once(settings: Settings, statements: list[dict], parts: list[PartProcess]) -> None:
    expected = {s["id"] for s in statements}

    def converged() -> bool:
        return len(set(lake_ids(settings))) >= len(expected) and outbox_size(settings) == 0

    try:
        wait_until(converged, 90, "every acknowledged statement in the lake and an empty outbox", interval=0.5)
    except BaseException:
        for part in parts:
            print(f"==== {part.name} log\n{part.log_text()[-6000:]}")
        raise
    counts = Counter(lake_ids(settings))
    assert set(counts) == expected, f"missing {len(expected - set(counts))}, unexpected {len(set(counts) - expected)}"
    doubled = {i: n for i, n in counts.items() if n > 1}
    assert not doubled, f"{len(doubled)} statements doubled"


def test_sink_killed_at_random_moments_loses_and_doubles_nothing(
    broker: EmbeddedBroker, settings: Settings, parts: list[PartProcess]
) -> None:
    seed = random.randrange(1_000_000)
    chance = random.Random(seed)
    statements = stored_statements(20_000)
    relay, sink = RelayProcess(settings).start(), SinkProcess(settings).start()
    parts += [relay, sink]
    feeder = Feeder(settings, statements, chunk=250, pause=0.1)
    feeder.start()

    kills_while_running = 0
    for _ in range(6):
        time.sleep(chance.uniform(0.8, 2.5))
        if sink.running:
            kills_while_running += 1
        sink.kill()
        sink.start()
    feeder.finish()

    assert_exactly_once(settings, statements, parts)
    assert kills_while_running >= 5, f"only {kills_while_running} kills hit a running sink (seed {seed})"
    assert "batch of" in sink.log_text(), "the sink committed batches between the kills"
    sink.stop()
    relay.stop()


def test_broker_restarting_empty_mid_stream_loses_and_doubles_nothing(
    broker: EmbeddedBroker, settings: Settings
) -> None:
    settings = settings.model_copy(update={"kafka_timeout_ms": 1500})
    statements = stored_statements(6000)
    stop = threading.Event()
    relay, sink = Relay(settings), Sink(settings, topic_check_seconds=1.0)
    threads = [threading.Thread(target=part.run, args=(stop,), daemon=True) for part in (relay, sink)]
    for thread in threads:
        thread.start()
    feeder = Feeder(settings, statements, chunk=200, pause=0.1)
    feeder.start()
    try:
        wait_until(lambda: len(lake_ids(settings)) > 500, 30, "the first statements in the lake")
        broker.restart()
        feeder.finish()
        assert_exactly_once(settings, statements, [])
    finally:
        stop.set()
        for thread in threads:
            thread.join(15)
        relay.close()
        sink.close()
    assert sink.log_changes >= 1, "the sink must have followed the new log"


def test_two_sinks_on_one_lake_double_nothing(
    broker: EmbeddedBroker, settings: Settings, parts: list[PartProcess]
) -> None:
    statements = stored_statements(10_000)
    relay = RelayProcess(settings).start()
    sinks = [SinkProcess(settings, "sink-a").start(), SinkProcess(settings, "sink-b").start()]
    parts += [relay, *sinks]
    feeder = Feeder(settings, statements, chunk=250, pause=0.1)
    feeder.start()
    feeder.finish()

    assert_exactly_once(settings, statements, parts)
    assert all(s.running for s in sinks), "a losing sink re-seeks and keeps going"
    logs = "".join(s.log_text() for s in sinks)
    assert "moved by another sink" in logs or "started by another sink" in logs, (
        "the sinks raced, so one of them must have lost a compare-and-set"
    )
    for part in parts:
        part.stop()
