"""Throughput of the whole ingest path, stage by stage, measured side by side in one run.

  HTTP ingest (batches of 100, statements acknowledged per second) -> LRS store + outbox
  relay       outbox -> Kafka
  sink        Kafka -> DuckLake, exactly once
  bare        a kafka-python consumer reading the same topic, for scale

Run: .venv/bin/python bench/pipeline_throughput.py [--statements 100000] [--clients 4]
Everything runs on this machine: the LRS as its own process, an embedded Tansu broker,
a lake in a temporary folder.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.kafka_path import bare_consume, relay_all, sink_all, statements
from ingest.broker import EmbeddedBroker
from ingest.lrs.credentials import add
from leerstroom import logs
from leerstroom.cli.supervisor import Child
from leerstroom.net import free_port
from leerstroom.settings import Settings

BATCH = 100


def http_ingest(settings: Settings, count: int, clients: int) -> float:
    """POST `count` statements in batches of 100 from `clients` threads; seconds until all acknowledged."""
    credential = add(settings, "bench")
    batches = []
    batch: list[dict] = []
    for statement in statements(count):
        for assigned in ("stored", "authority"):
            statement.pop(assigned)  # the LRS assigns these
        batch.append(statement)
        if len(batch) == BATCH:
            batches.append(batch)
            batch = []
    if batch:
        batches.append(batch)
    # Encoded before the clock starts: the clients share the LRS's two cores, and their JSON encoding is not the LRS's.
    bodies = [orjson.dumps(batch) for batch in batches]
    lock = threading.Lock()
    failures: list[str] = []

    def worker() -> None:
        with httpx.Client(
            base_url=settings.lrs_base_url,
            auth=(credential.key, credential.secret),
            headers={"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"},
            timeout=60,
        ) as http:
            while True:
                with lock:
                    if not bodies:
                        return
                    body = bodies.pop()
                response = http.post("statements", content=body)
                if response.status_code != 200:
                    failures.append(f"{response.status_code}: {response.text[:200]}")

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} batches were not acknowledged, e.g. {failures[0]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients (default 4)")
    args = parser.parse_args()
    logs.configure("WARNING")
    count = args.statements
    with tempfile.TemporaryDirectory(prefix="leerstroom-bench-") as folder:
        settings = Settings(data_dir=Path(folder), lrs_port=free_port(), sink_batch_max=10_000)
        env = {
            "LEERSTROOM_DATA_DIR": folder,
            "LEERSTROOM_LRS_PORT": str(settings.lrs_port),
            "LEERSTROOM_LOG_LEVEL": "WARNING",
        }
        with EmbeddedBroker(settings) as broker:
            # The relay is left out of the LRS process so each stage is measured on its own.
            lrs = Child(
                "lrs",
                ["lrs", "--no-relay"],
                env=env,
                log_path=Path(folder) / "lrs.log",
                ready=lambda: _healthy(settings),
            )
            lrs.start()
            lrs.wait_ready(60)
            try:
                print(f"sending {count:,} statements over HTTP with {args.clients} clients…", flush=True)
                http_seconds = http_ingest(settings, count, args.clients)
            finally:
                lrs.stop()
            relay_seconds = relay_all(settings, count)
            sink_seconds = sink_all(settings, count)
            bare_seconds = bare_consume(settings, broker.bootstrap, count)
    rates = {
        name: count / seconds
        for name, seconds in [
            ("http", http_seconds),
            ("relay", relay_seconds),
            ("sink", sink_seconds),
            ("bare", bare_seconds),
        ]
    }
    print(f"statements                   {count:>10,}   ({os.cpu_count()} CPUs)")
    print(f"HTTP ingest, batches of 100  {rates['http']:>10,.0f} statements/s acknowledged ({http_seconds:.1f}s)")
    print(f"relay  outbox -> Kafka       {rates['relay']:>10,.0f} statements/s ({relay_seconds:.1f}s)")
    print(f"sink   Kafka -> lake         {rates['sink']:>10,.0f} statements/s ({sink_seconds:.1f}s, exactly once)")
    print(f"bare kafka-python consumer   {rates['bare']:>10,.0f} statements/s ({bare_seconds:.1f}s)")
    print(f"sink / bare consumer         {rates['sink'] / rates['bare']:>10.2f}")
    print(f"slowest stage                {min(rates, key=rates.get):>10}")
    return 0


def _healthy(settings: Settings) -> bool:
    try:
        return httpx.get(f"http://{settings.lrs_host}:{settings.lrs_port}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


if __name__ == "__main__":
    logging.captureWarnings(True)
    sys.exit(main())
