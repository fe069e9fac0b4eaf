"""The LRS's operational store: statements, their search terms, attachments, credentials and the outbox (SQLite, WAL).

Statements and their outbox entries are written in one transaction, so an
acknowledged statement is always on its way to the lake. Writes go through a single
connection behind a lock; reads use one connection per thread. Documents, activity
definitions and refused requests (ingest/lrs/rejected.py) live in the same file; their modules use
transaction() and reader() from here.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from ingest import outbox
from ingest.lrs import rejected
from ingest.lrs.exceptions import PersonForgotten, StatementConflict, StoreUnavailable, VoidingForbidden
from ingest.privacy.forgotten import ForgetList
from ingest.xapi import formats
from ingest.xapi.comparison import content_hash, timestamp_instant
from ingest.xapi.exceptions import StatementInvalid
from ingest.xapi.identity import actor_key
from ingest.xapi.terms import credential_term, statement_terms
from ingest.xapi.validation import VOIDED_VERB

log = logging.getLogger(__name__)

DDL = """
CREATE TABLE IF NOT EXISTS statements (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    id                TEXT NOT NULL UNIQUE,
    payload           BLOB NOT NULL,
    content_hash      TEXT NOT NULL,
    timestamp_instant TEXT NOT NULL,
    stored            TEXT NOT NULL,
    actor_key         TEXT NOT NULL,
    verb_id           TEXT NOT NULL,
    object_type       TEXT NOT NULL,
    object_id         TEXT,
    registration      TEXT,
    voids             TEXT,
    credential        TEXT,
    voided            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS statements_by_voids ON statements (voids) WHERE voids IS NOT NULL;
CREATE INDEX IF NOT EXISTS statements_by_stored ON statements (stored);
CREATE INDEX IF NOT EXISTS statements_by_ref ON statements (object_id) WHERE object_type = 'StatementRef';
-- One row per (search term, statement): queries walk a term's rows newest first and stop at the limit.
CREATE TABLE IF NOT EXISTS statement_terms (
    term TEXT NOT NULL,
    seq  INTEGER NOT NULL,
    PRIMARY KEY (term, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS attachments (
    sha2         TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    content      BLOB NOT NULL
);
-- Which statements an attachment's data came with: it is returned with those only, and erased with the last of them.
CREATE TABLE IF NOT EXISTS statement_attachments (
    statement_id TEXT NOT NULL,
    sha2         TEXT NOT NULL,
    PRIMARY KEY (statement_id, sha2)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS statement_attachments_by_sha2 ON statement_attachments (sha2);
CREATE TABLE IF NOT EXISTS credentials (
    key           TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    secret_sha256 TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    revoked_at    TEXT
);
-- State, activity profile and agent profile documents; `scope` is what the document is about, `owner` the
-- credential that stored it: each tool has its own documents.
CREATE TABLE IF NOT EXISTS documents (
    kind         TEXT NOT NULL,
    owner        TEXT NOT NULL,
    scope        TEXT NOT NULL,
    document_id  TEXT NOT NULL,
    content      BLOB NOT NULL,
    content_type TEXT NOT NULL,
    etag         TEXT NOT NULL,
    updated      TEXT NOT NULL,
    PRIMARY KEY (kind, owner, scope, document_id)
);
CREATE TABLE IF NOT EXISTS activities (
    id         TEXT PRIMARY KEY,
    definition BLOB NOT NULL
);
"""
# Columns added after the first release, for stores created before them: (table, column, definition).
ADDED_COLUMNS = (
    ("statements", "voided", "INTEGER NOT NULL DEFAULT 0"),
    ("credentials", "revoked_at", "TEXT"),
)
# Where documents of a store made before documents had owners wait while they get one.
DOCUMENTS_WITHOUT_OWNERS = "documents_without_owners"
# How deep StatementRef chains are followed when a referring statement inherits its target's terms.
REF_DEPTH = 10

# SQLite's IN lists are bounded; batches are looked up in slices of this size.
LOOKUP_SLICE = 500


@dataclass(frozen=True)
class Prepared:
    """A validated statement with the LRS-assigned fields, ready to insert."""

    statement_id: str
    payload: bytes
    content_hash: str
    sent_instant: str | None
    timestamp_instant: str
    stored: str
    actor_key: str
    verb_id: str
    object_type: str
    object_id: str | None
    registration: str | None
    voids: str | None
    terms: frozenset[str]
    attachment_sha2s: frozenset[str] = frozenset()


@dataclass
class _Write:
    """One caller's statements waiting for a group commit, and what became of them."""

    prepared: list[Prepared]
    credential: str | None
    attachments: Mapping[str, tuple[str, bytes]]
    on_commit: Callable[[sqlite3.Connection], None] | None
    may_void_any: bool = False
    done: bool = False
    fresh: int = 0
    error: BaseException | None = None


@dataclass(frozen=True)
class StatementQuery:
    """A statement query as the store runs it: every term must match; times compare with `stored`."""

    terms: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    ascending: bool = False
    limit: int = 100
    cursor: int | None = None  # the seq the previous page ended at
    through_seq: int | None = None  # statements after this seq (stored after the first page) are left out


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class LrsStore:
    """Statements, credentials and the outbox, in the SQLite file at `path`.

    With a forget list, statements about a forgotten person are refused (PersonForgotten).
    """

    def __init__(self, path: Path | str, *, busy_timeout: float = 10.0, forgotten: ForgetList | None = None) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.forgotten = forgotten
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._write_lock = threading.Lock()
        self._writer: sqlite3.Connection | None = None
        self._readers = threading.local()
        self._in_flight: collections.Counter[str] = collections.Counter()
        self._in_flight_lock = threading.Lock()
        self._queue: list[_Write] = []
        self._queue_lock = threading.Lock()
        self._create_schema()

    def _create_schema(self) -> None:
        # executescript commits on its own, so the schema is created outside transaction().
        db = self.connect()
        try:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "documents" in tables and "owner" not in {row[1] for row in db.execute("PRAGMA table_info(documents)")}:
                db.execute(f"ALTER TABLE documents RENAME TO {DOCUMENTS_WITHOUT_OWNERS}")
            db.executescript(DDL)
            if db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (DOCUMENTS_WITHOUT_OWNERS,)).fetchone():
                _give_documents_owners(db)
            if "statements" in tables and "statement_attachments" not in tables:
                _link_existing_attachments(db)
            migrated = False
            for table, column, definition in ADDED_COLUMNS:
                known = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
                if column not in known:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
                    migrated = migrated or table == "statements"
            if migrated:
                _index_existing_statements(db)
            outbox.create(db)
            rejected.create(db)
        except sqlite3.Error as err:
            raise StoreUnavailable(f"LRS store {self.path} cannot be created: {err}") from err
        finally:
            db.close()

    # -- connections ----------------------------------------------------------------

    def connect(self) -> sqlite3.Connection:
        """A new connection with the store's pragmas; callers outside this class own and close it."""
        db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit survives power loss too, since the HTTP answer promises the statement is kept.
        db.execute("PRAGMA synchronous=FULL")
        return db

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The single writer connection inside BEGIN IMMEDIATE ... COMMIT; SQLite errors become StoreUnavailable."""
        with self._write_lock:
            db = self._begin()
            try:
                yield db
                db.execute("COMMIT")
            except sqlite3.Error as err:
                self._rollback(db)
                raise StoreUnavailable(f"LRS store {self.path} failed to commit: {err}") from err
            except BaseException:
                self._rollback(db)
                raise

    @property
    def write_lock(self) -> threading.Lock:
        """Held while this store writes. A writer in the same process with its own connection (the relay)
        takes it too, so the two wait on each other here instead of in SQLite's sleeping busy handler."""
        return self._write_lock

    def _begin(self) -> sqlite3.Connection:
        """BEGIN IMMEDIATE on the writer connection; the caller holds the write lock."""
        try:
            if self._writer is None:
                self._writer = self.connect()
            db = self._writer
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            self._drop_writer()
            raise StoreUnavailable(f"LRS store {self.path} cannot start a write: {err}") from err
        return db

    def _rollback(self, db: sqlite3.Connection) -> None:
        try:
            if db.in_transaction:
                db.execute("ROLLBACK")
        except sqlite3.Error:
            log.warning("rollback failed on %s; reopening the writer connection", self.path, exc_info=True)
            self._drop_writer()

    def _drop_writer(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(sqlite3.Error):
                self._writer.close()
        self._writer = None

    def reader(self) -> sqlite3.Connection:
        """This thread's read connection (WAL lets it read while the writer writes)."""
        db = getattr(self._readers, "db", None)
        if db is None:
            try:
                db = self.connect()
            except sqlite3.Error as err:
                raise StoreUnavailable(f"LRS store {self.path} cannot be opened: {err}") from err
            self._readers.db = db
        return db

    def close(self) -> None:
        with self._write_lock:
            self._drop_writer()
        db = getattr(self._readers, "db", None)
        if db is not None:
            db.close()
            self._readers.db = None

    # -- statements -----------------------------------------------------------------

    def save(self, statements: Sequence[dict], authority: dict, *, credential: str | None = None,
             default_version: str = "1.0.0", attachments: Mapping[str, tuple[str, bytes]] | None = None,
             on_commit: Callable[[sqlite3.Connection], None] | None = None, may_void_any: bool = False) -> list[str]:
        """Store validated statements and their outbox entries in one transaction; return their ids in order.

        A statement whose id is stored already with matching content is left alone; with
        different content the whole call fails with StatementConflict and nothing is written.
        `attachments` maps sha2 to (content type, raw data) sent beside the statements;
        `on_commit` runs inside the same transaction (canonical activity definitions).
        Unless `may_void_any`, a voiding statement must target a statement stored with the same
        `credential` (VoidingForbidden otherwise).
        Returns only once the transaction holding these statements has committed.
        """
        with self._writing() as stored:
            prepared = [prepare(statement, authority, stored, default_version) for statement in statements]
            ids = [item.statement_id for item in prepared]
            if len(set(ids)) != len(ids):
                raise StatementInvalid("id", "must be unique within one request")
            write = _Write(prepared, credential, attachments or {}, on_commit, may_void_any)
            self._commit_with_others(write)
        if write.error is not None:
            raise write.error
        if write.fresh < len(prepared):
            log.info("%d of %d statements were stored already with the same content", len(prepared) - write.fresh,
                     len(prepared))
        return ids

    def _commit_with_others(self, write: _Write) -> None:
        """Group commit: whoever gets the write lock commits every write queued by then in one transaction.

        Concurrent requests then share one fsync instead of queueing for one each. A write
        is only marked done after the COMMIT that holds it, and its caller waits for that.
        """
        with self._queue_lock:
            self._queue.append(write)
        with self._write_lock:
            if write.done:
                return
            with self._queue_lock:
                group, self._queue = self._queue, []
            try:
                self._commit_group(group)
            finally:
                for each in group:
                    each.done = True

    def _commit_group(self, group: list[_Write]) -> None:
        try:
            db = self._begin()
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
                except sqlite3.Error:
                    raise  # the store itself failed: the whole group is retried by its callers
                except Exception as err:
                    db.execute("ROLLBACK TO request")
                    write.error = err
                db.execute("RELEASE request")
            db.execute("COMMIT")
        except sqlite3.Error as err:
            self._rollback(db)
            self._fail(group, f"failed to commit: {err}", err)
        except BaseException as err:  # e.g. KeyboardInterrupt in the committing thread: nobody else waits forever
            self._rollback(db)
            self._fail(group, "write was interrupted", err)
            raise

    def _fail(self, group: list[_Write], reason: str, cause: BaseException) -> None:
        for write in group:
            if write.error is None:
                # Each caller raises its own error object: they are raised in different threads.
                write.error = StoreUnavailable(f"LRS store {self.path} {reason}")
                write.error.__cause__ = cause

    def _apply(self, db: sqlite3.Connection, write: _Write) -> int:
        """One caller's statements inside the open transaction; return how many were new."""
        self._refuse_forgotten(write.prepared)
        existing = _existing(db, [item.statement_id for item in write.prepared])
        fresh = []
        for item in write.prepared:
            known = existing.get(item.statement_id)
            if known is None:
                fresh.append(item)
            elif not _matches(item, known):
                raise StatementConflict(item.statement_id)
        if not write.may_void_any:
            _refuse_voiding_of_others(db, write.prepared, fresh, write.credential)
        _check_voiding_targets(db, fresh)
        if fresh:
            self._insert(db, fresh, write.credential)
        if write.attachments:
            db.executemany(
                "INSERT OR IGNORE INTO attachments (sha2, content_type, content) VALUES (?, ?, ?)",
                [(sha2, content_type, content) for sha2, (content_type, content) in write.attachments.items()],
            )
            db.executemany("INSERT OR IGNORE INTO statement_attachments (statement_id, sha2) VALUES (?, ?)",
                           [(p.statement_id, sha2) for p in fresh for sha2 in p.attachment_sha2s
                            if sha2 in write.attachments])
        if write.on_commit is not None:
            write.on_commit(db)
        return len(fresh)

    def names_forgotten_person(self) -> Callable[[Any, str | None], bool] | None:
        """The forget list's `about` test, freshly read; None while nobody is forgotten (nothing to check).

        Writers call it inside their write transaction: `forget` writes its list before it cleans
        this store, so a write either meets the new list or commits before the clean-up.
        """
        if self.forgotten is None:
            return None
        self.forgotten.refresh()
        return self.forgotten.about if len(self.forgotten) else None

    def _refuse_forgotten(self, prepared: list[Prepared]) -> None:
        """Refuse the call if a statement, as it would be stored and streamed, is about a forgotten person."""
        about = self.names_forgotten_person()
        if about is None:
            return
        for index, item in enumerate(prepared):
            if about(orjson.loads(item.payload), item.actor_key):
                raise PersonForgotten.statement(index)

    def _insert(self, db: sqlite3.Connection, fresh: list[Prepared], credential: str | None) -> None:
        db.executemany(
            "INSERT INTO statements (id, payload, content_hash, timestamp_instant, stored, actor_key, verb_id, "
            "object_type, object_id, registration, voids, credential) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (p.statement_id, p.payload, p.content_hash, p.timestamp_instant, p.stored, p.actor_key, p.verb_id,
                 p.object_type, p.object_id, p.registration, p.voids, credential)
                for p in fresh
            ],
        )
        first_seq = db.execute("SELECT last_insert_rowid()").fetchone()[0] - len(fresh) + 1
        seqs = {p.statement_id: first_seq + offset for offset, p in enumerate(fresh)}
        by_id = {p.statement_id: p for p in fresh}
        rows = []
        for p in fresh:
            terms = set(p.terms)
            if credential is not None:
                terms.add(credential_term(credential))
            if p.object_type == "StatementRef":
                terms |= _target_terms(db, p.object_id, by_id)
            rows.extend((term, seqs[p.statement_id]) for term in terms)
        # In key order the B-tree is walked once from left to right instead of jumping between pages.
        rows.sort()
        db.executemany("INSERT OR IGNORE INTO statement_terms (term, seq) VALUES (?, ?)", rows)
        # Statements stored earlier that refer to one of these now match its terms too.
        _spread_terms_to_referrers(db, {p.statement_id: _inheritable(p.terms) for p in fresh})
        targets = [p.voids for p in fresh if p.voids]
        for start in range(0, len(targets), LOOKUP_SLICE):
            chunk = targets[start:start + LOOKUP_SLICE]
            db.execute(
                f"UPDATE statements SET voided = 1 WHERE voids IS NULL AND id IN ({','.join('?' * len(chunk))})", chunk
            )
        late = [p.statement_id for p in fresh if not p.voids]
        for start in range(0, len(late), LOOKUP_SLICE):
            # A voiding statement may arrive before its target; the target is voided when it lands.
            chunk = late[start:start + LOOKUP_SLICE]
            marks = ",".join("?" * len(chunk))
            db.execute(
                f"UPDATE statements SET voided = 1 WHERE id IN ({marks}) AND id IN "
                f"(SELECT voids FROM statements WHERE voids IN ({marks}))", chunk + chunk,
            )
        outbox.append(db, [(p.statement_id, p.actor_key.encode(), p.payload) for p in fresh])

    @contextlib.contextmanager
    def _writing(self) -> Iterator[str]:
        """A `stored` value for one write, counted as in flight until that write has finished."""
        with self._in_flight_lock:
            stored = formats.format_timestamp(utc_now())
            self._in_flight[stored] += 1
        try:
            yield stored
        finally:
            with self._in_flight_lock:
                self._in_flight[stored] -= 1
                if not self._in_flight[stored]:
                    del self._in_flight[stored]

    def consistent_through(self) -> str:
        """A time before which every statement stored by this process is readable: now, or the oldest write in flight."""
        with self._in_flight_lock:
            now = formats.format_timestamp(utc_now())
            return min(self._in_flight, default=now)

    def get_payload(self, statement_id: str) -> bytes | None:
        """The stored JSON of a statement, voided or not."""
        row = self._read_one("SELECT payload FROM statements WHERE id = ?", (statement_id.lower(),))
        return row[0] if row else None

    def get(self, statement_id: str) -> dict | None:
        payload = self.get_payload(statement_id)
        return orjson.loads(payload) if payload is not None else None

    def is_voided(self, statement_id: str) -> bool:
        """Voided: a voiding statement targets it and it is not itself a voiding statement."""
        row = self._read_one("SELECT voided FROM statements WHERE id = ?", (statement_id.lower(),))
        return bool(row and row[0])

    def stored_of(self, statement_id: str) -> str | None:
        row = self._read_one("SELECT stored FROM statements WHERE id = ?", (statement_id.lower(),))
        return row[0] if row else None

    def recent(self, limit: int, *, before_seq: int | None = None) -> list[tuple[int, bytes]]:
        """Newest statements first that are not voided, as (seq, payload); `before_seq` pages on."""
        return self.query(StatementQuery(limit=limit, cursor=before_seq))

    def query(self, query: StatementQuery) -> list[tuple[int, bytes]]:
        """Statements matching every term of `query`, not voided, as (seq, payload) in the asked order.

        The first term drives the scan through its index rows in seq order, so a page
        costs about `limit` lookups however many statements match overall.
        """
        sql, params = _query_sql(query)
        return [(seq, payload) for seq, payload in self._read_all(sql, params)]

    def attachment(self, statement_id: str, sha2: str) -> tuple[str, bytes] | None:
        """(content type, data) of an attachment sent with this statement; None for data sent with others only."""
        row = self._read_one("SELECT a.content_type, a.content FROM statement_attachments l JOIN attachments a "
                             "ON a.sha2 = l.sha2 WHERE l.statement_id = ? AND l.sha2 = ?", (statement_id.lower(), sha2))
        return (row[0], row[1]) if row else None

    def last_seq(self) -> int:
        row = self._read_one("SELECT max(seq) FROM statements", ())
        return row[0] or 0 if row else 0

    def counts(self) -> dict[str, int]:
        db = self.reader()
        try:
            (statements,) = db.execute("SELECT count(*) FROM statements").fetchone()
            return {"statements": statements, **outbox.counts(db)}
        except sqlite3.Error as err:
            raise StoreUnavailable(f"LRS store {self.path} cannot be read: {err}") from err

    def _read_one(self, sql: str, params: tuple) -> tuple | None:
        try:
            return self.reader().execute(sql, params).fetchone()
        except sqlite3.Error as err:
            raise StoreUnavailable(f"LRS store {self.path} cannot be read: {err}") from err

    def _read_all(self, sql: str, params: tuple) -> list[tuple]:
        try:
            return self.reader().execute(sql, params).fetchall()
        except sqlite3.Error as err:
            raise StoreUnavailable(f"LRS store {self.path} cannot be read: {err}") from err


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
    )


def attachment_sha2s(statement: dict) -> set[str]:
    """The SHA-2 of every attachment a statement (or its sub-statement) declares, signatures included."""
    holders = [statement, statement.get("object")]
    return {attachment["sha2"].lower() for holder in holders if isinstance(holder, dict)
            for attachment in holder.get("attachments") or () if isinstance(attachment, dict) and "sha2" in attachment}


def _object_id(target: dict, object_type: str) -> str | None:
    if object_type == "StatementRef":
        return target["id"].lower()
    return target.get("id") if object_type == "Activity" else None


def _inheritable(terms: frozenset[str] | set[str]) -> set[str]:
    # Who stored a statement is not a property of statements referring to it.
    return {term for term in terms if not term.startswith("credential ")}


def _target_terms(db: sqlite3.Connection, target_id: str | None, batch: Mapping[str, Prepared]) -> set[str]:
    """The terms a StatementRef to `target_id` answers to: those of its target, followed down a chain."""
    terms: set[str] = set()
    seen: set[str] = set()
    for _ in range(REF_DEPTH):
        if target_id is None or target_id in seen:
            break
        seen.add(target_id)
        if target_id in batch:
            item = batch[target_id]
            terms |= _inheritable(item.terms)
            target_id = item.object_id if item.object_type == "StatementRef" else None
            continue
        row = db.execute("SELECT seq, object_type, object_id FROM statements WHERE id = ?", (target_id,)).fetchone()
        if row is None:
            break
        seq, object_type, object_id = row
        payload = db.execute("SELECT payload FROM statements WHERE seq = ?", (seq,)).fetchone()[0]
        terms |= _inheritable(statement_terms(orjson.loads(payload)))
        target_id = object_id if object_type == "StatementRef" else None
    return terms


def _spread_terms_to_referrers(db: sqlite3.Connection, new_terms: Mapping[str, set[str]]) -> None:
    """Give statements that refer (through StatementRef chains) to newly stored ones the terms of those."""
    frontier = dict(new_terms)
    for _ in range(REF_DEPTH):
        referrers: dict[str, set[str]] = {}
        rows: list[tuple[str, int]] = []
        targets = list(frontier)
        for start in range(0, len(targets), LOOKUP_SLICE):
            chunk = targets[start:start + LOOKUP_SLICE]
            for seq, referrer_id, target in db.execute(
                "SELECT seq, id, object_id FROM statements WHERE object_type = 'StatementRef' AND object_id IN "
                f"({','.join('?' * len(chunk))}) AND id <> object_id", chunk,
            ):
                rows.extend((term, seq) for term in frontier[target])
                referrers.setdefault(referrer_id, set()).update(frontier[target])
        if not rows:
            return
        db.executemany("INSERT OR IGNORE INTO statement_terms (term, seq) VALUES (?, ?)", rows)
        frontier = referrers


def _index_existing_statements(db: sqlite3.Connection) -> None:
    """Search terms and voided flags for statements stored before the store had them (a one-off upgrade)."""
    log.info("indexing statements stored before queries were supported; this runs once")
    db.execute("BEGIN IMMEDIATE")
    try:
        rows = db.execute("SELECT seq, payload, credential FROM statements ORDER BY seq").fetchall()
        for seq, payload, credential in rows:
            statement = orjson.loads(payload)
            terms = statement_terms(statement)
            if credential is not None:
                terms.add(credential_term(credential))
            if statement["object"].get("objectType") == "StatementRef":
                terms |= _target_terms(db, statement["object"]["id"].lower(), {})
            db.executemany("INSERT OR IGNORE INTO statement_terms (term, seq) VALUES (?, ?)",
                           [(term, seq) for term in terms])
        db.execute("UPDATE statements SET voided = 1 WHERE voids IS NULL AND id IN "
                   "(SELECT voids FROM statements WHERE voids IS NOT NULL)")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _query_sql(query: StatementQuery) -> tuple[str, list[Any]]:
    order = "ASC" if query.ascending else "DESC"
    params: list[Any] = []
    if query.terms:
        first, *rest = query.terms
        sql = ("SELECT s.seq, s.payload FROM statement_terms t CROSS JOIN statements s ON s.seq = t.seq "
               "WHERE t.term = ? AND s.voided = 0")
        params.append(first)
        seq_column = "t.seq"
    else:
        sql, rest, seq_column = "SELECT s.seq, s.payload FROM statements s WHERE s.voided = 0", [], "s.seq"
    for term in rest:
        sql += " AND EXISTS (SELECT 1 FROM statement_terms x WHERE x.term = ? AND x.seq = s.seq)"
        params.append(term)
    if query.cursor is not None:
        sql += f" AND {seq_column} {'>' if query.ascending else '<'} ?"
        params.append(query.cursor)
    if query.through_seq is not None:
        sql += f" AND {seq_column} <= ?"
        params.append(query.through_seq)
    if query.since is not None:
        sql += " AND s.stored > ?"
        params.append(query.since)
    if query.until is not None:
        sql += " AND s.stored <= ?"
        params.append(query.until)
    sql += f" ORDER BY {seq_column} {order} LIMIT ?"
    params.append(query.limit)
    return sql, params


def _arrays_for_context_activities(statement: dict) -> None:
    # The LRS must return every context-activities value as an array, so it stores them that way.
    for holder in (statement, statement["object"]):
        context = holder.get("context") if isinstance(holder, dict) else None
        activities = context.get("contextActivities") if isinstance(context, dict) else None
        if isinstance(activities, dict):
            for kind, value in activities.items():
                if isinstance(value, dict):
                    activities[kind] = [value]


def _existing(db: sqlite3.Connection, ids: list[str]) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(ids), LOOKUP_SLICE):
        chunk = ids[start:start + LOOKUP_SLICE]
        marks = ",".join("?" * len(chunk))
        for statement_id, digest, instant in db.execute(
            f"SELECT id, content_hash, timestamp_instant FROM statements WHERE id IN ({marks})", chunk
        ):
            found[statement_id] = (digest, instant)
    return found


