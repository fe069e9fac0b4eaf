"""Repair rules for refused statements, declared per credential in a YAML file, applied only by replay.

The LRS itself never repairs anything: a statement that breaks the specification gets its 400.
An operator who knows how one tool goes wrong declares it in LEERSTROOM_LRS_REPAIR_RULES
(default data/lrs/repair-rules.yml) and replays that tool's dead letters (`leerstroom rejected replay`):

    tools:
      openedx-prod:                       # the credential's name
        base_iri: https://courses.example.org/xapi/activities/
        repairs: [drop_invalid_score_range, prefix_non_iri_ids]

Every change is returned with the path it touched and the value it replaced, so the replayed
statement can carry its original (ingest/lrs/replay.py): nothing is rewritten silently.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ingest.xapi import formats
from leerstroom.errors import ConfigurationError

CONTEXT_ACTIVITY_KINDS = ("parent", "grouping", "category", "other")
# Characters an IRI may hold as they are; anything else in a prefixed id is percent-encoded.
IRI_SAFE = ":/?#[]@!$&'()*+,;=-._~%"


class RepairRulesInvalid(ConfigurationError):
    """The repair rules file cannot be used; the message names the file, the tool and the entry."""


@dataclass(frozen=True)
class Change:
    path: str
    rule: str
    original: Any

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "rule": self.rule, "original": self.original}


@dataclass(frozen=True)
class ToolRepairs:
    tool: str
    repairs: tuple[str, ...] = ()
    base_iri: str | None = None

    def apply(self, statement: Any) -> list[Change]:
        """Repair one statement in place; returns what changed (nothing for a value that is no statement)."""
        if not isinstance(statement, dict):
            return []
        changes: list[Change] = []
        for name in self.repairs:
            changes.extend(RULES[name](self, statement))
        return changes


def _drop_invalid_score_range(rules: ToolRepairs, statement: dict) -> Iterator[Change]:
    """A score whose min is not below its max, or whose raw lies outside them, loses min and max (raw stays)."""
    for path, holder in _statement_parts(statement):
        result = holder.get("result")
        score = result.get("score") if isinstance(result, dict) else None
        if not isinstance(score, dict):
            continue
        low, high, raw = (score.get(key) for key in ("min", "max", "raw"))
        numbers = [v for v in (low, high, raw) if v is not None]
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in numbers):
            continue
        broken = (low is not None and high is not None and not low < high) or (
            raw is not None and ((low is not None and raw < low) or (high is not None and raw > high))
        )
        if broken:
            for key in ("min", "max"):
                if key in score:
                    yield Change(f"{path}result.score.{key}", "drop_invalid_score_range", score.pop(key))


def _prefix_non_iri_ids(rules: ToolRepairs, statement: dict) -> Iterator[Change]:
    """An activity id that is no IRI (the object's, or a context activity's) gets the tool's base IRI in front."""
    assert rules.base_iri is not None  # checked when the file is read
    for path, holder in _statement_parts(statement):
        target = holder.get("object")
        if isinstance(target, dict) and target.get("objectType", "Activity") == "Activity":
            yield from _prefixed(target, f"{path}object.id", rules.base_iri)
        context = holder.get("context")
        activities = context.get("contextActivities") if isinstance(context, dict) else None
        if not isinstance(activities, dict):
            continue
        for kind in CONTEXT_ACTIVITY_KINDS:
            listed = activities.get(kind)
            if isinstance(listed, dict):
                yield from _prefixed(listed, f"{path}context.contextActivities.{kind}.id", rules.base_iri)
            elif isinstance(listed, list):
                for index, activity in enumerate(listed):
                    if isinstance(activity, dict):
                        yield from _prefixed(
                            activity, f"{path}context.contextActivities.{kind}[{index}].id", rules.base_iri
                        )


def _prefixed(activity: dict, path: str, base_iri: str) -> Iterator[Change]:
    value = activity.get("id")
    if isinstance(value, str) and value and not formats.is_iri(value):
        activity["id"] = base_iri + urllib.parse.quote(value, safe=IRI_SAFE)
        yield Change(path, "prefix_non_iri_ids", value)


def _statement_parts(statement: dict) -> Iterator[tuple[str, dict]]:
    """The statement and its sub-statement, with the path prefix of each."""
    yield "", statement
    target = statement.get("object")
    if isinstance(target, dict) and target.get("objectType") == "SubStatement":
        yield "object.", target


RULES: dict[str, Callable[[ToolRepairs, dict], Iterator[Change]]] = {
    "drop_invalid_score_range": _drop_invalid_score_range,
    "prefix_non_iri_ids": _prefix_non_iri_ids,
}
NEEDS_BASE_IRI = {"prefix_non_iri_ids"}


def load(path: Path) -> dict[str, ToolRepairs]:
    """The rules per credential name; no file means no rules."""
    if not path.exists():
        return {}
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as err:
        raise RepairRulesInvalid(f"{path} is not valid YAML: {err}") from err
    tools = document.get("tools") if isinstance(document, dict) else None
    if not isinstance(tools, dict):
        raise RepairRulesInvalid(f"{path}: expected a mapping `tools:` of credential names to their repairs")
    return {str(tool): _tool(path, str(tool), entry) for tool, entry in tools.items()}


def _tool(path: Path, tool: str, entry: Any) -> ToolRepairs:
    where = f"{path}: tools.{tool}"
    if not isinstance(entry, dict) or not isinstance(entry.get("repairs"), list):
        raise RepairRulesInvalid(f"{where}: needs `repairs:`, a list of {', '.join(sorted(RULES))}")
    unknown = [str(name) for name in entry["repairs"] if name not in RULES]
    if unknown:
        raise RepairRulesInvalid(f"{where}.repairs: unknown repair {unknown[0]!r}; known: {', '.join(sorted(RULES))}")
    base_iri = entry.get("base_iri")
    if NEEDS_BASE_IRI & set(entry["repairs"]) and not (isinstance(base_iri, str) and formats.is_iri(base_iri)):
        raise RepairRulesInvalid(
            f"{where}.base_iri: prefix_non_iri_ids needs the tool's base IRI, e.g. "
            "https://courses.example.org/xapi/activities/"
        )
    return ToolRepairs(tool, tuple(entry["repairs"]), base_iri)
