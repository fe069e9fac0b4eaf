"""Statement comparison as xAPI defines it: two statements match unless they differ in what is immutable.

Ignored, because the specification lists them as exceptions to immutability: the
LRS-assigned id, stored, authority and version; how timestamps are serialised;
verb display maps; activity definitions; the order of a group's members; the case
of an email domain; and a single context activity sent without its array.
The timestamp is compared separately (as an instant) because the LRS may assign it.
"""

from __future__ import annotations

import hashlib
import re

import orjson

from ingest.xapi import formats

LRS_ASSIGNED = ("id", "stored", "authority", "version", "timestamp")
_SECONDS_FRACTION = re.compile(r"(\d+\.)(\d+)S$")


def content_hash(statement: dict) -> str:
    """A digest equal for two statements exactly when the specification says they match."""
    canonical = _canonical_statement({key: value for key, value in statement.items() if key not in LRS_ASSIGNED})
    return hashlib.sha256(orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)).hexdigest()


def timestamp_instant(statement: dict) -> str | None:
    """The statement's own timestamp as a UTC instant string, or None if it has none."""
    moment = formats.parse_timestamp(statement.get("timestamp"))
    return formats.format_timestamp(moment) if moment else None


def _canonical_statement(statement: dict) -> dict:
    """`statement` (a shallow copy the caller owns) with what may differ between matching statements normalised.

    Nested objects are copied before they are changed, never changed in place: the
    statement being stored shares them, and copying only what changes is much cheaper
    than copying everything.
    """
    if "timestamp" in statement:
        statement["timestamp"] = timestamp_instant(statement)
    statement["actor"] = _canonical_actor(statement["actor"])
    statement["verb"] = {"id": statement["verb"]["id"]}
    statement["object"] = _canonical_object(statement["object"])
    result = statement.get("result")
    if isinstance(result, dict) and isinstance(result.get("duration"), str):
        statement["result"] = {**result, "duration": _hundredths(result["duration"])}
    context = statement.get("context")
    if isinstance(context, dict):
        statement["context"] = _canonical_context(context)
    return statement


def _canonical_context(original: dict) -> dict:
    context = dict(original)
    for role in ("instructor", "team"):
        if role in context:
            context[role] = _canonical_actor(context[role])
    activities = context.get("contextActivities")
    if isinstance(activities, dict):
        context["contextActivities"] = {
            kind: [
                {"id": item["id"], "objectType": "Activity"} for item in (value if isinstance(value, list) else [value])
            ]
            for kind, value in activities.items()
        }
    for key, role in (("contextAgents", "agent"), ("contextGroups", "group")):
        if key in context:
            context[key] = [{**entry, role: _canonical_actor(entry[role])} for entry in context[key]]
    return context


def _hundredths(duration: str) -> str:
    # Durations compare to 0.01 s: digits past the hundredths are dropped, never rounded.
    return _SECONDS_FRACTION.sub(lambda match: match[1] + match[2][:2] + "S", duration.replace(",", "."))


def _canonical_object(target: dict) -> dict:
    object_type = target.get("objectType", "Activity")
    if object_type == "Activity":
        return {"id": target["id"], "objectType": "Activity"}
    if object_type in ("Agent", "Group"):
        return _canonical_actor(target)
    if object_type == "SubStatement":
        return _canonical_statement(dict(target))
    return {"id": target["id"].lower(), "objectType": object_type}


def _canonical_actor(actor: dict) -> dict:
    actor = dict(actor)
    actor.setdefault("objectType", "Agent")
    mbox = actor.get("mbox")
    if isinstance(mbox, str) and "@" in mbox:
        local, _, domain = mbox.rpartition("@")
        actor["mbox"] = f"{local}@{domain.lower()}"
    if "member" in actor:
        members = [_canonical_actor(member) for member in actor["member"]]
        actor["member"] = sorted(members, key=lambda member: orjson.dumps(member, option=orjson.OPT_SORT_KEYS))
    return actor
