"""The HR roster of the demo organisation, as a typical HRIS export (CSV) with HR attributes."""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from ingest.generator.organisation import Employee
from ingest.generator.writer import LMS
from ingest.roster.mapping import FIELDS

# The columns `leerstroom roster import` maps by default, then the HR attributes it keeps as attributes.
COLUMNS = [*FIELDS, "satisfaction", "overtime_hours", "last_promotion_date", "leaderboard_opt_in"]


def write_roster(people: list[Employee], path: Path) -> Path:
    """One row per employee in the format `leerstroom roster import` reads without a mapping (docs/roster.md).

    `identities` lists every xAPI identity, separated by `|`; the last four columns become attributes.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(COLUMNS)
        for p in people:
            out.writerow(
                [
                    p.employee_id,
                    p.name,
                    f"{p.mbox}|account:{LMS}::{p.lms_account}",
                    p.department,
                    p.team,
                    p.manager_id or "",
                    p.job_role,
                    p.location,
                    p.hire_date.isoformat(),
                    p.termination_date.isoformat() if p.termination_date else "",
                    "" if p.exit_voluntary is None else str(p.exit_voluntary).lower(),
                    p.satisfaction,
                    p.overtime_hours,
                    p.last_promotion_date.isoformat() if p.last_promotion_date else "",
                    str(p.leaderboard_opt_in).lower(),
                ]
            )
    return path


def known_on(people: list[Employee], day: date) -> list[Employee]:
    """The roster an HRIS export of `day` holds: people hired by then; exits and promotions only up to then."""
    known = []
    for person in people:
        if person.hire_date > day:
            continue
        left = person.termination_date is not None and person.termination_date <= day
        promoted = person.last_promotion_date is not None and person.last_promotion_date <= day
        known.append(
            dataclasses.replace(
                person,
                termination_date=person.termination_date if left else None,
                exit_voluntary=person.exit_voluntary if left else None,
                last_promotion_date=person.last_promotion_date if promoted else None,
            )
        )
    # A manager hired later is not in this export either, and an export names no manager it does not list.
    listed = {person.employee_id for person in known}
    return [
        person
        if person.manager_id in listed or person.manager_id is None
        else dataclasses.replace(person, manager_id=None)
        for person in known
    ]


def monthly_exports(people: list[Employee], first: date, end: date, folder: Path) -> Iterator[tuple[datetime, Path]]:
    """The HRIS's history as an organisation keeps it: an export at 06:00 UTC on the first of every month from
    `first` to `end`, each holding only what HR knew that day, written to `folder`; yields (exported at, file)."""
    day = date(first.year, first.month, 1)
    while day <= end:
        yield (
            datetime(day.year, day.month, day.day, 6, tzinfo=timezone.utc),
            write_roster(known_on(people, day), folder / f"roster-{day}.csv"),
        )
        day = (day + timedelta(days=32)).replace(day=1)
