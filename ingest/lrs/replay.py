"""Replay: re-submit a statement the LRS refused with 400, after the tool's repair rules, through the same handler.

A replay goes through the Statement resource's own POST or PUT handler, with the refused
request's credential, xAPI version and content type: the same validation, the same store, the
same outbox, so what it stores reaches the lake like any statement. It is safe to repeat:

- a statement sent without an id gets one derived from its own content (SHA-256 of its JSON with
  sorted keys), so replaying it twice, or in two refused batches, stores it once;
- every replayed statement carries the extension REPLAYED: that SHA-256 of the original statement,
  and each repair with the value it replaced. The dead letter keeps the whole body until it expires.

Nothing about the tool's original answer changes: it got its 400 long ago.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import urllib.parse
import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.requests import Request

from ingest.lrs import credentials, multipart, rejected, statements
from ingest.lrs.endpoint import Call, handle_as
from ingest.lrs.rejected import Rejection
from ingest.lrs.repairs import Change, ToolRepairs
from ingest.lrs.store import LrsStore
from ingest.xapi import versions
from ingest.xapi.exceptions import InvalidField
from ingest.xapi.validation import validate_batch
from leerstroom.errors import TerminalError
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

REPLAYED = "urn:leerstroom:extension:replayed"
ID_NAMESPACE = uuid.UUID("2f0d5b9e-5c3b-4c55-9f0e-6a1d0c4e7b21")  # ids for replayed statements sent without one


class CannotReplay(TerminalError):
    """This refusal cannot be re-submitted (not a statement, body not kept, credential gone); the message says why."""


@dataclass
class Prepared:
    """A refused request made ready to send again: its body after repairs, and what changed."""

    body: bytes
    content_type: str
    changes: list[list[Change]] = field(default_factory=list)  # per statement of the batch


@dataclass(frozen=True)
class Outcome:
    seq: int
    status: int
    message: str
    statement_ids: list[str]
    changes: int

    @property
    def stored(self) -> bool:
        return self.status in (200, 204)


def prepare(letter: Rejection, rules: ToolRepairs | None) -> Prepared:
    """The refused body with the tool's repairs applied, ids assigned and the replay extension added."""
    if not letter.is_dead_letter:
        raise CannotReplay(
            f"refusal {letter.seq} is not a statement refused with 400 ({letter.request}, {letter.status})"
        )
    if not letter.has_whole_body or letter.body is None:
        raise CannotReplay(
            f"refusal {letter.seq}: the body was not kept whole ({letter.body_note or 'no body'}); "
            "ask the tool to send it again"
        )
    content_type = letter.content_type or "application/json"
    json_body, parts = letter.body, []
    if content_type.split(";")[0].strip().lower() == "multipart/mixed":
        parts = multipart.parse(letter.body, content_type)
        json_body = parts.pop(0).body
    try:
        document = orjson.loads(json_body)
    except orjson.JSONDecodeError:
        # Not JSON at all: sent as it was, so the replay is refused with the same reason.
        return Prepared(letter.body, content_type)
    batch = document if isinstance(document, list) else [document]
    originals = [
        hashlib.sha256(orjson.dumps(statement, option=orjson.OPT_SORT_KEYS)).hexdigest() for statement in batch
    ]
    changes = [rules.apply(statement) if rules else [] for statement in batch]
    for statement, original, changed in zip(batch, originals, changes, strict=True):
        if isinstance(statement, dict):
            _mark(statement, original, changed, single_put=letter.method == "PUT")
    json_body = orjson.dumps(document)
    if parts:
        json_body, content_type = multipart.build(
            json_body, [(p.headers.get(multipart.HASH_HEADER, ""), p.content_type, p.body) for p in parts]
        )
    return Prepared(json_body, content_type, changes)


