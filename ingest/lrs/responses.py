"""JSON responses of the LRS: orjson bodies, the xAPI version header on every one, errors that name field and rule."""

from __future__ import annotations

from email.utils import format_datetime
from typing import Any

import orjson
from starlette.responses import Response

from ingest.xapi.formats import parse_timestamp
from ingest.xapi.versions import HEADER

JSON = "application/json"


def json_response(data: Any, version: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return raw_json_response(orjson.dumps(data), version, status, headers)


def raw_json_response(body: bytes, version: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(body, status_code=status, media_type=JSON, headers=headers)
    response.headers[HEADER] = version
    return response


def empty_response(version: str, status: int = 204, headers: dict[str, str] | None = None) -> Response:
    response = Response(status_code=status, headers=headers)
    response.headers[HEADER] = version
    return response


def error_response(
    status: int,
    message: str,
    version: str,
    *,
    field: str | None = None,
    rule: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {"error": message}
    if field is not None:
        body["field"] = field
    if rule is not None:
        body["rule"] = rule
    return json_response(body, version, status, headers)


def http_date(timestamp: str) -> str:
    """An LRS-written timestamp (stored, updated) as an HTTP date for Last-Modified."""
    moment = parse_timestamp(timestamp)
    if moment is None:
        raise ValueError(f"not a timestamp this LRS writes: {timestamp!r}")
    return format_datetime(moment, usegmt=True)
