"""How the columns of an HRIS export map onto roster fields (a YAML file; defaults read Leerstroom's own CSV)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ingest.roster.exceptions import RosterError

FIELDS = (
    "employee_id",
    "display_name",
    "identities",
    "department",
    "team",
    "manager_id",
    "job_role",
    "location",
    "hire_date",
    "termination_date",
    "exit_voluntary",
)
REQUIRED = ("employee_id", "identities")
# A few header spellings HRIS exports commonly use for our own field names.
ALIASES = {"display_name": ("name", "full_name"), "identities": ("identity", "xapi_identities")}
KNOWN_KEYS = {
    "columns",
    "identity_templates",
    "identity_separator",
    "date_format",
    "true_values",
    "false_values",
    "attributes",
    "delimiter",
}


@dataclass(frozen=True)
class Mapping:
    """Where each roster field comes from, and how its values are written in this export."""

    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    identity_templates: dict[str, str] = field(default_factory=dict)
    identity_separator: str = "|"
    date_format: str = "%Y-%m-%d"
    true_values: frozenset[str] = frozenset({"true", "yes", "y", "1", "voluntary"})
    false_values: frozenset[str] = frozenset({"false", "no", "n", "0", "involuntary"})
    attributes: dict[str, str] | None = None  # None: every column no field uses
    delimiter: str = ","

    def headers_for(self, name: str, header: list[str]) -> tuple[str, ...]:
        """The export's columns that hold field `name` (empty when the export has none)."""
        if name in self.columns:
            return self.columns[name]
        for candidate in (name, *ALIASES.get(name, ())):
            if candidate in header:
                return (candidate,)
        return ()

    def attribute_columns(self, header: list[str]) -> dict[str, str]:
        if self.attributes is not None:
            return dict(self.attributes)
        used = {col for name in FIELDS for col in self.headers_for(name, header)}
        return {col: col for col in header if col not in used}


def _strings(value: object, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise RosterError(f"mapping: columns.{key} must be a column name or a list of column names")


def load_mapping(path: Path | None) -> Mapping:
    """Read a mapping YAML; without one, the export's headers are the field names themselves."""
    if path is None:
        return Mapping()
    try:
        raw = yaml.safe_load(Path(path).read_text()) or {}
    except (OSError, yaml.YAMLError) as err:
        raise RosterError(f"mapping {path} cannot be read: {err}") from err
    if not isinstance(raw, dict):
        raise RosterError(f"mapping {path}: expected a YAML mapping at the top level")
    unknown = set(raw) - KNOWN_KEYS
    if unknown:
        raise RosterError(f"mapping {path}: unknown keys {sorted(unknown)}; known: {sorted(KNOWN_KEYS)}")
    columns = raw.get("columns") or {}
    bad_fields = set(columns) - set(FIELDS)
    if bad_fields:
        raise RosterError(f"mapping {path}: columns has unknown fields {sorted(bad_fields)}; fields: {list(FIELDS)}")
    defaults = Mapping()
    return Mapping(
        columns={name: _strings(value, name) for name, value in columns.items()},
        identity_templates={str(k): str(v) for k, v in (raw.get("identity_templates") or {}).items()},
        identity_separator=str(raw.get("identity_separator", defaults.identity_separator)),
        date_format=str(raw.get("date_format", defaults.date_format)),
        true_values=frozenset(str(v).lower() for v in raw.get("true_values", defaults.true_values)),
        false_values=frozenset(str(v).lower() for v in raw.get("false_values", defaults.false_values)),
        attributes=({str(k): str(v) for k, v in raw["attributes"].items()} if raw.get("attributes") else None),
        delimiter=str(raw.get("delimiter", defaults.delimiter)),
    )
