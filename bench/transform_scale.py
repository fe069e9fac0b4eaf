"""Benchmark (not a test): a from-scratch transform on a large lake, then an incremental one after 100,000 more.

    python -m bench.transform_scale [--statements 10000000] [--incremental 100000] [--data-dir DIR]
                                    [--arrivals recent|spread] [--reuse] [--new-month]

Filling the lake BYPASSES the LRS, Kafka and the sink: raw rows are written in bulk as Arrow
tables through leerstroom.lake.write_transaction, in chunks, because pushing ten million statements
through the embedded broker would measure the ingest path (see bench/pipeline_throughput.py), not
the transform. The rows are copies of the demo organisation's year (1,000 people, 12 months): each
copy gets its own people (e-mail domain and LMS home page) and its own statement ids, and the
roster holds every copy's people, so the marts grow with the data as they would in a larger
organisation. Peak memory is the largest resident set of this process and of its children (dbt).
"""

from __future__ import annotations

import argparse
import csv
import logging
import resource
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from ingest.generator import build_organisation, generate_statements
from ingest.generator.organisation import DOMAIN
from ingest.generator.roster import write_roster
from ingest.roster import import_roster
from ingest.sink_batch import STATEMENT_SCHEMA
from ingest.xapi.columns import statement_columns
from leerstroom import lake
from leerstroom.settings import Settings
from transform.runner import run_transform

log = logging.getLogger(__name__)

RAW_COLUMNS = STATEMENT_SCHEMA.names  # lake.raw.statements' columns, as the sink writes them
UUID_HEAD = r'"[0-9a-f]{8}-([0-9a-f]{4}-4)'


def template(seed: int) -> tuple[pa.Table, list]:
    """The demo organisation's year as raw rows (stored a few seconds after each timestamp), and its people."""
    end = datetime.now(timezone.utc).date()
    people = build_organisation(1000, 12, seed, end)
    rows = []
    for offset, statement in enumerate(generate_statements(people, 12, seed, end)):
        stamp = datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00"))
        statement["stored"] = (stamp + timedelta(seconds=3)).isoformat()
        row = statement_columns(statement)
        row.update(
            loaded_at=stamp + timedelta(seconds=5),
            topic_id="bench",
            kafka_partition=offset % 4,
            kafka_offset=offset,
            payload=orjson.dumps(statement).decode(),
        )
        rows.append(row)
    return pa.Table.from_pylist(rows).select(RAW_COLUMNS), people


def copy_of(rows: pa.Table, number: int, offset: int, ids_of: int | None = None) -> pa.Table:
    """Copy `number`: other people (domain and LMS renamed) and other statement ids (first 8 hex digits, from
    `ids_of` when given: the same people with new statements)."""
    prefix = f"{number if ids_of is None else ids_of:08x}"
    domain = f"c{number}.{DOMAIN}"
    actor = pc.replace_substring(rows["actor_key"], DOMAIN, domain)
    payload = pc.replace_substring(rows["payload"], DOMAIN, domain)
    payload = pc.replace_substring_regex(payload, UUID_HEAD, f'"{prefix}-\\1')
    ids = pc.utf8_replace_slice(rows["statement_id"], 0, 8, prefix)
    offsets = pa.array(range(offset, offset + rows.num_rows), pa.int64())
    return (
        rows.set_column(0, "statement_id", ids)
        .set_column(1, "actor_key", actor)
        .set_column(RAW_COLUMNS.index("kafka_offset"), "kafka_offset", offsets)
        .set_column(RAW_COLUMNS.index("payload"), "payload", payload)
    )


def append(settings: Settings, table: pa.Table) -> None:
    lake.append(settings, table.select(RAW_COLUMNS), "lake.raw.statements")


def roster_of_copies(people: list, copies: int, folder: Path) -> Path:
    base = write_roster(people, folder / "template-roster.csv")
    with base.open() as fh:
        rows = list(csv.DictReader(fh))
    path = folder / "roster.csv"
    with path.open("w", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=list(rows[0]))
        out.writeheader()
        for number in range(copies):
            for row in rows:
                out.writerow(
                    {
                        **row,
                        "employee_id": f"C{number}-{row['employee_id']}",
                        "manager_id": f"C{number}-{row['manager_id']}" if row["manager_id"] else "",
                        "identities": row["identities"].replace(DOMAIN, f"c{number}.{DOMAIN}"),
                    }
                )
    return path


def peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def timed_transform(settings: Settings, label: str, full_refresh: bool) -> float:
    began = time.monotonic()
    result = run_transform(settings, full_refresh, progress=lambda line: log.debug("%s", line))
    seconds = time.monotonic() - began
    own, children = peak_mb()
    print(
        f"{label}: {result.status} in {seconds:.1f} s (dbt build {result.durations.get('build', 0):.1f} s, "
        f"risk {result.durations.get('risk', 0):.1f} s, quality {result.durations.get('quality', 0):.1f} s, "
        f"publish {result.durations.get('publish', 0):.1f} s); peak RSS so far: this process {own:.0f} MB, "
        f"largest child {children:.0f} MB"
    )
    if not result.certified:
        print("  reasons: " + "; ".join(result.details.get("reasons", []))[:2000])
    return seconds


