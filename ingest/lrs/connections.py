"""HTTP connections nobody can hold open by sending half a request: header and body read timeouts.

uvicorn times out only idle keep-alive connections. A client that sends part of its headers,
or announces a body and stops sending it, would otherwise keep its connection, a file
descriptor and (for the body) a waiting request for good; a few hundred such clients
exhaust the process. This is uvicorn's httptools protocol with two timers:

- headers: from the connection's start, or a new request's first byte, until the headers
  are complete; past it the connection gets 408 and is closed;
- body: the longest pause between two reads of a request's body; past it the waiting
  request is answered 408 and the connection closed. The handler reading the body sees
  the client gone (RequestIncomplete), nothing is stored.

It hooks the protocol's parser callbacks, so it is tied to uvicorn's httptools protocol;
tests/reliability/test_access.py proves the timeouts against the real server.
"""

from __future__ import annotations

import asyncio
import logging

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ingest.xapi.versions import HEADER, LATEST

log = logging.getLogger(__name__)

TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nConnection: close\r\n"
    + HEADER.encode()
    + b": "
    + LATEST.encode()
    + b"\r\n"
)


def timed_protocol(header_seconds: float, body_seconds: float) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol with these timeouts, to pass as uvicorn.Config(http=...)."""

    class TimedProtocol(HttpToolsProtocol):
        # Ignored override: asyncio.Protocol takes any BaseTransport; uvicorn's protocol narrows it, as this does.
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            self._timer: asyncio.TimerHandle | None = None
            super().connection_made(transport)
            self._arm(header_seconds, "headers")

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm(header_seconds, "headers")

        def on_headers_complete(self) -> None:
            super().on_headers_complete()
            self._arm(body_seconds, "body")

        def on_body(self, body: bytes) -> None:
            super().on_body(body)
            if self.cycle is not None and not self.cycle.response_complete:
                self._arm(body_seconds, "body")

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._disarm()

        def _arm(self, seconds: float, phase: str) -> None:
            self._disarm()
            self._timer = self.loop.call_later(seconds, self._timed_out, phase, seconds)

        def _disarm(self) -> None:
            timer = getattr(self, "_timer", None)
            if timer is not None:
                timer.cancel()
                self._timer = None

        def _timed_out(self, phase: str, seconds: float) -> None:
            self._timer = None
            if self.transport.is_closing():
                return
            client = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
            log.info("closing the connection of %s: no complete request %s within %g s", client, phase, seconds)
            if self.cycle is None or self.cycle.response_complete or not self.cycle.response_started:
                body = f'{{"error": "request {phase} not received within {seconds:g} s"}}'.encode()
                self.transport.write(TIMED_OUT + b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.transport.close()

    return TimedProtocol
