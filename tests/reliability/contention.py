"""Sink, transform and dashboard-style reads on one lake at once; shared by the test and bench/contention.py.

The sink and the relay run as processes fed by an outbox filler (the LRS's side of the
outbox); the transform runs again and again as a process; reader threads query the lake
as the dashboards do (as of the last certified snapshot) and count every error.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import duckdb

from ingest.broker import EmbeddedBroker
from leerstroom import lake
from leerstroom.errors import LeerstroomError
from leerstroom.settings import Settings
from tests.fixtures.broker import (
    RelayProcess,
    SinkProcess,
    append_to_outbox,
    lake_ids,
    outbox_size,
    stored_statements,
)
from tests.reliability.chaos import Part

log = logging.getLogger(__name__)

# Messages that show a lake write failed for good rather than being retried.
FAILED_WRITE = ("lake write failed", "LakeBusy", "Traceback")


@dataclass
class ContentionOutcome:
    seconds: float = 0
    acknowledged: int = 0
    lost: int = 0
    doubled: int = 0
    reads: int = 0
    reader_errors: Counter = field(default_factory=Counter)
    transforms_started: int = 0
    transforms_certified: int = 0
    write_retries: int = 0
    failed_writes: list[str] = field(default_factory=list)


class Readers(threading.Thread):
    """Dashboard-like reads: the certified marts and the raw table, each query on a fresh read-only connection."""

    def __init__(self, settings: Settings, stop: threading.Event) -> None:
        super().__init__(daemon=True, name="dashboard-reads")
        self.settings, self.stop = settings, stop
        self.reads = 0
        self.errors: Counter = Counter()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                # As the dashboards read: the last certification (and here the raw count) with lake.read, marts pinned.
                certified = lake.read(
                    self.settings,
                    lambda con: (
                        con.execute("SELECT count(*), max(stored_at) FROM lake.raw.statements").fetchone(),
                        lake.last_certified(con),
                    )[1],
                )
                if certified is not None:
                    con = lake.connect(self.settings, snapshot=certified["snapshot_id"])
                    try:
                        for (table,) in con.execute(
                            "SELECT table_name FROM information_schema.tables "
                            "WHERE table_catalog = 'lake' AND table_schema = 'marts'"
                        ).fetchall():
                            con.execute(f'SELECT count(*) FROM lake.marts."{table}"').fetchone()
                    finally:
                        con.close()
                self.reads += 1
            except (duckdb.Error, LeerstroomError) as err:
                self.errors[type(err).__name__ + ": " + str(err).splitlines()[0][:120]] += 1
            self.stop.wait(0.2)


def run_contention(
    settings: Settings, seconds: float, *, rate_per_second: int = 1000, finish_transform: bool = True
) -> ContentionOutcome:
    """Load the lake from three sides for `seconds`; with finish_transform the last transform run is waited for."""
    broker = EmbeddedBroker(settings).start()
    # The lake exists before the readers start, as it does once the pipeline has run.
    lake.connect(settings).close()
    relay, sink = RelayProcess(settings, "contention-relay"), SinkProcess(settings, "contention-sink")
    transform = Part(settings, "transform", ["transform"])
    stop = threading.Event()
    readers = [Readers(settings, stop) for _ in range(2)]
    outcome = ContentionOutcome()
    acknowledged: list[str] = []
    started = time.monotonic()
    try:
        relay.start()
        sink.start()
        for reader in readers:
            reader.start()
        chunk = max(1, rate_per_second // 4)
        while time.monotonic() - started < seconds:
            batch = stored_statements(chunk, learners=40)
            append_to_outbox(settings, batch)
            acknowledged += [s["id"] for s in batch]
            if not transform.running:
                if transform.process is not None:
                    outcome.transforms_certified += int(transform.process.returncode == 0)
                transform.start()
                outcome.transforms_started += 1
            time.sleep(0.25)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if outbox_size(settings) == 0 and len(set(lake_ids(settings))) >= len(acknowledged):
                break
            time.sleep(0.5)
        if transform.process is not None and finish_transform:
            transform.process.wait(1800)
            outcome.transforms_certified += int(transform.process.returncode == 0)
    finally:
        stop.set()
        for reader in readers:
            reader.join(30)
        transform.stop()
        relay.stop()
        sink.stop()
        broker.stop()
        broker.forget()
    counts = Counter(lake_ids(settings))
    outcome.seconds = round(time.monotonic() - started, 1)
    outcome.acknowledged = len(acknowledged)
    outcome.lost = len(set(acknowledged) - set(counts))
    outcome.doubled = sum(1 for n in counts.values() if n > 1)
    outcome.reads = sum(r.reads for r in readers)
    for reader in readers:
        outcome.reader_errors.update(reader.errors)
    logs = [
        sink.log_text(),
        relay.log_text(),
        transform.log_path.read_text(errors="replace") if transform.log_path.exists() else "",
    ]
    outcome.write_retries = sum(text.count("lake busy") for text in logs)
    outcome.failed_writes = [
        line for text in logs for line in text.splitlines() if any(marker in line for marker in FAILED_WRITE)
    ]
    return outcome
