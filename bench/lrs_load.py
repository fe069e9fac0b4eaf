"""LRS load benchmark (not a test): sustained batch ingest through relay, broker and sink; single POSTs; query latency.

Prints Leerstroom's figures beside the same load against any other LRS given with
--peer, measured in the same run:

    .venv/bin/python bench/lrs_load.py --seconds 20 --store-size 1000000 [--relay-process] \\
        [--peer http://other-lrs/xapi/ --peer-key K --peer-secret S]

The 1M-statement store for the query latencies is filled once (bench/lrs_store_fill.py)
and kept under --work, so later runs reuse it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.lrs_store_fill import LEARNERS, VERBS, fill, generated
from leerstroom import lake
from leerstroom.net import free_port
from leerstroom.settings import Settings

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
VERSION = {"X-Experience-API-Version": "1.0.3"}
JSON = {"Content-Type": "application/json"}
WARM_UP_SECONDS = 3


@dataclass
class Target:
    name: str
    endpoint: str
    key: str
    secret: str

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.endpoint, auth=(self.key, self.secret), headers=VERSION, timeout=30)


def start(command: str, data_dir: Path, port: int, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "LEERSTROOM_DATA_DIR": str(data_dir), "LEERSTROOM_LRS_PORT": str(port)}
    log = open(data_dir / f"{command}.log", "ab")  # noqa: SIM115 - kept by the child
    return subprocess.Popen(
        [PYTHON, "-m", "leerstroom.cli.main", command, *extra], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
    )


def credential(data_dir: Path, port: int) -> tuple[str, str]:
    env = {**os.environ, "LEERSTROOM_DATA_DIR": str(data_dir), "LEERSTROOM_LRS_PORT": str(port)}
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


def wait_healthy(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"LRS on port {port} did not become healthy")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time used so far by a process and its children, e.g. Tansu under `leerstroom broker`."""
    proc = Path(f"/proc/{pid}")
    try:
        fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        children = [
            int(child) for task in (proc / "task").iterdir() for child in (task / "children").read_text().split()
        ]
    except (FileNotFoundError, ProcessLookupError):
        return 0.0  # gone meanwhile
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(child) for child in children)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def post_load(target: Target, seconds: float, batch: int, threads: int) -> tuple[float, int]:
    """Acknowledged statements per second from `threads` clients posting batches of `batch` for `seconds`."""
    acknowledged = [0] * threads
    failures = [0] * threads
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        bodies = _bodies(random.Random(index), batch)
        with target.client() as client:
            for body in itertools.cycle(bodies):
                if time.monotonic() >= deadline:
                    break
                response = client.post("statements", content=body, headers=JSON)
                if response.status_code == 200:
                    acknowledged[index] += batch
                else:
                    failures[index] += 1

    started = time.monotonic()
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return sum(acknowledged) / (time.monotonic() - started), sum(failures)


def _bodies(rng: random.Random, batch: int, count: int = 50) -> list[bytes]:
    """Request bodies encoded before the clock starts: the clients share the machine with the LRS.

    The statements carry no id, so every POST stores new ones (the LRS assigns the ids).
    """
    bodies = []
    for _ in range(count):
        statements = generated(rng, batch)
        for statement in statements:
            del statement["id"]
        bodies.append(orjson.dumps(statements if batch > 1 else statements[0]))
    return bodies


