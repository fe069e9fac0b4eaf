"""Fills an LRS store with N generated statements through LrsStore.save, for query-latency benchmarks (not a test)."""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from pathlib import Path

from ingest.lrs.store import LrsStore

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://127.0.0.1/xapi/", "name": "bench"}}
VERBS = [
    f"http://adlnet.gov/expapi/verbs/{name}"
    for name in (
        "experienced",
        "attempted",
        "completed",
        "passed",
        "failed",
        "answered",
        "progressed",
        "launched",
        "initialized",
        "terminated",
        "commented",
        "shared",
    )
]
LEARNERS = 20_000
ACTIVITIES = 5_000


def generated(rng: random.Random, count: int) -> list[dict]:
    return [
        {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "actor": {
                "objectType": "Agent",
                "account": {"homePage": "http://lms.example.org", "name": f"learner-{rng.randrange(LEARNERS)}"},
            },
            "verb": {"id": rng.choice(VERBS), "display": {"en-US": "did"}},
            "object": {
                "id": f"http://example.org/activities/{rng.randrange(ACTIVITIES)}",
                "definition": {"name": {"en-US": "Module"}},
            },
            "result": {"completion": True, "duration": "PT4M"},
            "context": {
                "registration": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "contextActivities": {"parent": [{"id": f"http://example.org/courses/{rng.randrange(200)}"}]},
            },
            "timestamp": "2024-05-01T09:30:00.000Z",
        }
        for _ in range(count)
    ]


def fill(path: Path, total: int, batch: int = 1000, seed: int = 7) -> float:
    """Add statements until the store holds `total`; return statements stored per second."""
    store = LrsStore(path)
    rng = random.Random(seed)
    have = store.counts()["statements"]
    started = time.perf_counter()
    added = 0
    while have + added < total:
        count = min(batch, total - have - added)
        store.save(generated(rng, count), AUTHORITY, credential="bench")
        added += count
        if added % 100_000 < batch:
            print(f"  {have + added:,} statements", file=sys.stderr)
    elapsed = time.perf_counter() - started
    # The bench measures the LRS, not the outbox relay: an unrelayed outbox would only grow the file.
    with store.transaction() as db:
        db.execute("DELETE FROM outbox")
    store.close()
    return added / elapsed if added else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("store", type=Path)
    parser.add_argument("--statements", type=int, default=1_000_000)
    args = parser.parse_args()
    rate = fill(args.store, args.statements)
    print(f"filled {args.store} to {args.statements:,} statements at {rate:,.0f}/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
