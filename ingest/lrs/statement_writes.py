"""Storing statements: the LRS-assigned fields, the 409 rule, voiding, and group commit with the outbox.

Statements and their outbox entries are written in one transaction, so an acknowledged
statement is always on its way to the lake. Concurrent requests of one process share that
transaction (group commit): one fsync for all of them, each with its own savepoint so that
one request's 409 does not undo another's statements.

The 409 rule rests on the unique id of the statements table: a statement whose id is stored
with other content is a conflict. On PostgreSQL another LRS process may store the same id
between the check and the insert; the insert then skips it (ON CONFLICT DO NOTHING, which waits
for the other transaction) and it is compared again.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from ingest.lrs import outbox, search_terms
from ingest.lrs.engine import DatabaseError, Db
from ingest.lrs.exceptions import PersonForgotten, StatementConflict, StoreUnavailable, VoidingForbidden
from ingest.lrs.prepared import Prepared
from ingest.xapi.comparison import content_hash, timestamp_instant
from ingest.xapi.exceptions import StatementInvalid
from ingest.xapi.identity import actor_key
from ingest.xapi.terms import statement_terms
from ingest.xapi.validation import VOIDED_VERB

log = logging.getLogger(__name__)

LOOKUP_SLICE = search_terms.LOOKUP_SLICE
STATEMENT_COLUMNS = (
    "id",
    "payload",
    "content_hash",
    "timestamp_instant",
    "stored",
    "actor_key",
    "verb_id",
    "object_type",
    "object_id",
    "registration",
    "voids",
    "credential",
)
# One round trip for a whole batch on PostgreSQL; rows another process stored first are not returned.
POSTGRES_INSERT = (
    f"INSERT INTO statements ({', '.join(STATEMENT_COLUMNS)}) SELECT * FROM unnest("
    "?::text[], ?::bytea[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], "
    "?::text[], ?::text[]) ON CONFLICT (id) DO NOTHING RETURNING id, seq"
)
SQLITE_INSERT = f"INSERT INTO statements ({', '.join(STATEMENT_COLUMNS)}) VALUES ({','.join('?' * 12)})"


@dataclass
class Write:
    """One caller's statements waiting for a group commit, and what became of them."""

    prepared: list[Prepared]
    credential: str | None
    attachments: Mapping[str, tuple[str, bytes]]
    on_commit: Callable[[Db], None] | None
    may_void_any: bool = False
    done: bool = False
    fresh: int = 0
    error: BaseException | None = None


def prepare(statement: dict, authority: dict, stored: str, default_version: str) -> Prepared:
    """Assign id, timestamp, stored, authority and version; compute what the 409 check and the stream need."""
    statement_id = str(statement.get("id") or uuid.uuid4()).lower()
    sent_instant = timestamp_instant(statement)
    result: dict[str, Any] = {"id": statement_id}
    result.update((key, value) for key, value in statement.items() if key != "id")
    if "timestamp" in result:
        # A decimal comma is valid ISO 8601 but trips most readers downstream; the instant is unchanged.
        result["timestamp"] = result["timestamp"].replace(",", ".")
    else:
        result["timestamp"] = stored
    result["stored"] = stored
    result["authority"] = authority
    result.setdefault("version", default_version)
    _arrays_for_context_activities(result)
    target = result["object"]
    object_type = target.get("objectType", "Activity")
    verb_id = result["verb"]["id"]
    context = result.get("context") or {}
    return Prepared(
        statement_id=statement_id,
        payload=orjson.dumps(result),
        content_hash=content_hash(result),
        sent_instant=sent_instant,
        timestamp_instant=sent_instant or stored,
        stored=stored,
        actor_key=actor_key(result["actor"]),
        verb_id=verb_id,
        object_type=object_type,
        object_id=_object_id(target, object_type),
        registration=context.get("registration"),
        voids=target["id"].lower() if verb_id == VOIDED_VERB else None,
        terms=frozenset(statement_terms(result)),
        attachment_sha2s=frozenset(attachment_sha2s(result)),
        document=result,
    )


def attachment_sha2s(statement: dict) -> set[str]:
    """The SHA-2 of every attachment a statement (or its sub-statement) declares, signatures included."""
    holders = [statement, statement.get("object")]
    return {
        attachment["sha2"].lower()
        for holder in holders
        if isinstance(holder, dict)
        for attachment in holder.get("attachments") or ()
        if isinstance(attachment, dict) and "sha2" in attachment
    }