def latencies(target: Target, params: list[dict], rounds: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds of GET statements with each of `params`, `rounds` times over."""
    times = []
    with target.client() as client:
        for _ in range(rounds):
            for query in params:
                began = time.perf_counter()
                response = client.get("statements", params=query)
                times.append((time.perf_counter() - began) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{target.name}: GET {query} answered {response.status_code}")
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def query_params(rng: random.Random, count: int) -> tuple[list[dict], list[dict]]:
    verbs = [{"verb": rng.choice(VERBS), "limit": "100"} for _ in range(count)]
    agents = [
        {
            "agent": json.dumps(
                {
                    "objectType": "Agent",
                    "account": {"homePage": "http://lms.example.org", "name": f"learner-{rng.randrange(LEARNERS)}"},
                }
            )
        }
        for _ in range(count)
    ]
    return verbs, agents


def lake_count(settings: Settings, tries: int = 5) -> int:
    if not lake.exists(settings):
        return 0
    con = lake.connect(settings, read_only=True)
    try:
        for attempt in range(tries):
            try:
                return con.execute("SELECT count(*) FROM lake.raw.statements").fetchone()[0]
            except duckdb.Error:
                # DuckLake 1.4.4 now and then fails to read table statistics while a commit lands; read again.
                if attempt == tries - 1:
                    raise
                time.sleep(0.2)
    finally:
        con.close()


def drain(settings: Settings, expected: int, seconds: float) -> int:
    """Wait (up to `seconds`) until the lake holds about `expected` statements; return how many it holds."""
    deadline = time.monotonic() + seconds
    in_lake = lake_count(settings)
    while in_lake < expected * 0.999 and time.monotonic() < deadline:
        time.sleep(0.5)
        in_lake = lake_count(settings)
    return in_lake


def leerstroom_ingest(work: Path, args: argparse.Namespace, results: dict) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="ingest-", dir=work))
    port = free_port()
    settings = Settings(data_dir=data_dir, lrs_port=port)
    key, secret = credential(data_dir, port)
    broker = start("broker", data_dir, port)
    time.sleep(3)
    sink = start("sink", data_dir, port)
    # Inside the LRS process the relay shares its interpreter lock; as a process of its own it gets a core's share.
    relay = start("relay", data_dir, port) if args.relay_process else None
    lrs = start("lrs", data_dir, port, *(["--no-relay"] if args.relay_process else []))
    try:
        wait_healthy(port)
        target = Target("leerstroom", f"http://127.0.0.1:{port}/xapi/", key, secret)
        parts = {"LRS": lrs, "relay": relay} if relay else {"LRS with relay": lrs}
        parts.update(sink=sink, broker=broker)
        # Warm-up outside the measured window: each part's first lake connection and DuckDB extension
        # loads are one-off costs that would otherwise dominate the CPU of a short run.
        warm_rate, _ = post_load(target, WARM_UP_SECONDS, 100, args.threads)
        warm = drain(settings, int(warm_rate * WARM_UP_SECONDS), args.drain_seconds)
        cpu_before = {name: cpu_seconds(p.pid) for name, p in parts.items()}
        rate, failed = post_load(target, args.seconds, 100, args.threads)
        sent_through = time.monotonic()
        results["batch ingest, statements/s acknowledged"] = {"leerstroom": rate}
        results["batch ingest, failed requests"] = {"leerstroom": failed}
        in_lake = drain(settings, warm + int(rate * args.seconds), args.drain_seconds)
        results["statements in the lake after the load (with warm-up)"] = {"leerstroom": in_lake}
        results["seconds from last ack to lake"] = {"leerstroom": time.monotonic() - sent_through}
        # CPU per statement does not depend on what else the machine runs, unlike the rates above.
        measured = max(in_lake - warm, 1)
        spent = {name: cpu_seconds(p.pid) - cpu_before[name] for name, p in parts.items()}
        for name, seconds in spent.items():
            results[f"CPU µs per statement, {name}"] = {"leerstroom": seconds / measured * 1e6}
        total = sum(spent.values()) / measured
        results["statements/s two idle cores could carry (CPU bound)"] = {"leerstroom": 2 / total if total else 0.0}
        single, _ = post_load(target, args.seconds / 2, 1, args.threads)
        results["single-statement POSTs/s"] = {"leerstroom": single}
    finally:
        for process in (lrs, relay, sink, broker):
            if process is not None:
                stop(process)


def leerstroom_queries(work: Path, args: argparse.Namespace, results: dict) -> None:
    data_dir = work / f"store-{args.store_size}"
    (data_dir / "lrs").mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=data_dir)
    print(f"filling {settings.lrs_db} to {args.store_size:,} statements (kept for later runs)", file=sys.stderr)
    fill(settings.lrs_db, args.store_size)
    port = free_port()
    key, secret = credential(data_dir, port)
    lrs = start("lrs", data_dir, port, "--no-relay")
    try:
        wait_healthy(port)
        target = Target("leerstroom", f"http://127.0.0.1:{port}/xapi/", key, secret)
        measure_queries(target, args, results)
    finally:
        stop(lrs)


def measure_queries(target: Target, args: argparse.Namespace, results: dict) -> None:
    verbs, agents = query_params(random.Random(11), 50)
    latencies(target, verbs[:5] + agents[:5], 1)  # warm the connection
    for label, params in (("GET verb=…&limit=100", verbs), ("GET agent=…", agents)):
        p50, p95 = latencies(target, params, args.query_rounds)
        results.setdefault(f"{label} p50 ms", {})[target.name] = p50
        results.setdefault(f"{label} p95 ms", {})[target.name] = p95


def peer_run(target: Target, args: argparse.Namespace, results: dict) -> None:
    rate, failed = post_load(target, args.seconds, 100, args.threads)
    results.setdefault("batch ingest, statements/s acknowledged", {})[target.name] = rate
    results.setdefault("batch ingest, failed requests", {})[target.name] = failed
    single, _ = post_load(target, args.seconds / 2, 1, args.threads)
    results.setdefault("single-statement POSTs/s", {})[target.name] = single
    measure_queries(target, args, results)


def report(results: dict, peer: str | None) -> None:
    columns = ["leerstroom"] + ([peer] if peer else [])
    print(f"{'measure':48} " + " ".join(f"{c:>14}" for c in columns) + ("   ratio" if peer else ""))
    for measure, values in results.items():
        cells = [values.get(c) for c in columns]
        text = " ".join(f"{v:>14,.1f}" if isinstance(v, float) else f"{v if v is not None else '-':>14}" for v in cells)
        ratio = ""
        if peer and isinstance(cells[0], (int, float)) and isinstance(cells[1], (int, float)) and cells[1]:
            ratio = f"{cells[0] / cells[1]:>8.2f}"
        print(f"{measure:48} {text}{ratio}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20, help="length of each POST load")
    parser.add_argument("--threads", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument("--store-size", type=int, default=1_000_000, help="statements in the store for GET latency")
    parser.add_argument("--query-rounds", type=int, default=4, help="passes over 50 verb and 50 agent queries")
    parser.add_argument("--drain-seconds", type=float, default=120, help="how long to wait for the lake to catch up")
    parser.add_argument("--work", type=Path, default=REPO / "data" / "bench", help="folder for stores and logs")
    parser.add_argument(
        "--relay-process",
        action="store_true",
        help="run the outbox relay as its own process (`leerstroom relay`) instead of inside the LRS",
    )
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-queries", action="store_true")
    parser.add_argument("--peer", default=None, help="another LRS's xAPI endpoint, measured the same way")
    parser.add_argument("--peer-key", default=None)
    parser.add_argument("--peer-secret", default=None)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    if not args.skip_ingest:
        leerstroom_ingest(args.work, args, results)
    if not args.skip_queries:
        leerstroom_queries(args.work, args, results)
    if args.peer:
        peer_run(
            Target("peer", args.peer.rstrip("/") + "/", args.peer_key or "", args.peer_secret or ""), args, results
        )
    report(results, "peer" if args.peer else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
