"""Canonical activity definitions (merged from the statements of credentials with the define scope) and the Activities resource."""

from __future__ import annotations

from collections.abc import Iterator

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


def merge_definitions(db: Db, statements: list[dict]) -> None:
    """Fold the activity definitions of just-stored statements into the canonical ones, inside their transaction."""
    incoming: dict[str, dict] = {}
    for activity in _activities(statements):
        definition = activity.get("definition")
        if isinstance(definition, dict) and definition:
            incoming[activity["id"]] = _merged(incoming.get(activity["id"], {}), definition)
    for activity_id, definition in incoming.items():
        # FOR UPDATE on PostgreSQL: another LRS process merging the same activity waits for this merge.
        row = db.execute("SELECT definition FROM activities WHERE id = ?" + (" FOR UPDATE" if db.postgres else ""),
                         (activity_id,)).fetchone()
        merged = _merged(orjson.loads(row[0]), definition) if row else definition
        db.execute("INSERT INTO activities (id, definition) VALUES (?, ?) "
                   "ON CONFLICT (id) DO UPDATE SET definition = excluded.definition",
                   (activity_id, orjson.dumps(merged)))


def definition(store: LrsStore, activity_id: str) -> dict | None:
    row = store.read_one("SELECT definition FROM activities WHERE id = ?", (activity_id,))
    return orjson.loads(row[0]) if row else None


async def get(call: Call) -> Response:
    """The Activities resource: the canonical Activity object for activityId."""
    scopes.require(call, scopes.DESCRIBE)
    params = call.request.query_params
    for name in params.keys():
        if name != "activityId":
            raise BadRequest(name, "is not a parameter of the Activities resource")
    activity_id = params.get("activityId")
    if activity_id is None:
        raise BadRequest("activityId", "query parameter is required")
    if not formats.is_iri(activity_id):
        raise BadRequest("activityId", "must be an IRI")
    known = await run_in_threadpool(definition, call.store, activity_id)
    activity = {"objectType": "Activity", "id": activity_id}
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
