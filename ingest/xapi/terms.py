"""The search terms a stored statement answers to, so statement queries become index lookups.

Each term is "<kind> <value>": `verb`, `agent` (actor or object), `ragent` (any agent the
statement mentions: the related_agents filter), `activity` (the object), `ractivity`
(object and context activities: related_activities) and `registration`. Terms of a
SubStatement count as related ones of the statement holding it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ingest.xapi.identity import actor_key

ACTOR_TYPES = ("Agent", "Group")


def agent_value(agent: dict) -> str:
    """How an Agent or Group is matched: same objectType and same inverse functional identifier."""
    return f"{agent.get('objectType', 'Agent')}|{actor_key(agent)}"


def verb_term(verb_id: str) -> str:
    return f"verb {verb_id}"


def agent_term(agent: dict, *, related: bool = False) -> str:
    return f"{'ragent' if related else 'agent'} {agent_value(agent)}"


def activity_term(activity_id: str, *, related: bool = False) -> str:
    return f"{'ractivity' if related else 'activity'} {activity_id}"


def registration_term(registration: str) -> str:
    return f"registration {registration.lower()}"


def credential_term(name: str) -> str:
    return f"credential {name}"


def statement_terms(statement: dict) -> set[str]:
    terms = {verb_term(statement["verb"]["id"])}
    target = statement["object"]
    object_type = target.get("objectType", "Activity")
    # Each agent's value is worked out once: it is the costly part of every agent term.
    for value in _agent_values([statement["actor"], target if object_type in ACTOR_TYPES else None]):
        terms.add(f"agent {value}")
    if object_type == "Activity":
        terms.add(activity_term(target["id"]))
    terms.update(_related(statement))
    authority = statement.get("authority")
    if isinstance(authority, dict):
        terms.update(f"ragent {value}" for value in _agent_values([authority, *authority.get("member", [])]))
    registration = (statement.get("context") or {}).get("registration")
    if isinstance(registration, str):
        terms.add(registration_term(registration))
    return terms


def _related(statement: dict) -> set[str]:
    """Related agents and activities of a statement or SubStatement, its nested SubStatement included."""
    terms: set[str] = set()
    target = statement["object"]
    object_type = target.get("objectType", "Activity")
    context = statement.get("context") if isinstance(statement.get("context"), dict) else {}
    actors: list[Any] = [statement["actor"], context.get("instructor"), context.get("team")]
    if object_type in ACTOR_TYPES:
        actors.append(target)
    actors.extend(entry.get("agent") for entry in context.get("contextAgents", []) if isinstance(entry, dict))
    actors.extend(entry.get("group") for entry in context.get("contextGroups", []) if isinstance(entry, dict))
    terms.update(f"ragent {value}" for value in _agent_values(actors))
    if object_type == "Activity":
        terms.add(activity_term(target["id"], related=True))
    for activities in (context.get("contextActivities") or {}).values():
        for activity in activities if isinstance(activities, list) else [activities]:
            terms.add(activity_term(activity["id"], related=True))
    if object_type == "SubStatement":
        terms.update(_related(target))
    return terms


def _agent_values(candidates: Iterable[Any]) -> list[str]:
    """The match values of the candidates that are identified Agents or Groups; others are left out."""
    values = []
    for actor in candidates:
        if not isinstance(actor, dict):
            continue
        try:
            values.append(agent_value(actor))
        except ValueError:
            continue
    return values