def _mark(statement: dict, original: str, changes: list[Change], *, single_put: bool) -> None:
    # Only the statement itself decides its id and extension: sent again in another batch, it replays identical.
    if "id" not in statement and not single_put:
        statement["id"] = str(uuid.uuid5(ID_NAMESPACE, original))
        changes.append(Change("id", "id_for_replay", None))
    context = statement.get("context")
    if context is None:
        context = statement["context"] = {}
    if isinstance(context, dict):
        extensions = context.setdefault("extensions", {})
        if isinstance(extensions, dict):
            extensions[REPLAYED] = {"originalSha256": original, "repairs": [change.as_dict() for change in changes]}


def check(prepared: Prepared, version: str) -> str | None:
    """Whether the repaired statements pass statement validation: None, or the field and rule they break."""
    json_body = prepared.body
    if prepared.content_type.startswith("multipart/"):
        json_body = multipart.parse(prepared.body, prepared.content_type)[0].body
    try:
        document = orjson.loads(json_body)
        validate_batch(document if isinstance(document, list) else [document], allow_2_0=versions.is_2_0(version))
    except orjson.JSONDecodeError as err:
        return f"body: must be valid JSON ({err})"
    except InvalidField as err:
        return str(err)
    return None


def replay(store: LrsStore, settings: Settings, letter: Rejection, rules: ToolRepairs | None) -> Outcome:
    """Send one dead letter again as its tool; record the outcome on it; nothing is stored twice."""
    credential = _credential(store, letter)
    prepared = prepare(letter, rules)
    version = letter.version or versions.LATEST
    response = asyncio.run(
        handle_as(_handler(letter), Call(_request(letter, prepared, version), version, credential, store, settings))
    )
    answer = orjson.loads(response.body) if response.body else None
    changes = sum(len(c) for c in prepared.changes)
    if response.status_code == 200:
        ids = [str(i) for i in answer]
    elif response.status_code == 204:
        ids = [urllib.parse.parse_qs(letter.query)["statementId"][0].lower()]
    else:
        message = f"refused again with {response.status_code}: {answer.get('error') if answer else ''}"
        rejected.note_replay_refused(store, letter.seq, message)
        log.info("replay of refusal %d: %s", letter.seq, message)
        return Outcome(letter.seq, response.status_code, message, [], changes)
    message = f"stored {len(ids)} statement(s) after {changes} change(s)"
    rejected.mark_replayed(store, letter.seq, ids, message)
    log.info("replay of refusal %d: %s", letter.seq, message)
    return Outcome(letter.seq, response.status_code, message, ids, changes)


def _credential(store: LrsStore, letter: Rejection) -> credentials.Credential:
    found = {c.name: c for c in credentials.list_credentials(store)}.get(letter.credential)
    if found is None:
        raise CannotReplay(f"refusal {letter.seq}: credential {letter.credential!r} no longer exists")
    if found.revoked_at is not None:
        raise CannotReplay(
            f"refusal {letter.seq}: credential {letter.credential!r} was revoked at "
            f"{found.revoked_at}; its statements are not accepted any more"
        )
    return found


def _handler(letter: Rejection):
    return statements.put if letter.method == "PUT" else statements.post


def _request(letter: Rejection, prepared: Prepared, version: str) -> Request:
    """The refused request as the handler sees it: method, query, content type, version header and repaired body."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": prepared.body, "more_body": False}

    headers = [
        (b"content-type", prepared.content_type.encode()),
        (versions.HEADER.lower().encode(), version.encode()),
        (b"content-length", str(len(prepared.body)).encode()),
    ]
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": letter.method,
        "scheme": "http",
        "path": rejected.STATEMENTS_PATH,
        "raw_path": rejected.STATEMENTS_PATH.encode(),
        "root_path": "",
        "query_string": letter.query.encode(),
        "headers": headers,
        "server": ("replay", 0),
        "client": ("replay", 0),
        "state": {},
    }
    return Request(scope, receive)


def as_document(prepared: Prepared) -> Any:
    """The repaired statements as JSON (for a dry run)."""
    json_body = prepared.body
    if prepared.content_type.startswith("multipart/"):
        json_body = multipart.parse(prepared.body, prepared.content_type)[0].body
    try:
        return orjson.loads(json_body)
    except orjson.JSONDecodeError:
        return json_body.decode("utf-8", errors="replace")
