"""The Statement resource: POST and PUT store statements, GET reads one by id or a recent page.

Parsing, validation and the store's transaction run off the event loop, so one large
batch does not stall other requests.
"""

from __future__ import annotations

from email.utils import format_datetime
from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ingest.lrs.auth import authority_for
from ingest.lrs.endpoint import Call
from ingest.lrs.exceptions import BadRequest
from ingest.lrs.responses import empty_response, json_response, raw_json_response
from ingest.xapi import formats, versions
from ingest.xapi.exceptions import StatementInvalid
from ingest.xapi.validation import validate_batch

SINGLE_PARAMS = {"statementId", "voidedStatementId"}
SINGLE_EXTRAS = {"attachments", "format"}
# Query parameters the specification defines but this first slice does not filter on yet.
LATER_PARAMS = {"agent", "verb", "activity", "registration", "related_activities", "related_agents", "since", "until",
                "ascending"}
PAGE_PARAMS = {"limit", "format", "attachments", "cursor"}
PAGE_MAX = 500


async def post(call: Call) -> Response:
    _reject_params(call, allowed=set())
    body = await call.body()
    ids = await run_in_threadpool(_store, call, body, None)
    return json_response(ids, call.version)


async def put(call: Call) -> Response:
    _reject_params(call, allowed={"statementId"})
    statement_id = call.request.query_params.get("statementId")
    if statement_id is None:
        raise BadRequest("statementId", "query parameter is required for PUT")
    if not formats.is_uuid(statement_id):
        raise BadRequest("statementId", "must be a UUID in its standard string form")
    body = await call.body()
    await run_in_threadpool(_store, call, body, statement_id)
    return empty_response(call.version)


async def get(call: Call) -> Response:
    params = call.request.query_params
    _reject_params(call, allowed=SINGLE_PARAMS | SINGLE_EXTRAS | PAGE_PARAMS | LATER_PARAMS)
    _check_representation(call)
    if "statementId" in params and "voidedStatementId" in params:
        raise BadRequest("voidedStatementId", "must not be combined with statementId")
    single = SINGLE_PARAMS & params.keys()
    if single:
        name = single.pop()
        extra = set(params.keys()) - SINGLE_PARAMS - SINGLE_EXTRAS
        if extra:
            raise BadRequest(sorted(extra)[0], f"must not be combined with {name} (only attachments and format may)")
        return await run_in_threadpool(_one, call, name, params[name])
    later = LATER_PARAMS & params.keys()
    if later:
        raise BadRequest(sorted(later)[0], "filtering statements by this parameter is not supported yet by this LRS")
    return await run_in_threadpool(_page, call)


def _store(call: Call, body: bytes, statement_id: str | None) -> list[str]:
    statements = _parse(call, body, single=statement_id is not None)
    if statement_id is not None:
        sent_id = statements[0].get("id")
        if sent_id is not None and str(sent_id).lower() != statement_id.lower():
            raise BadRequest("id", "must equal the statementId query parameter")
        statements[0] = {"id": statement_id, **statements[0]}
    allow_2_0 = versions.is_2_0(call.version)
    validate_batch(statements, allow_2_0=allow_2_0)
    _require_attachment_urls(statements)
    authority = authority_for(call.credential, call.settings.lrs_base_url)
    return call.store.save(statements, authority, credential=call.credential.name,
                           default_version=versions.default_statement_version(call.version))


def _parse(call: Call, body: bytes, *, single: bool) -> list[Any]:
    content_type = call.request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/mixed":
        raise BadRequest("Content-Type", "multipart/mixed (statements with attachment data) is not supported yet")
    if content_type != "application/json":
        raise BadRequest("Content-Type", "must be application/json")
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as err:
        raise BadRequest("body", f"must be valid JSON ({err})") from err
    if isinstance(document, dict):
        return [document]
    if isinstance(document, list) and not single:
        if not document:
            raise BadRequest("body", "must hold at least one statement")
        return document
    raise BadRequest("body", "must be one statement object" if single else "must be a statement object or an array of them")


def _require_attachment_urls(statements: list[dict]) -> None:
    # Without multipart/mixed the raw data is not in the request, so each attachment must point at it.
    for index, statement in enumerate(statements):
        prefix = f"[{index}]." if len(statements) > 1 else ""
        holders = [(statement, prefix)]
        if statement["object"].get("objectType") == "SubStatement":
            holders.append((statement["object"], f"{prefix}object."))
        for holder, path in holders:
            for position, attachment in enumerate(holder.get("attachments", [])):
                if "fileUrl" not in attachment:
                    raise StatementInvalid(
                        f"{path}attachments[{position}].fileUrl",
                        "is required unless the attachment data is sent as multipart/mixed",
                    )


def _reject_params(call: Call, allowed: set[str]) -> None:
    for name in call.request.query_params.keys():
        if name not in allowed:
            raise BadRequest(name, "is not a parameter of this resource (names are case sensitive)")


def _check_representation(call: Call) -> None:
    params = call.request.query_params
    if params.get("format", "exact") not in ("exact", "ids", "canonical"):
        raise BadRequest("format", "must be exact, ids or canonical")
    if params.get("format", "exact") != "exact":
        raise BadRequest("format", "only format=exact is supported yet by this LRS")
    if params.get("attachments", "false") not in ("true", "false"):
        raise BadRequest("attachments", "must be true or false")
    if params.get("attachments") == "true":
        raise BadRequest("attachments", "attachments=true (multipart responses) is not supported yet by this LRS")


def _one(call: Call, name: str, statement_id: str) -> Response:
    if not formats.is_uuid(statement_id):
        raise BadRequest(name, "must be a UUID in its standard string form")
    payload = call.store.get_payload(statement_id)
    voided = payload is not None and call.store.is_voided(statement_id)
    # statementId never returns a voided statement; voidedStatementId returns only voided ones.
    if payload is None or voided != (name == "voidedStatementId"):
        return json_response({"error": f"no statement {statement_id} to return for {name}"}, call.version, 404)
    stored = formats.parse_timestamp(orjson.loads(payload)["stored"])
    return raw_json_response(payload, call.version, headers={"Last-Modified": format_datetime(stored, usegmt=True)})


def _page(call: Call) -> Response:
    params = call.request.query_params
    limit = _non_negative_int(params.get("limit", "0"), "limit") or PAGE_MAX
    cursor = _non_negative_int(params["cursor"], "cursor") if "cursor" in params else None
    rows = call.store.recent(min(limit, PAGE_MAX) + 1, before_seq=cursor)
    page = rows[:min(limit, PAGE_MAX)]
    more = ""
    if len(rows) > len(page):
        more = f"{call.request.url.path}?limit={limit}&cursor={page[-1][0]}"
    body = b'{"statements":[' + b",".join(payload for _, payload in page) + b'],"more":' + orjson.dumps(more) + b"}"
    return raw_json_response(body, call.version)


def _non_negative_int(text: str, name: str) -> int:
    if not text.isdigit():
        raise BadRequest(name, "must be a non-negative integer")
    return int(text)
