"""Which version of the models built the warehouse, so that an upgrade rebuilds it from scratch by itself.

Incremental models keep the rows of earlier builds and refuse changed columns (on_schema_change='fail').
After Leerstroom is upgraded, or an operator edits a model or macro, the warehouse holds rows of the old
definitions; the first build afterwards must be a full one. The version is a digest of the model and
macro files and dbt_project.yml (not the seeds: int_build_inputs already rebuilds what a seed edit touches).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from leerstroom.settings import Settings
from transform.dbt_invocation import REPO

DEFINITIONS = ("transform/models", "transform/macros")


def current() -> str:
    digest = hashlib.sha256()
    files = [REPO / "dbt_project.yml"] + sorted(
        path for folder in DEFINITIONS for path in (REPO / folder).rglob("*") if path.is_file()
    )
    for path in files:
        digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _record(settings: Settings) -> Path:
    return settings.warehouse_db.parent / "models-version"


def built(settings: Settings) -> str | None:
    """The version of the last successful build in this warehouse (None: no build recorded, or no warehouse)."""
    path = _record(settings)
    if not settings.warehouse_db.exists() or not path.exists():
        return None
    return path.read_text().strip()


def needs_full_build(settings: Settings) -> bool:
    """True when a warehouse exists but was built by other model definitions (or by a release before this record)."""
    return settings.warehouse_db.exists() and built(settings) != current()


def record_build(settings: Settings, version: str) -> None:
    _record(settings).write_text(version + "\n")
