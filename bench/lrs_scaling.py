"""1, 2 and 3 LRS processes on one port, on each LRS store engine, side by side in one run (not a test).

For each engine (SQLite in the data folder; PostgreSQL in a throwaway local cluster with fsync
on, as in production) and each number N of LRS processes, a fresh pipeline runs as separate
processes: the embedded broker, one sink, N `leerstroom lrs --no-relay` sharing one port
(LEERSTROOM_LRS_REUSE_PORT) and N `leerstroom relay` (side by side on PostgreSQL with SKIP
LOCKED; on SQLite one publishes and the others stand by). HTTP clients post batches of 100
for --seconds; then the run waits until the lake holds every acknowledged statement.

Printed per run: statements/s acknowledged, and CPU µs per statement of each part (LRS
processes, relays, broker, sink, PostgreSQL's server processes), from /proc process CPU
times, which do not depend on what else the machine runs. The rates do: on a busy machine
they are indicative only. From the CPU per statement follows what 2 and 8 idle cores carry.

Run: .venv/bin/python bench/lrs_scaling.py [--seconds 20] [--engines sqlite,postgresql] [--processes 1,2,3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.lrs_load import Target, cpu_seconds, drain, post_load, stop, wait_healthy
from leerstroom import logs
from leerstroom.net import free_port
from leerstroom.settings import Settings
from tests.fixtures.postgres import start_cluster

PYTHON = sys.executable
WARM_UP_SECONDS = 3
PARTS = ("LRS", "relay", "broker", "sink", "PostgreSQL")


def environment(data_dir: Path, port: int, database: str, instance: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEERSTROOM_")}
    env.update(
        {
            "LEERSTROOM_DATA_DIR": str(data_dir),
            "LEERSTROOM_LRS_PORT": str(port),
            "LEERSTROOM_INSTANCE": instance,
            "LEERSTROOM_LRS_DATABASE": database,
            "LEERSTROOM_LRS_REUSE_PORT": "true",
            "PYTHONPATH": str(REPO),
        }
    )
    return env


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    out = open(log, "ab")  # noqa: SIM115 - kept by the child
    return subprocess.Popen(
        [PYTHON, "-m", "leerstroom.cli.main", *command], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
    )


def credential(env: dict[str, str]) -> tuple[str, str]:
    out = subprocess.run(
        [PYTHON, "-m", "leerstroom.cli.main", "credentials", "add", f"bench-{uuid.uuid4().hex[:6]}"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    created = json.loads(out)
    return created["key"], created["secret"]


def postmaster_pid(cluster_folder: Path) -> int:
    return int((cluster_folder / "data" / "postmaster.pid").read_text().split()[0])


def one_run(
    root: Path, engine: str, processes: int, database: str, postgres_pid: int | None, args: argparse.Namespace
) -> dict[str, float]:
    data_dir = root / f"{engine}-{processes}"
    data_dir.mkdir(parents=True)
    port = free_port()
    settings = Settings(data_dir=data_dir, lrs_port=port)
    base = environment(data_dir, port, database, "bench")
    key, secret = credential(base)
    parts: dict[str, list[subprocess.Popen]] = {part: [] for part in PARTS}
    parts["broker"].append(start(["broker"], base, data_dir / "broker.log"))
    time.sleep(3)
    parts["sink"].append(start(["sink"], environment(data_dir, port, database, "sink-1"), data_dir / "sink.log"))
    for n in range(1, processes + 1):
        parts["relay"].append(
            start(["relay"], environment(data_dir, port, database, f"relay-{n}"), data_dir / f"relay-{n}.log")
        )
        parts["LRS"].append(
            start(["lrs", "--no-relay"], environment(data_dir, port, database, f"lrs-{n}"), data_dir / f"lrs-{n}.log")
        )
    pids = {part: [p.pid for p in running] for part, running in parts.items()}
    if postgres_pid is not None:
        pids["PostgreSQL"] = [postgres_pid]
    try:
        wait_healthy(port)
        time.sleep(1)  # every LRS process has bound the port by now
        target = Target("leerstroom", f"http://127.0.0.1:{port}/xapi/", key, secret)
        warm_rate, _ = post_load(target, WARM_UP_SECONDS, 100, args.threads)
        warm = drain(settings, int(warm_rate * WARM_UP_SECONDS), args.drain_seconds)
        before = {part: sum(cpu_seconds(pid) for pid in ids) for part, ids in pids.items()}
        rate, failed = post_load(target, args.seconds, 100, args.threads)
        in_lake = drain(settings, warm + int(rate * args.seconds), args.drain_seconds)
        spent = {part: sum(cpu_seconds(pid) for pid in ids) - before[part] for part, ids in pids.items()}
        measured = max(in_lake - warm, 1)
        found = {
            "statements/s acknowledged": rate,
            "failed requests": float(failed),
            "statements in the lake (measured)": float(measured),
        }
        for part in PARTS:
            found[f"CPU µs/statement, {part}"] = spent[part] / measured * 1e6
        total = sum(spent.values()) / measured
        found["CPU µs/statement, all parts"] = total * 1e6
        found["statements/s 2 idle cores carry"] = 2 / total if total else 0.0
        found["statements/s 8 idle cores carry"] = 8 / total if total else 0.0
        if in_lake < warm + rate * args.seconds * 0.999:
            print(
                f"  warning: the lake holds {in_lake} of about {warm + rate * args.seconds:.0f} after "
                f"{args.drain_seconds:g} s; see {data_dir}",
                file=sys.stderr,
            )
        return found
    finally:
        for running in (parts["LRS"], parts["relay"], parts["sink"], parts["broker"]):
            for process in running:
                stop(process)


def report(results: dict[tuple[str, int], dict[str, float]]) -> None:
    columns = list(results)
    print(f"{'measure':38}" + "".join(f"{f'{engine} x{n}':>15}" for engine, n in columns))
    for measure in next(iter(results.values())):
        print(f"{measure:38}" + "".join(f"{results[c][measure]:>15,.1f}" for c in columns))
    for engine in dict.fromkeys(engine for engine, _ in columns):
        runs = [n for e, n in columns if e == engine]
        if 1 in runs:
            one = results[engine, 1]["statements/s acknowledged"]
            print(
                f"{engine}: "
                + ", ".join(
                    f"{n} processes {results[engine, n]['statements/s acknowledged'] / one:.2f}x"
                    for n in runs
                    if n != 1
                )
                + " the rate of one"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20, help="length of each POST load")
    parser.add_argument("--threads", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--processes", default="1,2,3", help="numbers of LRS processes to compare")
    parser.add_argument("--drain-seconds", type=float, default=180, help="how long to wait for the lake to catch up")
    parser.add_argument("--keep", action="store_true", help="keep the data folders and logs")
    args = parser.parse_args()
    logs.configure("WARNING")
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    counts = [int(n) for n in args.processes.split(",")]
    root = Path(tempfile.mkdtemp(prefix="leerstroom-lrs-scaling-"))
    cluster = remove_cluster = None
    results: dict[tuple[str, int], dict[str, float]] = {}
    try:
        if "postgresql" in engines:
            cluster, remove_cluster = start_cluster(durable=True)
        for engine in engines:
            for n in counts:
                database, postgres_pid = "", None
                if engine == "postgresql":
                    db = cluster.database(f"lrs_{n}_{uuid.uuid4().hex[:8]}")
                    cluster.client("createdb", db.name)
                    database, postgres_pid = db.url, postmaster_pid(cluster.folder)
                results[engine, n] = one_run(root, engine, n, database, postgres_pid, args)
                print(
                    f"  {engine} x{n}: {results[engine, n]['statements/s acknowledged']:,.0f} statements/s, "
                    f"{results[engine, n]['CPU µs/statement, all parts']:,.0f} CPU µs/statement",
                    flush=True,
                )
    finally:
        if remove_cluster is not None:
            remove_cluster()
        if args.keep:
            print(f"data folders and logs kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    print()
    print(
        f"batches of 100 from {args.threads} clients for {args.seconds:g} s; relay, broker and sink running; "
        f"{os.cpu_count()} cores (rates indicative on a busy machine, CPU per statement is not)"
    )
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
