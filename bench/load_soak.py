"""Load soak: sustained HTTP ingest for N minutes, as fast as the machine holds, through the whole pipeline.

Run: .venv/bin/python bench/load_soak.py [--minutes 10] [--clients 4]
Every part is its own process (LRS without relay, relay, sink, scheduled transform, the
embedded broker). Prints: statements acknowledged per second (overall and per minute),
the lake's lag at the end, peak RSS of every process, the broker's RSS per million
statements, and freshness (acknowledged -> in the raw snapshot of a certified transform)
p50/p95 over one sampled statement per batch.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.broker import EmbeddedBroker
from ingest.lrs import credentials
from leerstroom import lake, logs
from leerstroom.net import free_port
from leerstroom.settings import Settings
from tests.fixtures.broker import lake_ids, outbox_size
from tests.reliability.chaos import Part, Tool, http_ok


def memory_kib(pid: int) -> dict[str, int]:
    """Peak (VmHWM) and current (VmRSS) resident memory of a process, from /proc."""
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                fields[name] = int(value.split()[0])
    return fields


class MemoryWatch(threading.Thread):
    """Samples every process's resident memory each second; keeps the peak (children restart, /proc peaks reset)."""

    def __init__(self, pids: dict[str, callable]) -> None:
        super().__init__(daemon=True)
        self.pids, self.peak, self.samples = pids, {}, []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(1.0):
            row = {"t": time.monotonic()}
            for name, pid_of in self.pids.items():
                pid = pid_of()
                if pid is None:
                    continue
                try:
                    kib = memory_kib(pid)
                except (FileNotFoundError, ProcessLookupError):
                    continue
                row[name] = kib.get("VmRSS", 0)
                self.peak[name] = max(self.peak.get(name, 0), kib.get("VmHWM", 0), kib.get("VmRSS", 0))
            self.samples.append(row)


def freshness(settings: Settings, acknowledged_at: list[tuple[float, str]]) -> dict:
    """Seconds from a batch's acknowledgement to the end of the first certified transform whose raw snapshot
    holds it."""
    con = lake.connect(settings, read_only=True)
    try:
        runs = con.execute(
            "SELECT raw_snapshot_id, epoch(finished_at) FROM lake.meta.transform_runs "
            "WHERE status = 'certified' ORDER BY raw_snapshot_id"
        ).fetchall()
        wanted = {statement_id: at for at, statement_id in acknowledged_at}
        seen: dict[str, float] = {}
        for snapshot, finished in runs:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE wanted AS SELECT unnest(?::VARCHAR[]) AS statement_id",
                [[i for i in wanted if i not in seen]],
            )
            for (statement_id,) in con.execute(
                "SELECT w.statement_id FROM wanted w JOIN (SELECT statement_id FROM lake.raw.statements "
                f"AT (VERSION => {int(snapshot)})) s USING (statement_id)"
            ).fetchall():
                seen[statement_id] = finished - wanted[statement_id]
    finally:
        con.close()
    delays = sorted(seen.values())
    if len(delays) < 2:
        return {"certified_runs": len(runs), "sampled": len(wanted), "certified_samples": len(delays)}
    cuts = statistics.quantiles(delays, n=20)
    return {
        "certified_runs": len(runs),
        "sampled": len(wanted),
        "certified_samples": len(delays),
        "p50_seconds": round(statistics.median(delays), 1),
        "p95_seconds": round(cuts[18], 1),
    }


def certified_since(settings: Settings, moment: float) -> bool:
    """Whether a transform that started after `moment` (epoch seconds) has certified."""
    con = lake.connect(settings, read_only=True)
    try:
        return (
            con.execute(
                "SELECT count(*) FROM lake.meta.transform_runs WHERE status = 'certified' AND epoch(started_at) > ?",
                [moment],
            ).fetchone()[0]
            > 0
        )
    finally:
        con.close()


def transform_runs(settings: Settings) -> dict:
    """How the scheduled transforms ended, with their durations and the first failure's reasons."""
    con = lake.connect(settings, read_only=True)
    try:
        rows = con.execute(
            "SELECT status, epoch(finished_at) - epoch(started_at), details FROM lake.meta.transform_runs "
            "ORDER BY started_at"
        ).fetchall()
    finally:
        con.close()
    summary = {"by_status": {}, "seconds": [round(seconds, 1) for _, seconds, _ in rows]}
    for status, _, details in rows:
        summary["by_status"][status] = summary["by_status"].get(status, 0) + 1
        if status != "certified" and "first_failure" not in summary:
            summary["first_failure"] = (json.loads(details) if isinstance(details, str) else details or {}).get(
                "reasons"
            )
    return summary


