"""Store a validated roster in the lake as a new import: one transaction, Arrow tables, history kept."""

from __future__ import annotations

import dataclasses
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from ingest.privacy.forgotten import ForgetList
from ingest.privacy.pseudonyms import roster_actor_key
from ingest.roster.mapping import Mapping
from ingest.roster.validation import RosterRow, read_roster
from leerstroom import lake
from leerstroom.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportSummary:
    import_id: str
    imported_at: datetime
    employees: int
    identities: int
    source_file: str
    left_out_erased: int = 0  # employees left out: erased at their request (`leerstroom forget`)


def _roster_table(import_id: str, rows: list[RosterRow]) -> pa.Table:
    return pa.table(
        {
            "import_id": pa.array([import_id] * len(rows), pa.string()),
            "employee_id": [r.employee_id for r in rows],
            "display_name": pa.array([r.display_name for r in rows], pa.string()),
            "department": pa.array([r.department for r in rows], pa.string()),
            "team": pa.array([r.team for r in rows], pa.string()),
            "manager_id": pa.array([r.manager_id for r in rows], pa.string()),
            "job_role": pa.array([r.job_role for r in rows], pa.string()),
            "location": pa.array([r.location for r in rows], pa.string()),
            "hire_date": pa.array([r.hire_date for r in rows], pa.date32()),
            "termination_date": pa.array([r.termination_date for r in rows], pa.date32()),
            "exit_voluntary": pa.array([r.exit_voluntary for r in rows], pa.bool_()),
            "attributes": pa.array([json.dumps(r.attributes, sort_keys=True) for r in rows], pa.string()),
        }
    )


def _identity_table(import_id: str, rows: list[RosterRow], settings: Settings) -> pa.Table:
    # With pseudonymisation on, the lake holds only keyed pseudonyms; the roster must join them.
    pairs = [(r.employee_id, roster_actor_key(key, settings)) for r in rows for key in dict.fromkeys(r.actor_keys)]
    return pa.table(
        {
            "import_id": pa.array([import_id] * len(pairs), pa.string()),
            "employee_id": pa.array([p[0] for p in pairs], pa.string()),
            "actor_key": pa.array([p[1] for p in pairs], pa.string()),
        }
    )


def store_roster(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    rows: list[RosterRow],
    source_file: str,
    imported_at: datetime | None = None,
) -> ImportSummary:
    """Append one import (its header row, employees and identities) in a single lake transaction."""
    import_id = str(uuid.uuid4())
    imported_at = imported_at or datetime.now(timezone.utc)
    roster, identities = _roster_table(import_id, rows), _identity_table(import_id, rows, settings)

    def work(c: duckdb.DuckDBPyConnection) -> None:
        c.register("new_roster", roster)
        c.register("new_identities", identities)
        try:
            c.execute(
                "INSERT INTO lake.raw.roster_imports VALUES (?, ?, ?, ?)",
                [import_id, imported_at, source_file, len(rows)],
            )
            c.execute(
                "INSERT INTO lake.raw.roster SELECT import_id, employee_id, display_name, department, team, "
                "manager_id, job_role, location, hire_date, termination_date, exit_voluntary, "
                "attributes::JSON FROM new_roster"
            )
            c.execute("INSERT INTO lake.raw.roster_identities SELECT * FROM new_identities")
        finally:
            c.unregister("new_roster")
            c.unregister("new_identities")

    lake.write_transaction(con, work, settings=settings)
    log.info(
        "roster import %s: %d employees, %d identities from %s", import_id, len(rows), identities.num_rows, source_file
    )
    return ImportSummary(import_id, imported_at, len(rows), identities.num_rows, source_file)


def import_roster(
    settings: Settings, path: Path, mapping: Mapping | None = None, imported_at: datetime | None = None
) -> ImportSummary:
    """Validate `path` (refusing the whole file on any problem) and store it as a new roster version.

    `imported_at` dates an export HR made earlier (default: now); the retention features read each
    snapshot's HR attributes from the version in force then.
    """
    rows = read_roster(path, mapping or Mapping())
    # Someone erased at their request stays erased: HR's next export still lists them, the lake takes nothing of it.
    forgotten = ForgetList(settings)
    kept = [row for row in rows if not any(forgotten.about({}, key) for key in row.actor_keys)]
    if len(kept) < len(rows):
        log.warning("roster import leaves out %d employees erased at their request", len(rows) - len(kept))
    con = lake.connect(settings)
    try:
        summary = store_roster(con, settings, kept, str(Path(path).resolve()), imported_at)
    finally:
        con.close()
    return dataclasses.replace(summary, left_out_erased=len(rows) - len(kept))
