"""Canonical activity definitions (merged from statements sent with the define scope) and the Activities resource."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ingest.lrs import scopes
from ingest.lrs.endpoint import Call
from ingest.lrs.engine import Db
from ingest.lrs.exceptions import BadRequest
from ingest.lrs.responses import json_response
from ingest.lrs.store import LrsStore
from ingest.xapi import formats

LANGUAGE_MAPS = ("name", "description")
LOOKUP_SLICE = 500
DEFINITIONS_LOCK = 7_401_015  # any number; PostgreSQL's advisory lock for merging definitions


def merge_definitions(db: Db, statements: list[dict]) -> None:
    """Fold the activity definitions of just-stored statements into the canonical ones, inside their transaction.

    Most statements repeat a definition the store holds already: those are read and left alone, without a
    write or a row lock. The others are locked in id order (FOR UPDATE on PostgreSQL, where LRS processes merge
    side by side), merged again with what is stored now, and written.
    """
    incoming: dict[str, dict] = {}
    for activity in _activities(statements):
        definition = activity.get("definition")
        if isinstance(definition, dict) and definition:
            incoming[activity["id"]] = _merged(incoming.get(activity["id"], {}), definition)
    if not incoming:
        return
    stored = _stored_definitions(db, sorted(incoming), lock=False)
    changed = sorted(
        activity_id
        for activity_id, definition in incoming.items()
        if activity_id not in stored or _merged(stored[activity_id], definition) != stored[activity_id]
    )
    if not changed:
        return
    if db.postgres:
        # One lock for every writer of definitions, held to the commit: LRS processes that add the same new
        # activities in different orders would otherwise deadlock on the primary key. Batches that only
        # repeat known definitions (most) never take it.
        db.execute("SELECT pg_advisory_xact_lock(?)", (DEFINITIONS_LOCK,))
        stored = _stored_definitions(db, changed, lock=True)
    for activity_id in changed:
        merged = _merged(stored[activity_id], incoming[activity_id]) if activity_id in stored else incoming[activity_id]
        db.execute(
            "INSERT INTO activities (id, definition) VALUES (?, ?) "
            "ON CONFLICT (id) DO UPDATE SET definition = excluded.definition",
            (activity_id, orjson.dumps(merged)),
        )


def _stored_definitions(db: Db, ids: list[str], *, lock: bool) -> dict[str, dict]:
    found = {}
    for start in range(0, len(ids), LOOKUP_SLICE):
        chunk = ids[start : start + LOOKUP_SLICE]
        sql = f"SELECT id, definition FROM activities WHERE id IN ({','.join('?' * len(chunk))})"
        for activity_id, definition in db.execute(sql + (" ORDER BY id FOR UPDATE" if lock else ""), chunk).fetchall():
            found[activity_id] = orjson.loads(definition)
    return found


def definition(store: LrsStore, activity_id: str) -> dict | None:
    row = store.read_one("SELECT definition FROM activities WHERE id = ?", (activity_id,))
    return orjson.loads(row[0]) if row else None


async def get(call: Call) -> Response:
    """The Activities resource: the canonical Activity object for activityId."""
    call.require(scopes.DESCRIBE)
    params = call.request.query_params
    for name in params:
        if name != "activityId":
            raise BadRequest(name, "is not a parameter of the Activities resource")
    activity_id = params.get("activityId")
    if activity_id is None:
        raise BadRequest("activityId", "query parameter is required")
    if not formats.is_iri(activity_id):
        raise BadRequest("activityId", "must be an IRI")
    known = await run_in_threadpool(definition, call.store, activity_id)
    activity: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    if known:
        activity["definition"] = known
    return json_response(activity, call.version)


def _merged(old: dict, new: dict) -> dict:
    # Later definitions win, but a language map gains languages rather than losing them.
    merged = dict(old)
    for key, value in new.items():
        if key in LANGUAGE_MAPS and isinstance(value, dict) and isinstance(old.get(key), dict):
            merged[key] = {**old[key], **value}
        else:
            merged[key] = value
    return merged


def _activities(statements: list[dict]) -> Iterator[dict]:
    for statement in statements:
        holders = [statement]
        if statement["object"].get("objectType") == "SubStatement":
            holders.append(statement["object"])
        for holder in holders:
            target = holder["object"]
            if target.get("objectType", "Activity") == "Activity":
                yield target
            context = holder.get("context") or {}
            for items in (context.get("contextActivities") or {}).values():
                yield from items if isinstance(items, list) else [items]