def _matches(item: Prepared, known: tuple[str, str]) -> bool:
    digest, instant = known
    if digest != item.content_hash:
        return False
    # A resend without a timestamp matches: the LRS assigned the stored one.
    return item.sent_instant is None or item.sent_instant == instant


def _refuse_voiding_of_others(db: sqlite3.Connection, prepared: list[Prepared], fresh: list[Prepared],
                              credential: str | None) -> None:
    """A voiding statement must target one stored with the same credential, now or before.

    An absent target and another tool's get the same VoidingForbidden, so the answer confirms no id.
    """
    targets = sorted({p.voids for p in fresh if p.voids})
    if not targets:
        return
    own = {p.statement_id for p in fresh}
    for start in range(0, len(targets), LOOKUP_SLICE):
        chunk = targets[start:start + LOOKUP_SLICE]
        own.update(row[0] for row in db.execute(
            f"SELECT id FROM statements WHERE credential IS ? AND id IN ({','.join('?' * len(chunk))})",
            [credential, *chunk]))
    fresh_ids = {p.statement_id for p in fresh}
    for index, item in enumerate(prepared):
        if item.statement_id in fresh_ids and item.voids and item.voids not in own:
            raise VoidingForbidden(index)


def _give_documents_owners(db: sqlite3.Connection) -> None:
    """Documents stored before each tool had its own get an owner: the only credential, else none (a one-off upgrade).

    With several credentials nobody can tell which tool stored them, so no tool reads them any more;
    they stay in the store and the lake, and `leerstroom forget` still erases them.
    """
    names = [row[0] for row in db.execute("SELECT name FROM credentials")]
    owner = names[0] if len(names) == 1 else ""
    db.execute("BEGIN IMMEDIATE")
    try:
        moved = db.execute("INSERT OR IGNORE INTO documents (kind, owner, scope, document_id, content, content_type, "
                           "etag, updated) SELECT kind, ?, scope, document_id, content, content_type, etag, updated "
                           f"FROM {DOCUMENTS_WITHOUT_OWNERS}", (owner,)).rowcount
        db.execute(f"DROP TABLE {DOCUMENTS_WITHOUT_OWNERS}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    if moved:
        log.warning("%d documents stored before each tool had its own now belong to %s", moved,
                    f"credential {owner!r}" if owner else "no tool (the store has several credentials)")


def _link_existing_attachments(db: sqlite3.Connection) -> None:
    """Link attachment data stored before the links existed to every statement declaring it (a one-off upgrade)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        held = {row[0] for row in db.execute("SELECT sha2 FROM attachments")}
        rows = []
        if held:
            for statement_id, payload in db.execute(
                    "SELECT id, payload FROM statements WHERE CAST(payload AS TEXT) LIKE '%\"sha2\"%'"):
                rows.extend((statement_id, sha2) for sha2 in attachment_sha2s(orjson.loads(payload)) & held)
        db.executemany("INSERT OR IGNORE INTO statement_attachments (statement_id, sha2) VALUES (?, ?)", rows)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _check_voiding_targets(db: sqlite3.Connection, fresh: list[Prepared]) -> None:
    """A voiding statement cannot itself be voided; its target may be absent (the spec allows that)."""
    voiding_in_batch = {p.statement_id for p in fresh if p.voids}
    targets = [p.voids for p in fresh if p.voids]
    if not targets:
        return
    voiding_stored: set[str] = set()
    for start in range(0, len(targets), LOOKUP_SLICE):
        chunk = targets[start:start + LOOKUP_SLICE]
        marks = ",".join("?" * len(chunk))
        voiding_stored.update(
            row[0] for row in db.execute(f"SELECT id FROM statements WHERE voids IS NOT NULL AND id IN ({marks})", chunk)
        )
    for p in fresh:
        if p.voids and (p.voids in voiding_in_batch or p.voids in voiding_stored):
            raise StatementInvalid("object.id", f"targets voiding statement {p.voids}; a voiding statement cannot be voided")
