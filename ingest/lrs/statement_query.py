"""Statement query parameters: checked one by one (400 naming the parameter), made the store's terms; `more` links."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import orjson
from starlette.requests import Request

from ingest.lrs import nesting
from ingest.lrs.exceptions import BadRequest
from ingest.lrs.statement_reads import StatementQuery
from ingest.xapi import formats, terms
from ingest.xapi.exceptions import StatementInvalid
from ingest.xapi.formatting import FORMATS
from ingest.xapi.validation import validate_actor

FILTERS = (
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
)
# Parameters of `more` links only: where the previous page ended and the last statement of the first page.
PAGING = ("cursor", "through")
PAGE_MAX = 500


@dataclass(frozen=True)
class ParsedQuery:
    store_query: StatementQuery
    format: str
    attachments: bool
    params: tuple[tuple[str, str], ...]

    def restricted_to(self, credential_name: str) -> StatementQuery:
        """The same query over the statements one credential stored (scope statements/read/mine)."""
        query = self.store_query
        return dataclasses.replace(query, terms=(*query.terms, terms.credential_term(credential_name)))

    def pinned(self, through_seq: int) -> StatementQuery:
        return dataclasses.replace(self.store_query, through_seq=through_seq)


def parse_query(params: Mapping[str, str], *, exclude: set[str] | frozenset[str] = frozenset()) -> ParsedQuery:
    for name in params:
        if name not in FILTERS and name not in PAGING and name not in exclude:
            raise BadRequest(name, "is not a parameter of the Statement resource (names are case sensitive)")
    search: list[str] = []
    if "registration" in params:
        if not formats.is_uuid(params["registration"]):
            raise BadRequest("registration", "must be a UUID")
        search.append(terms.registration_term(params["registration"]))
    if "agent" in params:
        search.append(terms.agent_term(_agent(params["agent"]), related=_boolean(params, "related_agents")))
    else:
        _boolean(params, "related_agents")
    if "activity" in params:
        if not formats.is_iri(params["activity"]):
            raise BadRequest("activity", "must be an IRI")
        search.append(terms.activity_term(params["activity"], related=_boolean(params, "related_activities")))
    else:
        _boolean(params, "related_activities")
    if "verb" in params:
        if not formats.is_iri(params["verb"]):
            raise BadRequest("verb", "must be an IRI")
        search.append(terms.verb_term(params["verb"]))
    limit = _non_negative(params, "limit", 0, clamp=PAGE_MAX) or PAGE_MAX
    kind = params.get("format", "exact")
    if kind not in FORMATS:
        raise BadRequest("format", "must be exact, ids or canonical")
    store_query = StatementQuery(
        terms=tuple(search),
        since=_timestamp(params, "since"),
        until=_timestamp(params, "until"),
        ascending=_boolean(params, "ascending"),
        limit=min(limit, PAGE_MAX),
        cursor=_non_negative(params, "cursor", None),
        through_seq=_non_negative(params, "through", None),
    )
    kept = tuple((name, value) for name, value in params.items() if name not in PAGING and name not in exclude)
    return ParsedQuery(store_query, kind, _boolean(params, "attachments"), kept)


def more_link(request: Request, query: ParsedQuery, last_seq: int, through_seq: int) -> str:
    """A relative IRL for the next page: the same parameters, continuing after `last_seq`."""
    params = [*query.params, ("cursor", str(last_seq)), ("through", str(through_seq))]
    return f"{request.url.path}?{urlencode(params)}"


def _agent(text: str) -> dict:
    try:
        agent = nesting.check(orjson.loads(text), "agent")
    except orjson.JSONDecodeError as err:
        raise BadRequest("agent", f"must be an Agent or Group as JSON ({err})") from err
    try:
        validate_actor(agent, "agent")
    except StatementInvalid as err:
        raise BadRequest(err.field, err.rule) from err
    return agent


def _boolean(params: Mapping[str, str], name: str) -> bool:
    value = params.get(name, "false")
    if value not in ("true", "false"):
        raise BadRequest(name, "must be true or false")
    return value == "true"


def _non_negative(params: Mapping[str, str], name: str, default: int | None, *, clamp: int | None = None) -> int | None:
    """A non-negative integer in ASCII digits: any size when it is clamped, else one the store can compare."""
    if name not in params:
        return default
    text = params[name]
    if not (text.isascii() and text.isdigit()):
        raise BadRequest(name, "must be a non-negative integer (digits 0-9)")
    if len(text.lstrip("0")) > 18:
        if clamp is not None:
            return clamp
        raise BadRequest(name, "must be at most 18 digits")
    return int(text) if clamp is None else min(int(text), clamp)


def _timestamp(params: Mapping[str, str], name: str) -> str | None:
    if name not in params:
        return None
    moment = formats.parse_timestamp(params[name])
    if moment is None:
        raise BadRequest(name, "must be an ISO 8601 timestamp with a time zone")
    return formats.format_timestamp(moment)
