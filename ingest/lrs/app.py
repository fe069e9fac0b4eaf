"""The LRS as an ASGI app: the xAPI resources under /xapi/, plus /health for supervisors and load balancers."""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ingest.lrs import activities, agents, documents, openapi, statements
from ingest.lrs.alternate import AlternateSyntax
from ingest.lrs.auth import REALM, SignInThrottle, authenticate, basic_credentials
from ingest.lrs.endpoint import CONSISTENT_THROUGH, xapi_resource
from ingest.lrs.responses import error_response, json_response
from ingest.lrs.store import LrsStore
from ingest.privacy.forgotten import ForgetList
from ingest.xapi import versions
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

# Browser-based content (Storyline, Rise, cmi5 players) calls from other origins; preflights need no credentials.
CORS = Middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
    allow_headers=["*"],
    expose_headers=[versions.HEADER, CONSISTENT_THROUGH, "Last-Modified", "ETag", "Content-Type"],
    max_age=86400,
)
DOCUMENT_PATHS = {
    "/xapi/activities/state": documents.STATE,
    "/xapi/activities/profile": documents.ACTIVITY_PROFILE,
    "/xapi/agents/profile": documents.AGENT_PROFILE,
}


class SignInLimit:
    """Answers 429 with Retry-After to a key from an address, or an address, with too many recent failed sign-ins.

    Only requests that present credentials and get 401 count as failures: a request
    without any (a browser's first try, About, a health probe) is not a guess. It sits
    inside AlternateSyntax, so credentials sent in a form count the same as a header.
    """

    def __init__(self, app: ASGIApp, throttle: SignInThrottle) -> None:
        self.app, self.throttle = app, throttle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = Headers(scope=scope).get("authorization")
        pair = basic_credentials(header)
        key = pair[0] if pair else None
        address = scope["client"][0] if scope.get("client") else None
        wait = self.throttle.retry_after(key, address)
        if wait is not None:
            log.warning("refusing a request from %s for key %s: too many failed sign-ins", address, key)
            response = error_response(
                429,
                f"too many failed sign-ins from this address; retry in {wait} s",
                versions.LATEST,
                headers={"Retry-After": str(wait)},
            )
            await response(scope, receive, send)
            return
        status = {}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if status.get("code") == 401 and header:
            self.throttle.failed(key, address)


def create_app(settings: Settings, store: LrsStore | None = None) -> Starlette:
    store = store or LrsStore(settings, forgotten=ForgetList(settings))
    statement_resource = xapi_resource(store, settings, consistent_through=True)
    resource = xapi_resource(store, settings)

    async def about(request: Request) -> Response:
        # About answers without credentials and whatever version header the client sends.
        return json_response({"version": list(versions.ABOUT_VERSIONS)}, versions.LATEST)

    async def health(request: Request) -> Response:
        return json_response({"status": "ok"}, versions.LATEST)

    async def description(request: Request) -> Response:
        verdict = authenticate(store, request.headers.get("authorization"))
        if verdict.credential is None:
            return error_response(
                401,
                f"valid HTTP Basic credentials are required ({verdict.reason})",
                versions.LATEST,
                headers={"WWW-Authenticate": REALM},
            )
        return json_response(openapi.describe(str(request.base_url)), versions.LATEST)

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        message = {404: "no such resource", 405: "method not allowed on this resource"}.get(status, "request failed")
        return error_response(status, f"{message}: {request.method} {request.url.path}", versions.LATEST)

    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/xapi/about", about, methods=["GET"]),
        Route("/xapi/openapi.json", description, methods=["GET"]),
        Route("/xapi/statements", statement_resource(statements.get), methods=["GET"]),
        Route("/xapi/statements", statement_resource(statements.post), methods=["POST"]),
        Route("/xapi/statements", statement_resource(statements.put), methods=["PUT"]),
        Route("/xapi/activities", resource(activities.get), methods=["GET"]),
        Route("/xapi/agents", resource(agents.get), methods=["GET"]),
    ]
    for path, kind in DOCUMENT_PATHS.items():
        for method, handler in documents.handlers(kind).items():
            routes.append(Route(path, resource(handler), methods=[method]))
    throttle = SignInThrottle(settings.lrs_signin_failures, settings.lrs_signin_window_seconds, key_per_address=True)
    # Outermost first: the alternate syntax becomes a plain request (its form read within the body limit) before
    # the sign-in limit reads its credentials.
    app = Starlette(
        routes=routes,
        middleware=[
            CORS,
            Middleware(AlternateSyntax, limit=settings.lrs_max_body_bytes),
            Middleware(SignInLimit, throttle=throttle),
        ],
        exception_handlers={404: http_error, 405: http_error},
    )
    app.state.store = store
    return app
