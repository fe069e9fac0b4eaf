"""What keeping refused statements and screening for the quarantine cost: the dead-letter write, the screening time.

Run: .venv/bin/python bench/dead_letters.py [--refusals 2000] [--statements 100000]
Prints, side by side:
- the LRS store's write per refused request: a note only (what was kept before dead letters),
  a note with a 1.2 kB statement body, an oversize body of 300 kB (digest and first bytes), and a
  note while the tool is at its LEERSTROOM_LRS_REJECTED_PER_TOOL cap (the oldest is pruned);
- the quarantine's screening on a lake of N statements (0.1 % dated years ahead): the first
  screening of the whole table, and the next run's screening of 1 % new statements, with the
  rate per statement and the ratio of the two.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.lrs import rejected
from ingest.lrs.store import LrsStore
from leerstroom import lake, logs
from leerstroom.settings import Settings
from tests.transform.lake_rows import raw_rows
from transform.quality.quarantine import screen_new_statements

BODY = json.dumps(
    {
        "actor": {"mbox": "mailto:learner@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": "https://courses.example.org/q/1", "definition": {"description": {"en-US": "x" * 900}}},
        "result": {"score": {"raw": 0, "min": 0, "max": 0}},
    }
).encode()


def per_refusal(store: LrsStore, settings: Settings, count: int, tool: str, body: bytes | None) -> float:
    began = time.perf_counter()
    for number in range(count):
        rejected.record(
            store,
            settings,
            rejected.Refusal(
                tool,
                "POST /xapi/statements",
                400,
                f"result.score.min: must be less than max ({number})",
                "result.score.min",
                "must be less than max",
                "1.0.3",
                "application/json",
                body,
            ),
        )
    return (time.perf_counter() - began) / count * 1e6


def refusals(folder: Path, count: int) -> dict:
    settings = Settings(data_dir=folder, lrs_rejected_per_tool=max(100, count // 2))
    store = LrsStore(settings)
    try:
        found = {
            "note only (before dead letters), µs": per_refusal(store, settings, count, "a", None),
            "note + 1.2 kB body kept, µs": per_refusal(store, settings, count, "b", BODY),
            "note + 300 kB body (digest and first 4 KiB), µs": per_refusal(
                store, settings, count // 4, "c", BODY * 250
            ),
            "note at the per-tool cap (oldest pruned), µs": per_refusal(store, settings, count, "b", BODY),
        }
    finally:
        store.close()
    base = found["note only (before dead letters), µs"]
    return {name: f"{value:,.0f} ({value / base:.2f}x)" for name, value in found.items()}


def statements(count: int, start: int) -> list[dict]:
    now = datetime.now(timezone.utc)
    ahead = now + timedelta(days=5 * 365)
    return [
        {
            "id": str(uuid.UUID(int=start + n)),
            "actor": {"mbox": f"mailto:p{n % 500}@example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"id": f"https://example.org/item/{n % 80}"},
            "stored": now.isoformat(),
            "timestamp": (ahead if n % 1000 == 0 else now - timedelta(minutes=n % 9000)).isoformat(),
            "result": {"score": {"raw": n % 10, "min": 0, "max": 10}, "duration": "PT1M5S"},
        }
        for n in range(count)
    ]


def screening(folder: Path, count: int) -> dict:
    settings = Settings(data_dir=folder)
    for start in range(0, count, 50_000):
        lake.append(
            settings, raw_rows(statements(min(50_000, count - start), start), first_offset=start), "lake.raw.statements"
        )
    con = lake.connect(settings)
    try:
        began = time.perf_counter()
        whole = screen_new_statements(con, settings, "bench-1", datetime.now(timezone.utc))
        whole_seconds = time.perf_counter() - began
        new = max(1, count // 100)
        lake.append(settings, raw_rows(statements(new, count), first_offset=count), "lake.raw.statements")
        began = time.perf_counter()
        delta = screen_new_statements(con, settings, "bench-2", datetime.now(timezone.utc))
        delta_seconds = time.perf_counter() - began
    finally:
        con.close()
    return {
        "first screening (whole table)": f"{whole.statements_screened:,} statements, "
        f"{whole.statements_quarantined:,} set aside, {whole_seconds:.2f} s "
        f"({whole_seconds / count * 1e6:.1f} µs each)",
        "next run (1 % new)": f"{delta.statements_screened:,} statements, {delta.statements_quarantined:,} set aside, "
        f"{delta_seconds:.2f} s ({delta_seconds / new * 1e6:.1f} µs each)",
        "next run / first screening": f"{delta_seconds / whole_seconds:.2f}x the time for 1 % of the rows",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refusals", type=int, default=2000)
    parser.add_argument("--statements", type=int, default=100_000)
    args = parser.parse_args()
    logs.configure("WARNING")
    with tempfile.TemporaryDirectory(prefix="leerstroom-dead-letters-") as folder:
        report = {
            "refused request, LRS store write": refusals(Path(folder) / "refusals", args.refusals),
            "quarantine screening": screening(Path(folder) / "lake", args.statements),
        }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
