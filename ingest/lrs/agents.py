"""The Agents resource: the Person object the LRS knows for an Agent (each property an array)."""

from __future__ import annotations

import orjson
from starlette.responses import Response

from ingest.lrs import nesting, scopes
from ingest.lrs.endpoint import Call
from ingest.lrs.exceptions import BadRequest
from ingest.lrs.responses import json_response
from ingest.xapi.exceptions import StatementInvalid
from ingest.xapi.identity import IFI_PROPERTIES
from ingest.xapi.validation import validate_actor


def agent_param(text: str | None, field: str = "agent") -> dict:
    """The Agent a document or Agents request names, checked as the Statement resource checks actors."""
    if text is None:
        raise BadRequest(field, "query parameter is required")
    try:
        agent = nesting.check(orjson.loads(text), field)
    except orjson.JSONDecodeError as err:
        raise BadRequest(field, f"must be an Agent as JSON ({err})") from err
    if not isinstance(agent, dict) or agent.get("objectType", "Agent") != "Agent":
        raise BadRequest(field, "must be an Agent object (objectType Agent)")
    try:
        validate_actor(agent, field)
    except StatementInvalid as err:
        raise BadRequest(err.field, err.rule) from err
    return agent


async def get(call: Call) -> Response:
    call.require(scopes.DESCRIBE)
    for name in call.request.query_params:
        if name != "agent":
            raise BadRequest(name, "is not a parameter of the Agents resource")
    agent = agent_param(call.request.query_params.get("agent"))
    person: dict = {"objectType": "Person"}
    if "name" in agent:
        person["name"] = [agent["name"]]
    for prop in IFI_PROPERTIES:
        if prop in agent:
            person[prop] = [agent[prop]]
    return json_response(person, call.version)