def soak(settings: Settings, key, parts: dict, broker: EmbeddedBroker, args: argparse.Namespace) -> dict:
    """Drive the tools for --minutes, let everything catch up, and measure: the report."""
    pids = {name: (lambda p=part: p.process.pid if p.running else None) for name, part in parts.items()}
    pids["broker"] = lambda: broker.process.pid
    watch = MemoryWatch(pids)
    watch.start()
    tools = [
        Tool(settings.lrs_base_url, key.key, key.secret, seed=n, batch=args.batch, pause=0) for n in range(args.clients)
    ]
    started = time.monotonic()
    for tool in tools:
        tool.start()
    per_minute = []
    while time.monotonic() - started < args.minutes * 60:
        before = sum(len(t.acknowledged) for t in tools)
        time.sleep(min(60, args.minutes * 60 - (time.monotonic() - started)))
        per_minute.append(round((sum(len(t.acknowledged) for t in tools) - before) / 60))
    for tool in tools:
        tool.halt.set()
    for tool in tools:
        tool.join(60)
    elapsed = time.monotonic() - started
    acknowledged = sum(len(t.acknowledged) for t in tools)
    lag_at_end = acknowledged - len(set(lake_ids(settings)))
    backlog = outbox_size(settings)
    # Let the lake catch up and one more transform certify after that, so the last statements get a freshness too.
    drain_started = time.monotonic()
    while len(set(lake_ids(settings))) < acknowledged and time.monotonic() - drain_started < 600:
        time.sleep(1)
    drain_seconds = round(time.monotonic() - drain_started, 1)
    all_in_lake = time.time()
    while not certified_since(settings, all_in_lake) and time.monotonic() - drain_started < 1200:
        time.sleep(2)
    watch.stop.set()
    broker_rss_kib = memory_kib(broker.process.pid)["VmRSS"]
    fresh = freshness(settings, [pair for t in tools for pair in t.acknowledged_at])
    fresh["transform_runs"] = transform_runs(settings)
    return {
        "minutes": args.minutes,
        "clients": args.clients,
        "batch": args.batch,
        "acknowledged": acknowledged,
        "per_second": round(acknowledged / elapsed),
        "per_second_each_minute": [round(n) for n in per_minute],
        "lake_lag_at_end": lag_at_end,
        "outbox_backlog_at_end": backlog,
        "drain_seconds": drain_seconds,
        "peak_rss_mib": {name: round(kib / 1024) for name, kib in watch.peak.items()},
        "broker_rss_mib_per_million": round(broker_rss_kib / 1024 / max(acknowledged, 1) * 1_000_000),
        "freshness": fresh,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the data folder (and every part's log) afterwards")
    args = parser.parse_args()
    logs.configure("WARNING")
    kept = tempfile.mkdtemp(prefix="leerstroom-soak-") if args.keep else None
    if kept:
        print(f"data folder (kept): {kept}", file=sys.stderr)
    with contextlib.nullcontext(kept) if kept else tempfile.TemporaryDirectory(prefix="leerstroom-soak-") as folder:
        settings = Settings(data_dir=Path(folder), lrs_port=free_port(), sink_batch_seconds=2.0)
        broker = EmbeddedBroker(settings).start()
        key = credentials.add(settings, "soak")
        health = f"http://{settings.lrs_host}:{settings.lrs_port}/health"
        parts = {
            "lrs": Part(settings, "lrs", ["lrs", "--no-relay"], ready=lambda: http_ok(health)),
            "relay": Part(settings, "relay", ["relay"]),
            "sink": Part(settings, "sink", ["sink"]),
            "transform": Part(settings, "transform", ["transform", "--every", "10"]),
        }
        for part in parts.values():
            part.start()
        try:
            report = soak(settings, key, parts, broker, args)
        finally:
            for part in parts.values():
                part.stop()
            broker.stop()
            broker.forget()
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
