"""Who may see what: roles, small-group suppression written into SQL, and which marts hold individuals.

Suppression happens in the query, never in the page, so a suppressed number is not
even fetched for a role that may not see it (and so never reaches a browser or a cache
entry another role could hit: every cached query takes the audience as an argument).
"""

from __future__ import annotations

EXECUTIVE, HR_ANALYST, ADMIN = "executive", "hr_analyst", "admin"
UNRESTRICTED = "unrestricted"

# Columns that make a row about one person rather than a group.
PERSON_COLUMNS = frozenset({"employee_id", "actor_key", "display_name", "person", "learner"})


def sees_individuals(role: str) -> bool:
    """Only HR analysts see rows about one person (risk lists, reasons, named leaderboards)."""
    return role == HR_ANALYST


def audience(role: str) -> str:
    """What a role may read, and the cache partition it reads from: analysts see everything, every other role the
    suppressed view, each role in a partition of its own so cached results never cross roles."""
    return UNRESTRICTED if role == HR_ANALYST else f"suppressed:{role}"


def is_person_level(columns: list[str] | tuple[str, ...] | set[str]) -> bool:
    return bool(PERSON_COLUMNS & set(columns))


def group_floor(audience_name: str, k: int) -> int:
    """Smallest group a query may report: k for the suppressed views, 1 (any group) for analysts."""
    return 1 if audience_name == UNRESTRICTED else int(k)


def unit_filter(audience_name: str, k: int, columns: list[str] | tuple[str, ...] | set[str]) -> str:
    """A WHERE condition dropping unit rows over fewer than k people, for marts with headcount / is_suppressed."""
    if audience_name == UNRESTRICTED:
        return "TRUE"
    conditions = []
    if "headcount" in columns:
        conditions.append(f"coalesce(headcount, 0) >= {int(k)}")
    if "is_suppressed" in columns:
        conditions.append("NOT coalesce(is_suppressed, TRUE)")
    return " AND ".join(conditions) or "TRUE"
