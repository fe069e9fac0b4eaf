"""The document resources: State, Activity Profile and Agent Profile (PUT, POST merge, GET one or ids, DELETE)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ingest.lrs import document_store, scopes
from ingest.lrs.agents import agent_param
from ingest.lrs.document_store import Preconditions, Scope
from ingest.lrs.endpoint import Call
from ingest.lrs.exceptions import BadRequest
from ingest.lrs.responses import empty_response, http_date, json_response
from ingest.xapi import formats, versions
from ingest.xapi.terms import agent_value


@dataclass(frozen=True)
class Resource:
    kind: str
    id_param: str
    scope_params: tuple[str, ...]
    scope_needed: str
    # The State resource deletes every document of its scope when no stateId is given.
    deletes_many: bool = False


STATE = Resource("state", "stateId", ("activityId", "agent", "registration"), scopes.STATE, deletes_many=True)
ACTIVITY_PROFILE = Resource("activity_profile", "profileId", ("activityId",), scopes.PROFILE)
AGENT_PROFILE = Resource("agent_profile", "profileId", ("agent",), scopes.PROFILE)


def handlers(resource: Resource) -> dict[str, Callable[[Call], Awaitable[Response]]]:
    """The four methods of one document resource, for the app's routes."""

    async def get(call: Call) -> Response:
        scope = _prepare(call, resource, {resource.id_param, "since"})
        params = call.request.query_params
        document_id = params.get(resource.id_param)
        if document_id is None:
            since = _since(params)
            found = await run_in_threadpool(document_store.ids, call.store, scope, since)
            return json_response(found, call.version)
        document = await run_in_threadpool(document_store.get, call.store, scope, document_id)
        if document is None:
            return json_response({"error": f"no document {document_id!r} here"}, call.version, 404)
        response = Response(
            document.content,
            media_type=document.content_type,
            headers={"ETag": document.etag, "Last-Modified": http_date(document.updated)},
        )
        response.headers[versions.HEADER] = call.version
        return response

    async def put(call: Call) -> Response:
        return await _write(call, resource, document_store.put)

    async def post(call: Call) -> Response:
        return await _write(call, resource, document_store.post)

    async def delete(call: Call) -> Response:
        scope = _prepare(call, resource, {resource.id_param})
        document_id = call.request.query_params.get(resource.id_param)
        if document_id is None and not resource.deletes_many:
            raise BadRequest(resource.id_param, "query parameter is required to delete a document")
        await run_in_threadpool(document_store.delete, call.store, scope, document_id, _preconditions(call, resource))
        return empty_response(call.version)

    return {"GET": get, "PUT": put, "POST": post, "DELETE": delete}


async def _write(call: Call, resource: Resource, operation: Callable[..., document_store.Document]) -> Response:
    scope = _prepare(call, resource, {resource.id_param})
    document_id = call.request.query_params.get(resource.id_param)
    if document_id is None:
        raise BadRequest(resource.id_param, "query parameter is required to store a document")
    content = await call.body()
    content_type = call.request.headers.get("content-type") or "application/octet-stream"
    document = await run_in_threadpool(
        operation, call.store, scope, document_id, content, content_type, _preconditions(call, resource)
    )
    return empty_response(call.version, headers={"ETag": document.etag})


def _prepare(call: Call, resource: Resource, extra: set[str]) -> Scope:
    call.require(resource.scope_needed)
    params = call.request.query_params
    allowed = set(resource.scope_params) | extra
    for name in params:
        if name not in allowed:
            raise BadRequest(name, f"is not a parameter of this resource here (allowed: {', '.join(sorted(allowed))})")
    fields: dict = {}
    parts = []
    if "activityId" in resource.scope_params:
        activity_id = params.get("activityId")
        if activity_id is None:
            raise BadRequest("activityId", "query parameter is required")
        if not formats.is_iri(activity_id):
            raise BadRequest("activityId", "must be an IRI")
        fields["activityId"] = activity_id
        parts.append(activity_id)
    if "agent" in resource.scope_params:
        agent = agent_param(params.get("agent"))
        fields["agent"] = agent
        parts.append(agent_value(agent))
    if "registration" in resource.scope_params:
        registration = params.get("registration")
        if registration is not None and not formats.is_uuid(registration):
            raise BadRequest("registration", "must be a UUID")
        fields["registration"] = registration.lower() if registration else None
        parts.append(registration.lower() if registration else "")
    return Scope(resource.kind, "\n".join(parts), fields, owner=call.credential.name)


def _preconditions(call: Call, resource: Resource) -> Preconditions:
    headers = call.request.headers
    # xAPI 1.0.3 lets the State resource overwrite without ETags; 2.0.0 asks for them on every document resource.
    legacy = not versions.is_2_0(call.version)
    return Preconditions(
        headers.get("if-match"),
        headers.get("if-none-match"),
        blind_overwrite=resource is STATE and legacy,
        always_required=resource is not STATE and legacy,
    )


def _since(params) -> str | None:
    if "since" not in params:
        return None
    moment = formats.parse_timestamp(params["since"])
    if moment is None:
        raise BadRequest("since", "must be an ISO 8601 timestamp with a time zone")
    return formats.format_timestamp(moment)
