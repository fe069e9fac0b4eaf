"""A generated organisation in a real lake for the dashboard tests: roster import, raw statements, the real transform.

The contract marts (/work/shared marts contract, issue 4) that the real transform does
not build yet get contract-shaped stand-ins computed in SQL from the same raw rows and
roster, published into lake.marts and certified as a second snapshot. They stand in
for dbt models still being written (not for anything that could run here); once a mart
exists in transform/models, the real one is used and its stand-in is never built.
"""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from ingest.generator.organisation import Employee, build_organisation
from ingest.generator.roster import write_roster
from ingest.generator.statements import generate_statements
from ingest.roster import import_roster
from leerstroom import lake
from leerstroom.settings import Settings
from tests.dashboards.stand_in_marts import STAND_INS
from tests.transform.lake_rows import append_raw
from transform.runner import TransformResult, run_transform

END = date(2026, 11, 16)  # a Monday, so the last ISO week is whole


@dataclass
class OrgLake:
    settings: Settings
    people: list[Employee]
    statements: int
    transform: TransformResult
    first_certified: int
    certified: int
    stand_ins: list[str] = field(default_factory=list)


def _roster(people: list[Employee], folder: Path) -> Path:
    """The generator's HRIS export (leaderboard_opt_in among its attributes).

    Over long windows the generator can date a leaver's exit before their hire, which the
    roster import rightly refuses; such a person is kept as still employed.
    """
    path = write_roster(people, folder / "roster.csv")
    rows = list(csv.DictReader(path.open()))
    with path.open("w", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=list(rows[0].keys()))
        out.writeheader()
        for row in rows:
            if row["termination_date"] and row["termination_date"] < row["hire_date"]:
                row.update(termination_date="", exit_voluntary="")
            out.writerow(row)
    return path


def _stored(statements: list[dict]) -> list[dict]:
    """As the LRS stores them: `stored` a few seconds after the tool's timestamp."""
    for statement in statements:
        when = datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00"))
        statement["stored"] = (when + timedelta(seconds=3)).isoformat()
    return statements


def build_org_lake(folder: Path, *, employees: int = 60, months: int = 4, seed: int = 7) -> OrgLake:
    """Two real transforms (a month before END, and at END) so "as of" has an earlier certified snapshot.

    With these defaults two departments (People, Finance) have fewer than 5 people, so suppression shows.
    """
    settings = Settings(data_dir=folder)
    folder.mkdir(parents=True, exist_ok=True)
    people = build_organisation(employees, months, seed, END)
    import_roster(settings, _roster(people, folder))
    statements = _stored(list(generate_statements(people, months, seed, END)))
    cut = datetime(END.year, END.month, END.day, tzinfo=timezone.utc) - timedelta(days=30)
    early = [s for s in statements if datetime.fromisoformat(s["stored"]) < cut]
    late = [s for s in statements if datetime.fromisoformat(s["stored"]) >= cut]
    append_raw(settings, early)
    first = run_transform(settings)
    assert first.status == "certified", first.details
    append_raw(settings, late, first_offset=len(early))
    result = run_transform(settings)
    assert result.status == "certified", result.details
    built = OrgLake(
        settings, people, len(statements), result, first.certified_snapshot_id, result.certified_snapshot_id
    )
    _publish_stand_ins(built)
    return built


def _publish_stand_ins(built: OrgLake) -> None:
    con = lake.connect(built.settings)
    try:
        present = {
            name
            for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'lake' AND schema_name = 'marts'"
            ).fetchall()
        }
        missing = [(name, sql) for name, sql in STAND_INS if name not in present]
        if not missing:
            return

        def publish(c) -> None:
            for name, sql in missing:
                c.execute(f"CREATE TABLE lake.marts.{name} AS {sql}")

        lake.write_transaction(con, publish, settings=built.settings)
        snapshot = lake.current_snapshot(con)
        now = datetime.now(timezone.utc)

        def certify(c) -> None:
            c.execute(
                "INSERT INTO lake.meta.transform_runs VALUES (?, ?, ?, ?, 'certified', ?, ?)",
                [
                    f"stand-in-{uuid.uuid4()}",
                    now,
                    now,
                    built.transform.raw_snapshot_id,
                    snapshot,
                    '{"stand_in_marts": true}',
                ],
            )

        lake.write_transaction(con, certify, settings=built.settings)
        built.certified = snapshot
        built.stand_ins = [name for name, _ in missing]
    finally:
        con.close()
