"""xAPI 1.0.3's alternate request syntax: a form POST with ?method=X carries headers, parameters and content.

Browser content that cannot send custom headers or cross-origin PUTs uses it. This ASGI
layer turns such a request back into the request it stands for, so the resources never
see the difference, and neither does the sign-in limit inside it. The form carries the
credentials, so it is read before anyone is authenticated: within the same body limit as
every other request (413 as soon as it is passed, or announced), and within the server's
body read timeout.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ingest.xapi.versions import HEADER, LATEST

FORM = "application/x-www-form-urlencoded"
METHODS = ("GET", "HEAD", "PUT", "POST", "DELETE")
# Form fields that stand for request headers (matched without regard to case).
HEADER_FIELDS = (
    "authorization",
    "x-experience-api-version",
    "content-type",
    "content-length",
    "if-match",
    "if-none-match",
)


class AlternateSyntax:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or b"method=" not in scope.get("query_string", b""):
            await self.app(scope, receive, send)
            return
        query = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        method = dict(query).get("method", "").upper()
        problem = None
        if len(query) != 1:
            problem = ("method", "with the alternate request syntax, every other parameter goes in the form body")
        elif method not in METHODS:
            problem = ("method", f"must be one of {', '.join(METHODS)}")
        headers = {name.lower(): value for name, value in scope["headers"]}
        if problem is None and headers.get(b"content-type", b"").split(b";")[0].strip().lower() != FORM.encode():
            problem = ("Content-Type", f"must be {FORM} with the alternate request syntax")
        if problem is not None:
            await _refuse(send, *problem)
            return
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await _refuse(send, "body", f"{int(declared)} bytes exceed the limit of {self.limit} bytes", status=413)
            return
        try:
            form = await _read_within(receive, self.limit)
        except _TooLarge:
            await _refuse(send, "body", f"exceeds the limit of {self.limit} bytes", status=413)
            return
        if form is None:
            return  # the client went away, or stopped sending and was timed out: nobody to answer
        try:
            rewritten, content = _rewritten(scope, method, form)
        except UnicodeError:
            await _refuse(send, "body", "the form must be UTF-8, percent-encoded")
            return
        version = dict(rewritten["headers"]).get(HEADER.lower().encode(), b"").decode("latin-1")
        if version.strip().startswith("2."):
            await _refuse(
                send, "method", "the alternate request syntax was removed in xAPI 2.0.0; send a plain request"
            )
            return
        await self.app(rewritten, _replay(content, receive), send)


def _rewritten(scope: Scope, method: str, body: bytes) -> tuple[Scope, bytes]:
    fields = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    header_values: dict[str, str] = {}
    params: list[tuple[str, str]] = []
    content = ""
    for name, value in fields:
        if name.lower() in HEADER_FIELDS:
            header_values[name.lower()] = value
        elif name == "content":
            content = value
        else:
            params.append((name, value))
    encoded = content.encode("utf-8")
    header_values["content-length"] = str(len(encoded))
    header_values.setdefault("content-type", "application/json")
    # Real headers (Authorization, say) stay unless the form gives the same header.
    kept = [(name, value) for name, value in scope["headers"] if name.decode("latin-1").lower() not in header_values]
    new_headers = kept + [(name.encode("latin-1"), value.encode("latin-1")) for name, value in header_values.items()]
    return {
        **scope,
        "method": method,
        "query_string": urlencode(params).encode("latin-1"),
        "headers": new_headers,
    }, encoded


def _replay(content: bytes, receive: Receive) -> Receive:
    """A receive that yields the form's content as the body, then waits on the real connection."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": content, "more_body": False}
        return await receive()

    return replay


class _TooLarge(Exception):
    pass


async def _read_within(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None when the client disconnected first; _TooLarge as soon as it passes `limit`."""
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _refuse(send: Send, field: str, rule: str, status: int = 400) -> None:
    body = orjson.dumps({"error": f"{field}: {rule}", "field": field, "rule": rule})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (HEADER.encode(), LATEST.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
