"""An OpenAPI 3.0 description of the LRS's HTTP interface, for API tools and for fuzzing it with Schemathesis.

It describes what a client may send and which statuses come back; the xAPI
specification remains the authority on statement content, so bodies are described
loosely (any JSON) and the LRS's own validation answers precisely.
"""

from __future__ import annotations

from typing import Any

from ingest.xapi import versions

VERSION_HEADER = {
    "name": versions.HEADER,
    "in": "header",
    "required": True,
    "schema": {"type": "string", "enum": ["1.0.3", "2.0.0"]},
}
ERROR = {
    "description": "refused; the body names the field and the rule",
    "content": {"application/json": {"schema": {"type": "object"}}},
}
UNAUTHORISED = {"description": "no valid credentials"}
LIMITED = {"description": "too many failed sign-ins; wait Retry-After seconds"}
ANY_JSON: dict[str, dict] = {"application/json": {"schema": {}}}
DOCUMENT_BODY = {
    "content": {
        "application/json": {"schema": {"type": "object"}},
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
    }
}


def _query(name: str, required: bool = False, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema or {"type": "string"}}


def _answers(*codes: int, body: bool = True) -> dict:
    answers: dict[str, Any] = {"400": ERROR, "401": UNAUTHORISED, "403": ERROR, "413": ERROR, "429": LIMITED}
    for code in codes:
        answers[str(code)] = {"description": "done", **({"content": ANY_JSON} if body else {})}
    return answers


def _operation(summary: str, params: list[dict], answers: dict, body: dict | None = None) -> dict:
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": [VERSION_HEADER, *params],
        "responses": answers,
        "security": [{"basic": []}],
    }
    if body is not None:
        operation["requestBody"] = body
    return operation


STATEMENT_FILTERS = [
    _query("statementId"),
    _query("voidedStatementId"),
    _query("agent"),
    _query("verb"),
    _query("activity"),
    _query("registration"),
    _query("related_activities", schema={"type": "string", "enum": ["true", "false"]}),
    _query("related_agents", schema={"type": "string", "enum": ["true", "false"]}),
    _query("since"),
    _query("until"),
    _query("limit", schema={"type": "integer", "minimum": 0}),
    _query("format", schema={"type": "string", "enum": ["exact", "ids", "canonical"]}),
    _query("attachments", schema={"type": "string", "enum": ["true", "false"]}),
    _query("ascending", schema={"type": "string", "enum": ["true", "false"]}),
]


def _document_paths() -> dict[str, dict]:
    scopes = {
        "/xapi/activities/state": [
            _query("activityId", True),
            _query("agent", True),
            _query("registration"),
            _query("stateId"),
        ],
        "/xapi/activities/profile": [_query("activityId", True), _query("profileId")],
        "/xapi/agents/profile": [_query("agent", True), _query("profileId")],
    }
    paths = {}
    for path, params in scopes.items():
        with_since = [*params, _query("since")]
        paths[path] = {
            "get": _operation("a document, or the ids of the documents in scope", with_since, _answers(200, 404)),
            "put": _operation(
                "store a document (replaces it)", params, _answers(204, 409, 412, body=False), DOCUMENT_BODY
            ),
            "post": _operation(
                "store or merge a JSON document", params, _answers(204, 409, 412, body=False), DOCUMENT_BODY
            ),
            "delete": _operation("delete a document, or every state in scope", params, _answers(204, 412, body=False)),
        }
    return paths


def describe(server_url: str = "/") -> dict:
    """The whole description; `server_url` is where the LRS listens."""
    statement_body = {"required": True, "content": ANY_JSON}
    paths: dict[str, dict] = {
        "/xapi/about": {
            "get": {
                "summary": "versions this LRS speaks (no credentials needed)",
                "security": [],
                "responses": {"200": {"description": "versions", "content": ANY_JSON}},
            }
        },
        "/xapi/statements": {
            "get": _operation("one statement or a page of statements", STATEMENT_FILTERS, _answers(200, 404)),
            "post": _operation("store statements", [], _answers(200, 409), statement_body),
            "put": _operation(
                "store one statement under an id",
                [_query("statementId", True)],
                _answers(204, 409, body=False),
                statement_body,
            ),
        },
        "/xapi/activities": {
            "get": _operation("an activity's definition", [_query("activityId", True)], _answers(200, 404))
        },
        "/xapi/agents": {"get": _operation("a Person object for an agent", [_query("agent", True)], _answers(200))},
        **_document_paths(),
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Leerstroom LRS",
            "version": versions.LATEST,
            "description": "The xAPI Learning Record Store interface of Leerstroom.",
        },
        "servers": [{"url": server_url}],
        "components": {"securitySchemes": {"basic": {"type": "http", "scheme": "basic"}}},
        "paths": paths,
    }
