"""The LRS as an ASGI app: the xAPI resources under /xapi/, plus /health for supervisors and load balancers."""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ingest.lrs import statements
from ingest.lrs.endpoint import CONSISTENT_THROUGH, xapi_resource
from ingest.lrs.responses import error_response, json_response
from ingest.lrs.store import LrsStore
from ingest.xapi import versions
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

# Browser-based content (Storyline, Rise, cmi5 players) posts from other origins.
CORS = Middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_methods=["GET", "HEAD", "POST", "PUT", "OPTIONS"],
    allow_headers=["Authorization", "Content-Type", versions.HEADER],
    expose_headers=[versions.HEADER, CONSISTENT_THROUGH, "Last-Modified", "ETag"],
)


def create_app(settings: Settings, store: LrsStore | None = None) -> Starlette:
    store = store or LrsStore(settings.lrs_db)
    statement_resource = xapi_resource(store, settings, consistent_through=True)

    async def about(request: Request) -> Response:
        # About answers without credentials and whatever version header the client sends.
        return json_response({"version": list(versions.ABOUT_VERSIONS)}, versions.LATEST)

    async def health(request: Request) -> Response:
        return json_response({"status": "ok"}, versions.LATEST)

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        message = {404: "no such resource", 405: "method not allowed on this resource"}.get(status, "request failed")
        return error_response(status, f"{message}: {request.method} {request.url.path}", versions.LATEST)

    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/xapi/about", about, methods=["GET"]),
        Route("/xapi/statements", statement_resource(statements.get), methods=["GET"]),
        Route("/xapi/statements", statement_resource(statements.post), methods=["POST"]),
        Route("/xapi/statements", statement_resource(statements.put), methods=["PUT"]),
    ]
    app = Starlette(routes=routes, middleware=[CORS], exception_handlers={404: http_error, 405: http_error})
    app.state.store = store
    return app
