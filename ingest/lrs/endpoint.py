"""What every xAPI resource shares: authentication, the version header, body limits and error mapping.

Handlers stay thin: they receive a Call (the request, its negotiated version and
credential) and raise the LRS's own errors, which are mapped to status codes here.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from ingest.lrs import rejected, scopes
from ingest.lrs.auth import REALM, authenticate
from ingest.lrs.credentials import Credential
from ingest.lrs.exceptions import (
    DocumentConflict,
    Forbidden,
    PayloadTooLarge,
    PersonForgotten,
    PreconditionFailed,
    RequestIncomplete,
    StatementConflict,
    StoreUnavailable,
)
from ingest.lrs.responses import error_response
from ingest.lrs.store import LrsStore
from ingest.xapi import versions
from ingest.xapi.exceptions import InvalidField, VersionUnsupported
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"


@dataclass(frozen=True)
class Call:
    request: Request
    version: str
    credential: Credential
    store: LrsStore
    settings: Settings

    def require(self, need: str) -> None:
        """Raise Forbidden (403) unless this call's credential may do this (ingest/lrs/scopes.py)."""
        if not scopes.allows(self.credential, need, reading=self.request.method in scopes.READ_METHODS):
            raise Forbidden(need)

    async def body(self) -> bytes:
        """The request body, refused with PayloadTooLarge as soon as it passes the configured limit."""
        return await read_body(self.request, self.settings.lrs_max_body_bytes)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with PayloadTooLarge as soon as it passes `limit`.

    The body stays on the request, for the dead-letter store should the request be refused.
    """
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"request body of {declared} bytes exceeds the limit of {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(f"request body exceeds the limit of {limit} bytes")
            chunks.append(chunk)
    except ClientDisconnect as err:
        raise RequestIncomplete(f"the body ended after {size} bytes: the client went away or timed out") from err
    body = b"".join(chunks)
    request.state.received_body = body
    return body


Handler = Callable[[Call], Awaitable[Response]]


def xapi_resource(
    store: LrsStore, settings: Settings, *, consistent_through: bool = False
) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap a handler with authentication, version negotiation and the mapping of errors to statuses."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            response = await _answer(handler, request, store, settings)
            if consistent_through:
                response.headers[CONSISTENT_THROUGH] = store.consistent_through()
            return response

        return endpoint

    return wrap


async def _answer(handler: Handler, request: Request, store: LrsStore, settings: Settings) -> Response:
    header = request.headers.get(versions.HEADER)
    try:
        version = versions.negotiate(header)
    except VersionUnsupported:
        version = versions.LATEST
    verdict = authenticate(store, request.headers.get("authorization"))
    if verdict.credential is None:
        if verdict.refused_name is not None:
            await run_in_threadpool(
                rejected.record,
                store,
                settings,
                rejected.Refusal(verdict.refused_name, _request_line(request), 401, verdict.reason),
            )
        return error_response(
            401,
            f"valid HTTP Basic credentials are required ({verdict.reason})",
            version,
            headers={"WWW-Authenticate": REALM},
        )
    response = await _handle(handler, Call(request, version, verdict.credential, store, settings), header)
    if 400 <= response.status_code < 500 and response.status_code != 404:
        line = _request_line(request, with_query=not getattr(response, "names_a_forgotten_person", False))
        error, field, rule = _error_of(response)
        body = None
        if response.status_code == 400 and rejected.is_statement_write(request.method, request.url.path):
            body = await _refused_body(request, settings)
        await run_in_threadpool(
            rejected.record,
            store,
            settings,
            rejected.Refusal(
                verdict.credential.name,
                line,
                response.status_code,
                error,
                field,
                rule,
                version,
                request.headers.get("content-type"),
                body,
            ),
        )
    return response


async def handle_as(handler: Handler, call: Call) -> Response:
    """Answer a call whose credential is already known, mapping errors to statuses as for any request.

    `leerstroom rejected replay` re-submits refused statements through this, so they meet the same
    validation and the same store as when the tool sent them.
    """
    return await _handle(handler, call, call.version)


async def _refused_body(request: Request, settings: Settings) -> bytes | None:
    """The body of a refused statement write: as the handler read it, or read now if it was refused before that."""
    received = getattr(request.state, "received_body", None)
    if received is not None:
        return received
    try:
        return await read_body(request, settings.lrs_max_body_bytes)
    except (PayloadTooLarge, RequestIncomplete, RuntimeError):  # RuntimeError: the handler consumed part of it
        return None


async def _handle(handler: Handler, call: Call, header: str | None) -> Response:
    version = call.version
    try:
        versions.negotiate(header)
        return await handler(call)
    except VersionUnsupported as err:
        return error_response(400, str(err), version, field=versions.HEADER, rule="must be 1.0.0-1.0.3 or 2.0.0")
    except InvalidField as err:
        return error_response(400, str(err), version, field=err.field, rule=err.rule)
    except Forbidden as err:
        return error_response(403, str(err), version, field="Authorization", rule=f"needs scope {err.scope}")
    except PersonForgotten as err:
        # Who it was stays out of the log and the rejection note: no query string (a document's agent is in it).
        log.info("refused %s %s: %s", call.request.method, call.request.url.path, err)
        response = error_response(403, str(err), version, field=err.field, rule=err.rule)
        response.names_a_forgotten_person = True  # type: ignore[attr-defined]  # read by the request log above
        return response
    except StatementConflict as err:
        return error_response(409, str(err), version, field="id", rule="a stored statement id cannot take new content")
    except DocumentConflict as err:
        return error_response(409, str(err), version, field="If-Match", rule="required to overwrite a document")
    except PreconditionFailed as err:
        return error_response(412, str(err), version, field="If-Match", rule="must match the document's current ETag")
    except PayloadTooLarge as err:
        return error_response(413, str(err), version)
    except RequestIncomplete as err:
        log.info("gave up on %s %s: %s", call.request.method, call.request.url.path, err)
        return error_response(408, str(err), version, headers={"Connection": "close"})
    except StoreUnavailable as err:
        log.error("answering 503: %s", err)
        return error_response(503, "the LRS store is unavailable; retry later", version, headers={"Retry-After": "1"})
    except Exception:
        # A bug, not bad input: log it in full and say so, without leaking internals.
        log.exception("unexpected error answering %s %s", call.request.method, call.request.url.path)
        return error_response(500, "internal error; the request was not stored", version)


def _request_line(request: Request, with_query: bool = True) -> str:
    query = f"?{request.url.query}" if request.url.query and with_query else ""
    return f"{request.method} {request.url.path}{query}"


def _error_of(response: Response) -> tuple[str, str | None, str | None]:
    """The error message, field and rule of an error response."""
    try:
        found = orjson.loads(response.body)
        return str(found.get("error", "")), found.get("field"), found.get("rule")
    except (orjson.JSONDecodeError, AttributeError):
        return f"HTTP {response.status_code}", None, None