class GroupCommit:
    """Whoever gets the write lock commits every write queued by then in one transaction.

    Concurrent requests then share one fsync instead of queueing for one each. A write is
    only marked done after the COMMIT that holds it, and its caller waits for that.
    """

    def __init__(
        self,
        begin: Callable[[], Db],
        rollback: Callable[[Db], None],
        where: str,
        refuse_forgotten: Callable[[list[Prepared]], None],
    ) -> None:
        self.begin, self.rollback, self.where = begin, rollback, where
        self.refuse_forgotten = refuse_forgotten
        self.write_lock = threading.Lock()
        self._queue: list[Write] = []
        self._queue_lock = threading.Lock()

    def commit(self, write: Write) -> None:
        with self._queue_lock:
            self._queue.append(write)
        with self.write_lock:
            if write.done:
                return
            with self._queue_lock:
                group, self._queue = self._queue, []
            try:
                self._commit_group(group)
            finally:
                for each in group:
                    each.done = True

    def _commit_group(self, group: list[Write]) -> None:
        try:
            db = self.begin()
        except StoreUnavailable as err:
            for write in group:
                write.error = err
            return
        try:
            for write in group:
                # A savepoint per caller: one request's 409 must not undo another's statements.
                db.execute("SAVEPOINT request")
                try:
                    write.fresh = self._apply(db, write)
                except DatabaseError:
                    raise  # the store itself failed: the whole group is retried by its callers
                except Exception as err:  # noqa: BLE001 - the caller raises it in its own request (a 409, a 400)
                    db.execute("ROLLBACK TO request")
                    write.error = err
                db.execute("RELEASE request")
            db.execute("COMMIT")
        except DatabaseError as err:
            self.rollback(db)
            self._fail(group, f"failed to commit: {err}", err)
        except BaseException as err:  # e.g. KeyboardInterrupt in the committing thread: nobody else waits forever
            self.rollback(db)
            self._fail(group, "write was interrupted", err)
            raise

    def _fail(self, group: list[Write], reason: str, cause: BaseException) -> None:
        for write in group:
            if write.error is None:
                # Each caller raises its own error object: they are raised in different threads.
                write.error = StoreUnavailable(f"LRS store {self.where} {reason}")
                write.error.__cause__ = cause

    def _apply(self, db: Db, write: Write) -> int:
        """One caller's statements inside the open transaction; return how many were new."""
        self.refuse_forgotten(write.prepared)
        fresh = _new_ones(db, write.prepared)
        if not write.may_void_any:
            _refuse_voiding_of_others(db, write.prepared, fresh, write.credential)
        _check_voiding_targets(db, fresh)
        if fresh:
            fresh = _insert(db, fresh, write.credential)
        if write.attachments:
            db.executemany(
                "INSERT INTO attachments (sha2, content_type, content) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [(sha2, content_type, content) for sha2, (content_type, content) in write.attachments.items()],
            )
            db.executemany(
                "INSERT INTO statement_attachments (statement_id, sha2) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [(p.statement_id, sha2) for p in fresh for sha2 in p.attachment_sha2s if sha2 in write.attachments],
            )
        if write.on_commit is not None:
            write.on_commit(db)
        return len(fresh)


def refuse_forgotten(about: Callable[[Any, str | None], bool] | None, prepared: Sequence[Prepared]) -> None:
    """Refuse the call if a statement, as it would be stored and streamed, is about a forgotten person."""
    if about is None:
        return
    for index, item in enumerate(prepared):
        if about(item.document if item.document is not None else orjson.loads(item.payload), item.actor_key):
            raise PersonForgotten.statement(index)


def _new_ones(db: Db, prepared: list[Prepared]) -> list[Prepared]:
    """The statements not stored yet; StatementConflict for one stored with other content."""
    existing = _existing(db, [item.statement_id for item in prepared])
    fresh = []
    for item in prepared:
        known = existing.get(item.statement_id)
        if known is None:
            fresh.append(item)
        elif not _matches(item, known):
            raise StatementConflict(item.statement_id)
    return fresh


def _insert(db: Db, fresh: list[Prepared], credential: str | None) -> list[Prepared]:
    """Insert statements, their search terms, voiding and outbox entries; returns those that were new after all."""
    seqs = _insert_rows(db, fresh, credential)
    skipped = [p for p in fresh if p.statement_id not in seqs]
    if skipped:
        # Another process stored these ids since the check; their content decides between 200 and 409.
        if _new_ones(db, skipped):
            raise StoreUnavailable("a statement id was taken and released while storing; send the batch again")
        fresh = [p for p in fresh if p.statement_id in seqs]
    search_terms.index_fresh(db, fresh, seqs, credential)
    targets = [p.voids for p in fresh if p.voids]
    for start in range(0, len(targets), LOOKUP_SLICE):
        chunk = targets[start : start + LOOKUP_SLICE]
        db.execute(
            f"UPDATE statements SET voided = 1 WHERE voids IS NULL AND id IN ({','.join('?' * len(chunk))})", chunk
        )
    late = [p.statement_id for p in fresh if not p.voids]
    for start in range(0, len(late), LOOKUP_SLICE):
        # A voiding statement may arrive before its target; the target is voided when it lands.
        chunk = late[start : start + LOOKUP_SLICE]
        marks = ",".join("?" * len(chunk))
        db.execute(
            f"UPDATE statements SET voided = 1 WHERE id IN ({marks}) AND id IN "
            f"(SELECT voids FROM statements WHERE voids IN ({marks}))",
            chunk + chunk,
        )
    outbox.append(db, [(p.statement_id, p.actor_key.encode(), p.payload) for p in fresh])
    return fresh


