"""What each table in lake.marts is, for the parts that read it: its columns, how it may be shown, what it backs.

Declared once, beside each model: its columns in the model's YAML (every mart has `contract: enforced: true`, so
dbt refuses a build whose table differs), and under `config.meta` how the dashboards may disclose it and which
culture sub-score it is evidence for. The retention model's tables, written by transform/risk, declare their
columns in transform/risk/tables.py. This module is the transform's public interface for the dashboards (the
import contracts in pyproject.toml); transform/README.md describes the `meta` keys.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from transform.risk.tables import SCHEMAS

MARTS_DIR = Path(__file__).resolve().parent / "models" / "marts"
# How a mart's rows may be shown outside the HR-analyst role (dashboards/privacy.py):
SHAPES = (
    "units",  # a row per unit (organisation, department, team) and period, with the unit's people counted
    "unit_pairs",  # a row per pair of units (helper team, helped team) and period, with people on both sides
    "people",  # a row per person (and period): HR analysts only
    "events",  # rows that repeat a person (per day and verb): categories need k distinct people
    "analysts",  # aggregates HR analysts read on their own pages only
)


class MartContractError(ValueError):
    """A mart's `meta` is not what the dashboards can bind to; the message names the model and the key."""


@dataclass(frozen=True)
class Disclosure:
    """A mart's shape and the columns that carry it (`config.meta.disclosure` in the model's YAML)."""

    shape: str
    period: str | None = None  # the period column (week_start, month_start, quarter_start)
    unit: tuple[str, str] | None = None  # (level, name) columns; None for a mart of the whole organisation
    people: tuple[str, ...] = ()  # columns counting a row's people (a pair counts both sides)
    managers: str | None = None  # the column counting a unit's managers
    person: str | None = None  # the column naming one person
    pair: tuple[str, str] | None = None  # the two unit columns of a pair
    dimensions: tuple[str, ...] = ()  # columns a reader may filter or group by
    breakdown: str | None = None  # a column a reader may count people by inside a group
    opt_in: str | None = None  # the roster attribute a person must have set to be listed

    def columns(self) -> set[str]:
        named = {
            self.period,
            self.managers,
            self.person,
            self.breakdown,
            *self.people,
            *self.dimensions,
            *(self.unit or ()),
            *(self.pair or ()),
        }
        return {column for column in named if column is not None}


@dataclass(frozen=True)
class Mart:
    name: str
    columns: tuple[str, ...]
    disclosure: Disclosure | None  # None: shown to nobody outside its own query
    evidence_for: tuple[str, ...] = ()  # the culture sub-scores (LCI columns) it is evidence of


def parse_disclosure(model: str, meta: dict) -> Disclosure:
    if meta.get("shape") not in SHAPES:
        raise MartContractError(f"{model}: meta.disclosure.shape must be one of {', '.join(SHAPES)}")
    known = set(Disclosure.__dataclass_fields__)
    unknown = set(meta) - known
    if unknown:
        raise MartContractError(f"{model}: meta.disclosure has unknown keys {sorted(unknown)}")
    values: dict[str, Any] = {key: tuple(value) if isinstance(value, list) else value for key, value in meta.items()}
    if isinstance(values.get("people"), str):
        values["people"] = (values["people"],)
    disclosure = Disclosure(**values)
    needs = {
        "units": ("period", "people"),
        "unit_pairs": ("period", "pair", "people"),
        "people": ("person",),
        "events": ("person", "dimensions"),
    }.get(disclosure.shape, ())
    missing = [key for key in needs if not getattr(disclosure, key)]
    if missing:
        raise MartContractError(f"{model}: a {disclosure.shape} mart names its {', '.join(missing)} in meta.disclosure")
    return disclosure


def _from_yaml(path: Path) -> dict[str, Mart]:
    found = {}
    for model in yaml.safe_load(path.read_text()).get("models") or []:
        meta = (model.get("config") or {}).get("meta") or {}
        disclosure = parse_disclosure(model["name"], meta["disclosure"]) if "disclosure" in meta else None
        found[model["name"]] = Mart(
            model["name"],
            tuple(column["name"] for column in model.get("columns", [])),
            disclosure,
            tuple(meta.get("evidence_for", ())),
        )
    return found


@functools.cache
def marts() -> dict[str, Mart]:
    """Every table a certified run publishes into lake.marts, by name."""
    found: dict[str, Mart] = {}
    for path in sorted(MARTS_DIR.rglob("*.yml")):
        found.update(_from_yaml(path))
    for name, columns in SCHEMAS.items():
        person = "employee_id" if "employee_id" in columns else None
        found[name] = Mart(
            name, tuple(columns), Disclosure("people", person=person) if person else Disclosure("analysts")
        )
    return found


def of_shape(shape: str) -> list[Mart]:
    return [mart for mart in marts().values() if mart.disclosure is not None and mart.disclosure.shape == shape]


def evidence_for(score: str) -> list[Mart]:
    """The marts that hold the evidence of one culture sub-score, by name."""
    return sorted((mart for mart in marts().values() if score in mart.evidence_for), key=lambda mart: mart.name)
