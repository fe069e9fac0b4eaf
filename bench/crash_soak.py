"""Long crash soak: many rounds of SIGKILL over LRS, relay, sink, transform and broker while a tool posts.

Run: .venv/bin/python bench/crash_soak.py [--rounds 200] [--seed N]
The CI-sized version is tests/reliability/test_crash_rounds.py (20 rounds). Prints the
kills per part, statements acknowledged, found in the lake, lost and doubled.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from leerstroom import logs
from leerstroom.net import free_port
from leerstroom.settings import Settings
from tests.reliability.chaos import Chaos


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    logs.configure("WARNING")
    logging.getLogger("tests.reliability.chaos").setLevel(logging.INFO)
    seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    with tempfile.TemporaryDirectory(prefix="leerstroom-soak-") as folder:
        settings = Settings(data_dir=Path(folder), lrs_port=free_port(), sink_batch_seconds=0.5, kafka_timeout_ms=2000)
        chaos = Chaos(settings, seed)
        started = time.monotonic()
        try:
            chaos.start()
            kills = chaos.rounds(args.rounds)
            outcome = chaos.settle(timeout=300)
        finally:
            chaos.stop()
        outcome.kills = kills
        outcome.seconds = round(time.monotonic() - started, 1)
    report = {**outcome.__dict__, "kills": dict(kills), "refusals": dict(outcome.refusals)}
    print(json.dumps(report, indent=2))
    return 0 if outcome.lost == outcome.doubled == outcome.unexpected == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