def arrivals(rows: pa.Table, copies: int, offset: int, count: int, kind: str) -> pa.Table:
    """`count` new statements, stored and loaded now.

    recent: a day of learning by people already in the lake (copy 0's people, new ids), timestamps spread over the
    last 24 hours: what an incremental run meets every day. spread: a new team's whole year arriving at once
    (copy `copies`'s people, timestamps across the year), the worst case: every week and month changes.
    (Only the timestamp column moves for 'recent'; the models read it, not the payload's copy.)"""
    now = datetime.now(timezone.utc)
    stamp = pa.timestamp("us", tz="UTC")
    fresh_ids = int(now.timestamp()) & 0x7FFFFFFF  # a new id prefix each run, so --reuse never repeats an id
    if kind == "recent":
        batch = copy_of(rows, 0, offset, ids_of=fresh_ids).slice(0, count)
        seconds = [timedelta(seconds=(n * 86_399) // max(count - 1, 1)) for n in range(batch.num_rows)]
        batch = batch.set_column(
            RAW_COLUMNS.index("statement_timestamp"),
            "statement_timestamp",
            pa.array([now - delta for delta in seconds], stamp),
        )
    else:
        batch = copy_of(rows, copies, offset, ids_of=fresh_ids).slice(0, count)
    for column in ("stored_at", "loaded_at"):
        batch = batch.set_column(RAW_COLUMNS.index(column), column, pa.array([now] * batch.num_rows, stamp))
    return batch


def forget_newest_period(settings: Settings) -> None:
    """Make the next build do what the first run after a month ends (on a Monday) does. Person-weeks and engagement
    weeks rebuild every person in a new week: without a record of their last build they cannot tell what is new.
    LCI person-periods and retention snapshots add every person's rows for the new month (and quarter): they are
    made to forget that their newest month and quarter were ever built."""
    with duckdb.connect(str(settings.warehouse_db)) as con:
        for model in ("intermediate.int_person_weeks", "marts.mart_engagement_weekly"):
            con.execute(f"DROP TABLE {model}__built")
        con.execute("""DELETE FROM intermediate.int_lci_person_periods__grid AS grid
                       WHERE period_start = (SELECT max(period_start) FROM intermediate.int_lci_person_periods__grid
                                             WHERE period_kind = grid.period_kind)""")
        con.execute("""DELETE FROM marts.mart_retention_features__grid
                       WHERE snapshot_date = (SELECT max(snapshot_date) FROM marts.mart_retention_features__grid)""")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=10_000_000)
    parser.add_argument("--incremental", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data-dir", default=None, help="default: a new temporary folder")
    parser.add_argument(
        "--arrivals",
        choices=["recent", "spread"],
        default="recent",
        help="what the new statements are: a day of the organisation's learning (default), or a "
        "new team's whole year arriving late (every period changes)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="--data-dir already holds a lake this script filled and transformed: only append the "
        "new statements and run the incremental transform",
    )
    parser.add_argument(
        "--new-month",
        action="store_true",
        help="the incremental run is the first of a new month and week: the models spanning weeks and "
        "months rebuild every person",
    )
    args = parser.parse_args()
    folder = Path(args.data_dir or tempfile.mkdtemp(prefix="leerstroom-bench-"))
    settings = Settings(data_dir=folder)

    began = time.monotonic()
    rows, people = template(args.seed)
    copies = max(1, -(-args.statements // rows.num_rows))
    full = None
    if args.reuse:
        con = lake.connect(settings, read_only=True)
        try:
            (written,) = con.execute("SELECT max(kafka_offset) + 1 FROM lake.raw.statements").fetchone()
        finally:
            con.close()
        print(f"reusing {folder}: {written:,} statements")
    else:
        print(
            f"template: {rows.num_rows} statements of 1,000 people in {time.monotonic() - began:.1f} s; "
            f"{copies} copies fill {args.statements} statements into {folder}"
        )
        began, written = time.monotonic(), 0
        for number in range(copies):
            chunk = copy_of(rows, number, written).slice(0, args.statements - written)
            append(settings, chunk)
            written += chunk.num_rows
        import_roster(settings, roster_of_copies(people, copies, folder))
        print(
            f"filled {written} statements ({written / (time.monotonic() - began):,.0f} rows/s) and a roster of "
            f"{copies * len(people)} people"
        )
        full = timed_transform(settings, f"from scratch on {written:,} statements", full_refresh=True)

    late = arrivals(rows, copies, written, args.incremental, args.arrivals)
    append(settings, late)
    if args.new_month:
        forget_newest_period(settings)
    label = (
        f"incremental after {late.num_rows:,} new statements ({args.arrivals}{', new month' if args.new_month else ''})"
    )
    incremental = timed_transform(settings, label, full_refresh=False)
    if full:
        print(f"incremental / from scratch: {incremental / full:.2f}")


if __name__ == "__main__":
    main()
