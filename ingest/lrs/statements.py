"""The Statement resource: POST and PUT store statements (JSON, or multipart/mixed with attachments), GET and HEAD read.

Parsing, validation and the store's transaction run off the event loop, so one large
batch does not stall other requests.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ingest.lrs import activities, multipart, nesting, scopes
from ingest.lrs.auth import authority_for
from ingest.lrs.endpoint import Call
from ingest.lrs.exceptions import BadRequest
from ingest.lrs.responses import empty_response, http_date, json_response, raw_json_response
from ingest.lrs.statement_query import ParsedQuery, more_link, parse_query
from ingest.xapi import formats, formatting, versions
from ingest.xapi.exceptions import StatementInvalid
from ingest.xapi.signatures import SIGNATURE_CONTENT_TYPE, check_signature, signature_attachments
from ingest.xapi.validation import validate_batch

SINGLE_PARAMS = {"statementId", "voidedStatementId"}
SINGLE_EXTRAS = {"attachments", "format"}


async def post(call: Call) -> Response:
    call.require(scopes.STATEMENTS_WRITE)
    _reject_params(call, allowed=set())
    body = await call.body()
    ids = await run_in_threadpool(_store, call, body, None)
    return json_response(ids, call.version)


async def put(call: Call) -> Response:
    call.require(scopes.STATEMENTS_WRITE)
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
    call.require(scopes.STATEMENTS_READ)
    params = call.request.query_params
    if "statementId" in params and "voidedStatementId" in params:
        raise BadRequest("voidedStatementId", "must not be combined with statementId")
    single = SINGLE_PARAMS & params.keys()
    if single:
        name = single.pop()
        extra = set(params.keys()) - SINGLE_PARAMS - SINGLE_EXTRAS
        if extra:
            raise BadRequest(sorted(extra)[0], f"must not be combined with {name} (only attachments and format may)")
        query = parse_query(params, exclude=SINGLE_PARAMS)
        return await run_in_threadpool(_one, call, name, params[name], query)
    query = parse_query(params)
    return await run_in_threadpool(_page, call, query)


# -- storing ----------------------------------------------------------------------------


def _store(call: Call, body: bytes, statement_id: str | None) -> list[str]:
    statements, parts = _parse(call, body, single=statement_id is not None)
    if statement_id is not None:
        sent_id = statements[0].get("id")
        if sent_id is not None and str(sent_id).lower() != statement_id.lower():
            raise BadRequest("id", "must equal the statementId query parameter")
        statements[0] = {"id": statement_id, **statements[0]}
    validate_batch(statements, allow_2_0=versions.is_2_0(call.version))
    attachments = _match_attachments(statements, parts)
    authority = authority_for(call.credential, call.settings.lrs_base_url)
    define = scopes.allows(call.credential, scopes.DEFINE)
    return call.store.save(
        statements,
        authority,
        credential=call.credential.name,
        default_version=versions.default_statement_version(call.version),
        attachments=attachments,
        on_commit=(lambda db: activities.merge_definitions(db, statements)) if define else None,
        may_void_any=scopes.voids_any_statement(call.credential),
    )


def _parse(call: Call, body: bytes, *, single: bool) -> tuple[list[Any], list[multipart.Part]]:
    content_type = call.request.headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    parts: list[multipart.Part] = []
    if media_type == "multipart/mixed":
        parts = multipart.parse(body, content_type)
        if parts[0].content_type != "application/json":
            raise BadRequest(
                "body part 1", "the first part of multipart/mixed must be the statements, application/json"
            )
        body = parts.pop(0).body
    elif media_type != "application/json":
        raise BadRequest("Content-Type", "must be application/json, or multipart/mixed for attachments")
    try:
        document = nesting.check(orjson.loads(body), "body")
    except orjson.JSONDecodeError as err:
        raise BadRequest("body", f"must be valid JSON ({err})") from err
    if isinstance(document, dict):
        return [document], parts
    if isinstance(document, list) and not single:
        if not document:
            raise BadRequest("body", "must hold at least one statement")
        return document, parts
    raise BadRequest(
        "body", "must be one statement object" if single else "must be a statement object or an array of them"
    )


def _match_attachments(statements: list[dict], parts: list[multipart.Part]) -> dict[str, tuple[str, bytes]]:
    """Pair each attachment declared without fileUrl with its raw part (by sha2); check signatures."""
    sent: dict[str, multipart.Part] = {}
    for index, part in enumerate(parts, start=2):
        declared = part.headers.get(multipart.HASH_HEADER)
        if not declared:
            raise BadRequest(f"body part {index}", "needs an X-Experience-API-Hash header with the SHA-2 of its data")
        if part.headers.get("content-transfer-encoding", "binary").lower() != "binary":
            raise BadRequest(f"body part {index}", "Content-Transfer-Encoding must be binary")
        sent[declared.lower()] = part
    wanted: set[str] = set()
    for index, statement in enumerate(statements):
        prefix = f"[{index}]." if len(statements) > 1 else ""
        holders = [(statement, prefix)]
        if statement["object"].get("objectType") == "SubStatement":
            holders.append((statement["object"], f"{prefix}object."))
        for holder, path in holders:
            for position, attachment in enumerate(holder.get("attachments", [])):
                field = f"{path}attachments[{position}]"
                sha2 = attachment["sha2"].lower()
                if sha2 in sent:
                    wanted.add(sha2)
                elif "fileUrl" not in attachment and not sent:
                    raise StatementInvalid(
                        f"{field}.fileUrl", "is required unless the attachment data is sent as multipart/mixed"
                    )
                elif "fileUrl" not in attachment:
                    raise StatementInvalid(f"{field}.sha2", "names no multipart part and the attachment has no fileUrl")
        for attachment in signature_attachments(statement):
            field = f"{prefix}attachments (signature)"
            if attachment["contentType"] != SIGNATURE_CONTENT_TYPE:
                raise StatementInvalid(
                    f"{field}.contentType", "a signature attachment must be application/octet-stream"
                )
            part = sent.get(attachment["sha2"].lower())
            if part is None:
                raise StatementInvalid(f"{field}.sha2", "a signed statement must send its JWS as a multipart part")
            check_signature(statement, part.body, field)
    extra = set(sent) - wanted
    if extra:
        raise BadRequest(
            "body", f"multipart part with hash {sorted(extra)[0]} belongs to no attachment of the statements"
        )
    return {sha2: (sent[sha2].content_type or "application/octet-stream", sent[sha2].body) for sha2 in wanted}


def _reject_params(call: Call, allowed: set[str]) -> None:
    for name in call.request.query_params:
        if name not in allowed:
            raise BadRequest(name, "is not a parameter of this resource (names are case sensitive)")


# -- reading ----------------------------------------------------------------------------


def _one(call: Call, name: str, statement_id: str, query: ParsedQuery) -> Response:
    if not formats.is_uuid(statement_id):
        raise BadRequest(name, "must be a UUID in its standard string form")
    payload = call.store.get_payload(statement_id)
    voided = payload is not None and call.store.is_voided(statement_id)
    # statementId never returns a voided statement; voidedStatementId returns only voided ones.
    if payload is None or voided != (name == "voidedStatementId"):
        return json_response({"error": f"no statement {statement_id} to return for {name}"}, call.version, 404)
    statement = orjson.loads(payload)
    if scopes.only_own_statements(call.credential) and statement["authority"] != authority_for(
        call.credential, call.settings.lrs_base_url
    ):
        return json_response({"error": f"no statement {statement_id} of this credential"}, call.version, 404)
    headers = {"Last-Modified": http_date(statement["stored"])}
    body = payload if query.format == "exact" else orjson.dumps(_formatted(call, statement, query.format))
    return _respond(call, body, [statement], query.attachments, headers)


def _page(call: Call, query: ParsedQuery) -> Response:
    if query.store_query.through_seq is None:
        # Pin the result set at its first page, so later pages neither repeat nor skip statements.
        query = dataclasses.replace(query, store_query=query.pinned(call.store.last_seq()))
    store_query = query.store_query
    if scopes.only_own_statements(call.credential):
        store_query = query.restricted_to(call.credential.name)
    rows = call.store.query(dataclasses.replace(store_query, limit=store_query.limit + 1))
    page = rows[: store_query.limit]
    more = more_link(call.request, query, page[-1][0], store_query.through_seq) if len(rows) > len(page) else ""
    statements = [orjson.loads(payload) for _, payload in page] if query.format != "exact" or query.attachments else []
    if query.format == "exact":
        listed = b",".join(payload for _, payload in page)
    else:
        listed = b",".join(orjson.dumps(_formatted(call, statement, query.format)) for statement in statements)
    body = b'{"statements":[' + listed + b'],"more":' + orjson.dumps(more) + b"}"
    headers = {}
    if page:
        newest = max(orjson.loads(payload)["stored"] for _, payload in page[:1] + page[-1:])
        headers["Last-Modified"] = http_date(newest)
    return _respond(call, body, statements, query.attachments, headers)


def _formatted(call: Call, statement: dict, kind: str) -> dict:
    if kind == "ids":
        return formatting.ids_format(statement)
    languages = formatting.accepted_languages(call.request.headers.get("accept-language"))
    return formatting.canonical_format(
        statement, languages, lambda activity_id: activities.definition(call.store, activity_id)
    )


def _respond(
    call: Call, body: bytes, statements: list[dict], with_attachments: bool, headers: dict[str, str]
) -> Response:
    if not with_attachments:
        return raw_json_response(body, call.version, headers=headers)
    parts = []
    seen: set[str] = set()
    for statement in statements:
        for holder in (statement, statement["object"]):
            for attachment in holder.get("attachments", []) if isinstance(holder, dict) else []:
                sha2 = attachment["sha2"].lower()
                stored = call.store.attachment(statement["id"], sha2) if sha2 not in seen else None
                if stored is not None:
                    seen.add(sha2)
                    parts.append((sha2, stored[0], stored[1]))
    content, content_type = multipart.build(body, parts)
    response = Response(content, media_type=content_type, headers=headers)
    response.headers[versions.HEADER] = call.version
    return response
