"""The HR roster of the demo organisation, as a typical HRIS export (CSV) with HR attributes."""

from __future__ import annotations

import csv
from pathlib import Path

from ingest.generator.organisation import Employee
from ingest.generator.writer import LMS

COLUMNS = ["employee_id", "display_name", "identities", "department", "team", "manager_id", "job_role", "location",
           "hire_date", "termination_date", "exit_voluntary", "satisfaction", "overtime_hours",
           "last_promotion_date", "leaderboard_opt_in"]


def write_roster(people: list[Employee], path: Path) -> Path:
    """One row per employee in the format `leerstroom roster import` reads without a mapping (docs/roster.md).

    `identities` lists every xAPI identity, separated by `|`; the last four columns become attributes.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(COLUMNS)
        for p in people:
            out.writerow([
                p.employee_id, p.name, f"{p.mbox}|account:{LMS}::{p.lms_account}", p.department, p.team,
                p.manager_id or "", p.job_role, p.location, p.hire_date.isoformat(),
                p.termination_date.isoformat() if p.termination_date else "",
                "" if p.exit_voluntary is None else str(p.exit_voluntary).lower(), p.satisfaction, p.overtime_hours,
                p.last_promotion_date.isoformat() if p.last_promotion_date else "", str(p.leaderboard_opt_in).lower(),
            ])
    return path
