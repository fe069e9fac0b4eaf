"""Errors of the roster import: a refused file lists every row, column and rule it broke."""

from __future__ import annotations

from dataclasses import dataclass

from leerstroom.errors import TerminalError


@dataclass(frozen=True)
class RowProblem:
    """One broken rule. `row` is the line number in the file (the header is line 1); 0 means the whole file."""

    row: int
    column: str
    rule: str

    def __str__(self) -> str:
        where = "file" if self.row == 0 else f"row {self.row}"
        return f"{where}, column {self.column!r}: {self.rule}"


class RosterError(TerminalError):
    """The roster or its mapping cannot be read at all."""


class RosterInvalid(RosterError):
    """The roster broke validation rules; nothing of it was imported."""

    def __init__(self, source: str, problems: list[RowProblem]) -> None:
        self.source = source
        self.problems = problems
        shown = "\n  ".join(str(p) for p in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"roster {source} refused, nothing imported ({len(problems)} problems):\n  {shown}{more}")
