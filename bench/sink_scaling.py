"""One sink against two in one consumer group, on each lake catalog, side by side in one run.

  sqlite    the default: SQLite catalog and Parquet files in the data folder
  postgres  a PostgreSQL catalog (a throwaway local cluster) with the files in a shared folder

The statements are published to the embedded broker once; then, for each catalog and each
number of sinks, a fresh lake is filled from the start of the topic by `leerstroom sink`
processes sharing one consumer group. The rate counts from the moment a quarter of the
statements are in the lake to the last one, so process start-up, the group's join and its
first rebalance are left out. Each run also checks that the lake holds every statement
exactly once.

Run: .venv/bin/python bench/sink_scaling.py [--statements 200000] [--catalogs sqlite,postgres]
On a shared or busy machine the figures are indicative only.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.kafka_path import fill_outbox, relay_all
from ingest.broker import EmbeddedBroker
from leerstroom import lake, logs
from leerstroom.settings import Settings
from tests.fixtures.postgres import start_cluster

POLL_SECONDS = 0.2


def lake_count(settings: Settings) -> tuple[int, int]:
    """(statements, distinct statement ids) in the lake; (0, 0) before the sink created it."""
    if not lake.exists(settings):
        return 0, 0
    try:
        return lake.read(
            settings,
            lambda con: con.execute(
                "SELECT count(*), count(DISTINCT statement_id) FROM lake.raw.statements"
            ).fetchone(),
        )
    except duckdb.Error as err:
        # The sinks create the table with their first batch: until then there is nothing to count.
        logging.getLogger(__name__).info("counting the lake failed, polling again: %s", str(err).splitlines()[0])
        return 0, 0


def run_sinks(settings: Settings, bootstrap: str, sinks: int, count: int, timeout: float) -> float:
    """Start `sinks` sink processes in a new group on an empty lake; statements per second once they write."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEERSTROOM_")}
    env.update(lake.environment(settings))
    env.update(
        {
            "LEERSTROOM_DATA_DIR": str(settings.data_dir),
            "LEERSTROOM_KAFKA_BOOTSTRAP": bootstrap,
            "LEERSTROOM_KAFKA_TOPIC": settings.kafka_topic,
            "LEERSTROOM_SINK_GROUP": f"bench-{uuid.uuid4().hex}",
            "LEERSTROOM_SINK_BATCH_SECONDS": "0.5",
            "PYTHONPATH": str(REPO),
        }
    )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    processes = []
    for n in range(sinks):
        out = open(settings.data_dir / f"sink-{n}.log", "wb")  # noqa: SIM115 - kept by the child
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "leerstroom.cli.main", "sink"],
                env=env,
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        )
    try:
        deadline = time.monotonic() + timeout
        first = None
        while True:
            have, distinct = lake_count(settings)
            now = time.monotonic()
            if have >= count // 4 and first is None:
                first = (now, have)
            if have >= count:
                break
            if now > deadline:
                raise RuntimeError(
                    f"{sinks} sink(s) wrote {have} of {count} statements in {timeout:.0f} s; "
                    f"see {settings.data_dir}/sink-*.log"
                )
            time.sleep(POLL_SECONDS)
        if have != distinct or have != count:
            raise RuntimeError(f"the lake holds {have} rows for {distinct} statements of {count}: lost or doubled")
        started_at, already = first
        return (count - already) / max(now - started_at, 1e-6)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--statements", type=int, default=200_000)
    parser.add_argument("--catalogs", default="sqlite,postgres")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--keep", action="store_true", help="keep the lakes and the sinks' logs")
    args = parser.parse_args()
    logs.configure("WARNING")
    catalogs = [c.strip() for c in args.catalogs.split(",") if c.strip()]

    root = Path(tempfile.mkdtemp(prefix="leerstroom-bench-"))
    try:
        source = Settings(data_dir=root / "source", kafka_partitions=4)
        results: dict[tuple[str, int], float] = {}
        remove_cluster = None
        cluster = None
        with EmbeddedBroker(source) as broker:
            fill_outbox(source, args.statements)
            relay_all(source, args.statements)
            try:
                if "postgres" in catalogs:
                    cluster, remove_cluster = start_cluster()
                for catalog in catalogs:
                    for sinks in (1, 2):
                        run = Settings(data_dir=root / f"{catalog}-{sinks}", kafka_topic=source.kafka_topic)
                        if catalog == "postgres":
                            database = cluster.database(f"bench_{sinks}_{uuid.uuid4().hex[:8]}")
                            cluster.client("createdb", database.name)
                            run = run.model_copy(
                                update={
                                    "lake_catalog": f"postgres:{database.keywords}",
                                    "lake_data_path": str(root / f"shared-{sinks}"),
                                }
                            )
                        results[catalog, sinks] = run_sinks(run, broker.bootstrap, sinks, args.statements, args.timeout)
                        print(
                            f"  {catalog:<9} {sinks} sink(s): {results[catalog, sinks]:>8,.0f} statements/s", flush=True
                        )
            finally:
                if remove_cluster is not None:
                    remove_cluster()
    finally:
        if args.keep:
            print(f"lakes and sink logs kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)

    print()
    print(f"{args.statements:,} statements, 4 partitions, sinks in one consumer group (statements/s into the lake)")
    print(f"{'catalog':<34}{'1 sink':>10}{'2 sinks':>10}{'2 vs 1':>9}")
    names = {"sqlite": "SQLite, files in the data folder", "postgres": "PostgreSQL, files in a shared folder"}
    for catalog in catalogs:
        one, two = results[catalog, 1], results[catalog, 2]
        print(f"{names[catalog]:<34}{one:>10,.0f}{two:>10,.0f}{two / one:>8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
