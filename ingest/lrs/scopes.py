"""What each credential scope allows, as the xAPI 1.0.3 OAuth scope list defines them.

`all` allows everything; `all/read` allows every read; `statements/read/mine` reads only
the statements stored with the same credential; `state`, `profile` and `define` cover the
State resource, the profile resources, and updating activity definitions.

Every tool is fenced in, whatever its scopes: it voids only statements it stored, and its
state and profile documents are its own (the spec limits `state` and `profile` to what the
token is associated with). Leerstroom's own scope `admin` lifts the voiding fence: for an
operator's correction tool, and for the credential of a conformance run, which voids
statements it has not stored yet.
"""

from __future__ import annotations

from typing import Protocol

STATEMENTS_WRITE = "statements/write"
STATEMENTS_READ = "statements/read"
STATEMENTS_READ_MINE = "statements/read/mine"
ALL_READ = "all/read"
ALL = "all"
STATE = "state"
DEFINE = "define"
PROFILE = "profile"
ADMIN = "admin"
KNOWN = (STATEMENTS_WRITE, STATEMENTS_READ_MINE, STATEMENTS_READ, ALL_READ, ALL, STATE, DEFINE, PROFILE, ADMIN)
# Reading activities and agents (the Activities and Agents resources) comes with any of these.
DESCRIBE = "activities and agents (define, profile or statements/read)"
READ_METHODS = ("GET", "HEAD")


class Scoped(Protocol):
    """A credential as these rules see it (ingest/lrs/credentials.py): the scopes it was granted."""

    @property
    def scopes(self) -> tuple[str, ...]: ...


def allows(credential: Scoped, need: str, *, reading: bool = False) -> bool:
    granted = set(credential.scopes)
    if need == ADMIN:
        return ADMIN in granted  # not part of `all`: every default credential has `all`
    if ALL in granted or (reading and ALL_READ in granted):
        return True
    if need == STATEMENTS_READ:
        return bool({STATEMENTS_READ, STATEMENTS_READ_MINE} & granted)
    if need == DESCRIBE:
        return bool({DEFINE, PROFILE, STATEMENTS_READ, STATEMENTS_READ_MINE} & granted)
    return need in granted


def voids_any_statement(credential: Scoped) -> bool:
    """True when the credential may void statements other credentials stored, or ones not stored yet."""
    return allows(credential, ADMIN)


def only_own_statements(credential: Scoped) -> bool:
    """True when the credential reads statements only through statements/read/mine."""
    granted = set(credential.scopes)
    return STATEMENTS_READ_MINE in granted and not {STATEMENTS_READ, ALL, ALL_READ} & granted


def check_known(requested: list[str]) -> None:
    for scope in requested:
        if scope not in KNOWN:
            raise ValueError(f"unknown scope {scope!r}; known scopes: {', '.join(KNOWN)}")
