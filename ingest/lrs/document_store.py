"""Documents (state, activity profile, agent profile) in the LRS store, with ETag preconditions and outbox events.

Each change is written with an outbox entry in the same transaction, so analytics see
document changes (a learner's bookmark, a course's progress state) through the same
path as statements. Entries are marked {"leerstroom_event": "document", ...}.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

import orjson

from ingest.lrs import nesting, outbox
from ingest.lrs.engine import Db
from ingest.lrs.exceptions import (
    BadRequest,
    DocumentConflict,
    PersonForgotten,
    PreconditionFailed,
)
from ingest.lrs.store import LrsStore, utc_now
from ingest.xapi import formats

JSON = "application/json"
# JSON documents up to this size travel whole in their outbox event; larger ones by length and ETag only.
EVENT_CONTENT_MAX = 64 * 1024


@dataclass(frozen=True)
class Scope:
    """What a set of documents belongs to: its resource kind and key, the tool keeping them, the fields events report.

    Each credential (`owner`) has its own documents: another tool's state, however it names it, is not reachable.
    """

    kind: str  # state, activity_profile, agent_profile
    key: str
    fields: dict[str, Any]
    owner: str


@dataclass(frozen=True)
class Document:
    content: bytes
    content_type: str
    etag: str
    updated: str


@dataclass(frozen=True)
class Preconditions:
    if_match: str | None
    if_none_match: str | None
    # Whether a write without either header may overwrite an existing document.
    blind_overwrite: bool
    # Whether a PUT must carry one of the headers even for a new document (1.0.3 profile resources).
    always_required: bool = False

    @property
    def given(self) -> bool:
        return self.if_match is not None or self.if_none_match is not None


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha1(content).hexdigest() + '"'


def get(store: LrsStore, scope: Scope, document_id: str) -> Document | None:
    row = store.read(
        "SELECT content, content_type, etag, updated FROM documents WHERE kind = ? AND owner = ? "
        "AND scope = ? AND document_id = ?",
        (scope.kind, scope.owner, scope.key, document_id),
    )
    return _document(row[0]) if row else None


def ids(store: LrsStore, scope: Scope, since: str | None) -> list[str]:
    sql = "SELECT document_id FROM documents WHERE kind = ? AND owner = ? AND scope = ?"
    params: list[Any] = [scope.kind, scope.owner, scope.key]
    if since is not None:
        sql += " AND updated > ?"
        params.append(since)
    return [row[0] for row in store.read(sql + " ORDER BY document_id", params)]


def put(
    store: LrsStore, scope: Scope, document_id: str, content: bytes, content_type: str, conditions: Preconditions
) -> Document:
    with store.transaction() as db:
        _refuse_forgotten(store, scope)
        current = _current(db, scope, document_id)
        _check(current, conditions, overwriting=True)
        return _write(db, scope, document_id, content, content_type, "put")


def post(
    store: LrsStore, scope: Scope, document_id: str, content: bytes, content_type: str, conditions: Preconditions
) -> Document:
    """Merge a JSON object into the stored one (top-level keys of the new one win), or store it when there is none."""
    with store.transaction() as db:
        _refuse_forgotten(store, scope)
        current = _current(db, scope, document_id)
        _check(current, conditions, overwriting=False)
        if current is None:
            if _is_json(content_type):
                _json_object(content, content_type, "body")
            return _write(db, scope, document_id, content, content_type, "post")
        incoming = _json_object(content, content_type, "body")
        stored = _json_object(current.content, current.content_type, "stored document")
        merged = orjson.dumps({**stored, **incoming})
        return _write(db, scope, document_id, merged, JSON, "post")


def delete(store: LrsStore, scope: Scope, document_id: str | None, conditions: Preconditions) -> int:
    """Delete one document, or every document of the scope when `document_id` is None; return how many."""
    with store.transaction() as db:
        if document_id is not None:
            _check(_current(db, scope, document_id), conditions, overwriting=False)
            cursor = db.execute(
                "DELETE FROM documents WHERE kind = ? AND owner = ? AND scope = ? AND document_id = ?",
                (scope.kind, scope.owner, scope.key, document_id),
            )
        else:
            cursor = db.execute(
                "DELETE FROM documents WHERE kind = ? AND owner = ? AND scope = ?", (scope.kind, scope.owner, scope.key)
            )
        if cursor.rowcount:
            _event(db, scope, document_id, "delete", None)
        return cursor.rowcount


def _refuse_forgotten(store: LrsStore, scope: Scope) -> None:
    """Inside the write transaction, as for statements."""
    agent = scope.fields.get("agent")
    about = store.names_forgotten_person() if agent is not None else None
    if about is not None and about(agent, None):
        raise PersonForgotten.document()


def _check(current: Document | None, conditions: Preconditions, *, overwriting: bool) -> None:
    if conditions.if_match is not None:
        wanted = {tag.strip() for tag in conditions.if_match.split(",")}
        if current is None or not ("*" in wanted or current.etag in wanted):
            raise PreconditionFailed("If-Match does not match the document's current ETag")
    if conditions.if_none_match is not None and current is not None:
        unwanted = {tag.strip() for tag in conditions.if_none_match.split(",")}
        if "*" in unwanted or current.etag in unwanted:
            raise PreconditionFailed("If-None-Match: the document exists already")
    if overwriting and current is None and not conditions.given and conditions.always_required:
        raise BadRequest("If-None-Match", "a profile PUT needs If-Match or If-None-Match (If-None-Match: * to create)")
    if overwriting and current is not None and not conditions.given and not conditions.blind_overwrite:
        raise DocumentConflict(
            "the document exists already; send If-Match with its ETag to overwrite it, or If-None-Match: * to create"
        )


def _current(db: Db, scope: Scope, document_id: str) -> Document | None:
    row = db.execute(
        "SELECT content, content_type, etag, updated FROM documents WHERE kind = ? AND owner = ? "
        "AND scope = ? AND document_id = ?",
        (scope.kind, scope.owner, scope.key, document_id),
    ).fetchone()
    return _document(row) if row else None


def _document(row: tuple) -> Document:
    content, content_type, etag, updated = row
    return Document(bytes(content), content_type, etag, updated)


def _write(db: Db, scope: Scope, document_id: str, content: bytes, content_type: str, action: str) -> Document:
    document = Document(content, content_type, etag_of(content), formats.format_timestamp(utc_now()))
    db.execute(
        "INSERT INTO documents (kind, owner, scope, document_id, content, content_type, etag, updated) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, owner, scope, document_id) DO UPDATE SET "
        "content = excluded.content, content_type = excluded.content_type, etag = excluded.etag, "
        "updated = excluded.updated",
        (scope.kind, scope.owner, scope.key, document_id, content, content_type, document.etag, document.updated),
    )
    _event(db, scope, document_id, action, document)
    return document


def _event(db: Db, scope: Scope, document_id: str | None, action: str, document: Document | None) -> None:
    event: dict[str, Any] = {
        "leerstroom_event": "document",
        "resource": scope.kind,
        "action": action,
        **scope.fields,
        "documentId": document_id,
        "at": formats.format_timestamp(utc_now()),
    }
    if document is not None:
        event.update(
            etag=document.etag,
            contentType=document.content_type,
            length=len(document.content),
            updated=document.updated,
        )
        if _is_json(document.content_type) and len(document.content) <= EVENT_CONTENT_MAX:
            try:
                content = orjson.loads(document.content)
            except orjson.JSONDecodeError:
                content = None  # a document labelled JSON that is not JSON is stored as sent; the event says its length
            if content is not None and not nesting.too_deep(content):
                event["content"] = content
    outbox.append(db, [(str(uuid.uuid4()), f"document:{scope.kind}:{scope.key}".encode(), orjson.dumps(event))])


def _is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == JSON


def _json_object(content: bytes, content_type: str, what: str) -> dict:
    if not _is_json(content_type):
        raise BadRequest("Content-Type", f"POST merges JSON only; the {what} is {content_type or 'untyped'}")
    try:
        value = nesting.check(orjson.loads(content), "body")
    except orjson.JSONDecodeError as err:
        raise BadRequest("body", f"POST merges JSON objects; the {what} is not JSON ({err})") from err
    if not isinstance(value, dict):
        raise BadRequest("body", f"POST merges JSON objects; the {what} is not an object")
    return value