def _insert_rows(db: Db, fresh: list[Prepared], credential: str | None) -> dict[str, int]:
    """statement id -> seq of the rows inserted."""
    rows = [
        (
            p.statement_id,
            p.payload,
            p.content_hash,
            p.timestamp_instant,
            p.stored,
            p.actor_key,
            p.verb_id,
            p.object_type,
            p.object_id,
            p.registration,
            p.voids,
            credential,
        )
        for p in fresh
    ]
    if db.postgres:
        return dict(db.execute(POSTGRES_INSERT, [list(column) for column in zip(*rows)]).fetchall())
    # SQLite: this connection holds the file's write lock, so the ids are free and the seqs consecutive.
    db.executemany(SQLITE_INSERT, rows)
    first_seq = db.execute("SELECT last_insert_rowid()").fetchone()[0] - len(fresh) + 1
    return {p.statement_id: first_seq + offset for offset, p in enumerate(fresh)}


def _object_id(target: dict, object_type: str) -> str | None:
    if object_type == "StatementRef":
        return target["id"].lower()
    return target.get("id") if object_type == "Activity" else None


def _arrays_for_context_activities(statement: dict) -> None:
    # The LRS must return every context-activities value as an array, so it stores them that way.
    for holder in (statement, statement["object"]):
        context = holder.get("context") if isinstance(holder, dict) else None
        activities = context.get("contextActivities") if isinstance(context, dict) else None
        if isinstance(activities, dict):
            for kind, value in activities.items():
                if isinstance(value, dict):
                    activities[kind] = [value]


def _existing(db: Db, ids: list[str]) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(ids), LOOKUP_SLICE):
        chunk = ids[start : start + LOOKUP_SLICE]
        marks = ",".join("?" * len(chunk))
        for statement_id, digest, instant in db.execute(
            f"SELECT id, content_hash, timestamp_instant FROM statements WHERE id IN ({marks})", chunk
        ).fetchall():
            found[statement_id] = (digest, instant)
    return found


def _matches(item: Prepared, known: tuple[str, str]) -> bool:
    digest, instant = known
    if digest != item.content_hash:
        return False
    # A resend without a timestamp matches: the LRS assigned the stored one.
    return item.sent_instant is None or item.sent_instant == instant


def _refuse_voiding_of_others(db: Db, prepared: list[Prepared], fresh: list[Prepared], credential: str | None) -> None:
    """A voiding statement must target one stored with the same credential, now or before.

    An absent target and another tool's get the same VoidingForbidden, so the answer confirms no id.
    """
    targets = sorted({p.voids for p in fresh if p.voids})
    if not targets:
        return
    own = {p.statement_id for p in fresh}
    for start in range(0, len(targets), LOOKUP_SLICE):
        chunk = targets[start : start + LOOKUP_SLICE]
        own.update(
            row[0]
            for row in db.execute(
                f"SELECT id FROM statements WHERE credential IS NOT DISTINCT FROM ? AND id IN "
                f"({','.join('?' * len(chunk))})",
                [credential, *chunk],
            ).fetchall()
        )
    fresh_ids = {p.statement_id for p in fresh}
    for index, item in enumerate(prepared):
        if item.statement_id in fresh_ids and item.voids and item.voids not in own:
            raise VoidingForbidden(index)


def _check_voiding_targets(db: Db, fresh: list[Prepared]) -> None:
    """A voiding statement cannot itself be voided; its target may be absent (the spec allows that)."""
    voiding_in_batch = {p.statement_id for p in fresh if p.voids}
    targets = [p.voids for p in fresh if p.voids]
    if not targets:
        return
    voiding_stored: set[str] = set()
    for start in range(0, len(targets), LOOKUP_SLICE):
        chunk = targets[start : start + LOOKUP_SLICE]
        marks = ",".join("?" * len(chunk))
        voiding_stored.update(
            row[0]
            for row in db.execute(
                f"SELECT id FROM statements WHERE voids IS NOT NULL AND id IN ({marks})", chunk
            ).fetchall()
        )
    for p in fresh:
        if p.voids and (p.voids in voiding_in_batch or p.voids in voiding_stored):
            raise StatementInvalid(
                "object.id", f"targets voiding statement {p.voids}; a voiding statement cannot be voided"
            )
