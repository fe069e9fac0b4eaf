"""Read an HRIS export through a mapping and check every row; collect all problems rather than stop at the first."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ingest.roster.exceptions import RosterError, RosterInvalid, RowProblem
from ingest.roster.identities import identity_actor_key
from ingest.roster.mapping import FIELDS, REQUIRED, Mapping

TEXT_FIELDS = ("display_name", "department", "team", "job_role", "location")


@dataclass
class RosterRow:
    line: int
    employee_id: str
    display_name: str | None = None
    department: str | None = None
    team: str | None = None
    manager_id: str | None = None
    job_role: str | None = None
    location: str | None = None
    hire_date: date | None = None
    termination_date: date | None = None
    exit_voluntary: bool | None = None
    attributes: dict = field(default_factory=dict)
    actor_keys: list[str] = field(default_factory=list)


class _RowReader:
    """Reads one row's fields, noting each broken rule against the row's line and the export's column."""

    def __init__(self, mapping: Mapping, header: list[str], problems: list[RowProblem]) -> None:
        self.mapping = mapping
        self.columns = {name: mapping.headers_for(name, header) for name in FIELDS}
        self.attribute_columns = mapping.attribute_columns(header)
        self.problems = problems

    def text(self, record: dict, name: str) -> str | None:
        cols = self.columns[name]
        value = (record.get(cols[0]) or "").strip() if cols else ""
        return value or None

    def date(self, record: dict, name: str, line: int) -> date | None:
        value = self.text(record, name)
        if value is None:
            return None
        try:
            return datetime.strptime(value, self.mapping.date_format).date()
        except ValueError:
            self.problems.append(
                RowProblem(
                    line, self.columns[name][0], f"bad date {value!r}: expected the format {self.mapping.date_format}"
                )
            )
            return None

    def flag(self, record: dict, name: str, line: int) -> bool | None:
        value = self.text(record, name)
        if value is None:
            return None
        lowered = value.lower()
        if lowered in self.mapping.true_values:
            return True
        if lowered in self.mapping.false_values:
            return False
        self.problems.append(
            RowProblem(
                line,
                self.columns[name][0],
                f"{value!r} is neither a yes "
                f"({sorted(self.mapping.true_values)}) nor a no ({sorted(self.mapping.false_values)})",
            )
        )
        return None

    def identities(self, record: dict, line: int) -> list[str]:
        keys: list[str] = []
        for col in self.columns["identities"]:
            template = self.mapping.identity_templates.get(col, "{value}")
            for part in (record.get(col) or "").split(self.mapping.identity_separator):
                if not part.strip():
                    continue
                try:
                    keys.append(identity_actor_key(template.format(value=part.strip())))
                except ValueError as err:
                    self.problems.append(RowProblem(line, col, str(err)))
        return keys

    def attributes(self, record: dict) -> dict:
        out: dict = {}
        for name, col in self.attribute_columns.items():
            value = (record.get(col) or "").strip()
            if value:
                out[name] = _attribute_value(value)
        return out

    def row(self, record: dict, line: int) -> RosterRow:
        row = RosterRow(line=line, employee_id=self.text(record, "employee_id") or "")
        for name in TEXT_FIELDS:
            setattr(row, name, self.text(record, name))
        row.manager_id = self.text(record, "manager_id")
        row.hire_date = self.date(record, "hire_date", line)
        row.termination_date = self.date(record, "termination_date", line)
        row.exit_voluntary = self.flag(record, "exit_voluntary", line)
        row.attributes = self.attributes(record)
        row.actor_keys = self.identities(record, line)
        return row


def _attribute_value(value: str) -> object:
    """Numbers become numbers and yes/no flags booleans; anything else (e.g. a date) stays text."""
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and "." not in value else number


def _check_rows(rows: list[RosterRow], reader: _RowReader, problems: list[RowProblem]) -> None:
    def col(name: str) -> str:
        return reader.columns[name][0] if reader.columns[name] else name

    ids = Counter(r.employee_id for r in rows if r.employee_id)
    owners: dict[str, str] = {}
    for r in rows:
        if not r.employee_id:
            problems.append(RowProblem(r.line, col("employee_id"), "employee id is empty"))
        elif ids[r.employee_id] > 1:
            problems.append(RowProblem(r.line, col("employee_id"), f"duplicate employee id {r.employee_id!r}"))
        if r.manager_id is not None:
            if r.manager_id == r.employee_id:
                problems.append(RowProblem(r.line, col("manager_id"), "an employee cannot be their own manager"))
            elif r.manager_id not in ids:
                problems.append(RowProblem(r.line, col("manager_id"), f"unknown manager id {r.manager_id!r}"))
        if r.hire_date and r.termination_date and r.termination_date < r.hire_date:
            problems.append(
                RowProblem(
                    r.line, col("termination_date"), f"termination {r.termination_date} lies before hire {r.hire_date}"
                )
            )
        if r.exit_voluntary is not None and r.termination_date is None:
            problems.append(
                RowProblem(r.line, col("exit_voluntary"), "exit voluntary is given without a termination date")
            )
        if not r.actor_keys and not any(p.row == r.line and p.column in reader.columns["identities"] for p in problems):
            problems.append(RowProblem(r.line, col("identities"), "no xAPI identity: at least one is required"))
        for key in r.actor_keys:
            owner = owners.setdefault(key, r.employee_id)
            if owner != r.employee_id:
                problems.append(
                    RowProblem(r.line, col("identities"), f"identity {key!r} already belongs to employee {owner!r}")
                )


def read_roster(path: Path, mapping: Mapping) -> list[RosterRow]:
    """Every row of the export, validated; RosterInvalid lists all problems when any rule is broken."""
    try:
        with Path(path).open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh, delimiter=mapping.delimiter)
            header = [h.strip() for h in (reader.fieldnames or [])]
            reader.fieldnames = header
            records = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise RosterError(f"roster {path} cannot be read: {err}") from err
    problems: list[RowProblem] = []
    row_reader = _RowReader(mapping, header, problems)
    missing = [name for name in REQUIRED if not row_reader.columns[name]]
    for name in missing:
        wanted = mapping.columns.get(name, (name,))
        problems.append(RowProblem(0, ", ".join(wanted), f"required column for {name} is missing from the header"))
    absent = [c for name in FIELDS for c in mapping.columns.get(name, ()) if c not in header]
    problems += [
        RowProblem(0, c, "the mapping names this column but the file has no such column")
        for c in absent
        if not any(p.column == c for p in problems)
    ]
    if problems:
        raise RosterInvalid(str(path), problems)
    if not records:
        raise RosterInvalid(str(path), [RowProblem(0, "", "the file holds no employees")])
    # Line numbers count the header as line 1, as a spreadsheet shows them.
    rows = [row_reader.row(record, line) for line, record in enumerate(records, start=2)]
    _check_rows(rows, row_reader, problems)
    if problems:
        problems.sort(key=lambda p: p.row)
        raise RosterInvalid(str(path), problems)
    return rows
