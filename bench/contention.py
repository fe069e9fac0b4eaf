"""Contention soak: sink, repeated transforms and dashboard-style reads on one lake for N minutes.

Run: .venv/bin/python bench/contention.py [--minutes 10] [--rate 1000]
Prints: statements acknowledged, lost, doubled; reads and reader errors; transforms
started and certified; lake-busy retries and writes that failed for good. The CI-sized
version is tests/reliability/test_contention.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from leerstroom import logs
from leerstroom.net import free_port
from leerstroom.settings import Settings
from tests.reliability.contention import run_contention


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=int, default=1000, help="statements per second into the outbox")
    args = parser.parse_args()
    logs.configure("WARNING")
    with tempfile.TemporaryDirectory(prefix="leerstroom-contention-") as folder:
        settings = Settings(data_dir=Path(folder), lrs_port=free_port(), sink_batch_seconds=1.0)
        outcome = run_contention(settings, args.minutes * 60, rate_per_second=args.rate)
    report = {
        **outcome.__dict__,
        "reader_errors": dict(outcome.reader_errors),
        "failed_writes": outcome.failed_writes[:10],
    }
    print(json.dumps(report, indent=2))
    clean = not (outcome.lost or outcome.doubled or outcome.reader_errors or outcome.failed_writes)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
