"""The retention backtest on the generated demo organisation, through the real `leerstroom transform`.

Run: .venv/bin/python -m bench.retention_backtest [--employees 1000] [--months 24] [--seed 7] [--data-dir DIR]

Generates the demo organisation (ingest/generator), writes its statements straight into a fresh lake
(stored seconds after their timestamps, as a live LRS would; bulk Arrow writes instead of the LRS and
Kafka), imports a roster version at the start of every month with only what HR knew then (people hired
by then, exits and promotions up to then), runs the transform and prints what its retention step
printed. With the demo's default of 12 months the step says the history is too short; from about 16
months it validates. These figures only show that the model recovers the generator's signal.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.generator import build_organisation, generate_statements
from ingest.generator.roster import monthly_exports, write_roster
from ingest.roster.importer import store_roster
from ingest.roster.mapping import Mapping
from ingest.roster.validation import read_roster
from leerstroom import lake, logs
from leerstroom.settings import Settings
from tests.transform.lake_rows import append_raw
from transform.runner import run_transform

END = date(2026, 11, 16)


def import_versions(settings: Settings, people: list, first: date, folder: Path) -> int:
    con = lake.connect(settings)
    try:
        versions = 0
        for exported_at, path in monthly_exports(people, first, END, folder):
            store_roster(con, settings, read_roster(path, Mapping()), str(path), imported_at=exported_at)
            versions += 1
        final = write_roster(people, folder / "roster-final.csv")
        store_roster(
            con,
            settings,
            read_roster(final, Mapping()),
            str(final),
            imported_at=datetime(END.year, END.month, END.day, 18, tzinfo=timezone.utc),
        )
        return versions + 1
    finally:
        con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data-dir", type=Path, help="a fresh folder for the lake (default: a temporary one)")
    args = parser.parse_args()
    logs.configure("WARNING")
    with tempfile.TemporaryDirectory(prefix="leerstroom-retention-") as scratch:
        folder = args.data_dir or Path(scratch) / "data"
        settings = Settings(data_dir=folder)
        folder.mkdir(parents=True, exist_ok=True)
        began = time.monotonic()
        people = build_organisation(args.employees, args.months, args.seed, END)
        statements = list(generate_statements(people, args.months, args.seed, END))
        for statement in statements:
            when = datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00"))
            statement["stored"] = (when + timedelta(seconds=3)).isoformat()
        first = min(datetime.fromisoformat(s["timestamp"].replace("Z", "+00:00")) for s in statements).date()
        versions = import_versions(settings, people, first, folder)
        append_raw(settings, statements)
        print(
            f"{len(people)} people, {len(statements):,} statements over {args.months} months, "
            f"{versions} roster versions; generated in {time.monotonic() - began:.0f} s"
        )
        result = run_transform(settings, progress=lambda line: print(line) if "retention model" in line else None)
        print(
            f"transform {result.status} in {result.durations.get('total', 0):.0f} s "
            f"(retention step {result.durations.get('risk', 0):.1f} s)"
        )
    return 0 if result.certified else 1


if __name__ == "__main__":
    sys.exit(main())
