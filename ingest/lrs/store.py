"""The LRS store: statements, documents, credentials, the outbox and refused requests, on SQLite or PostgreSQL.

The public face of the store for every other part: it opens the engine (ingest/lrs/engine.py),
brings the schema up to date (ingest/lrs/schema.py), stores statements with group commit
(ingest/lrs/statement_writes.py) and reads them back (ingest/lrs/statement_reads.py).
Documents, credentials, activity definitions and refused requests keep their SQL in their own
modules and run it through transaction() and read() here; `leerstroom status`, the health
page and the relay use counts(), the rejected module and the outbox through this store too.
Nothing else opens a connection to it.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from ingest.lrs import outbox, schema
from ingest.lrs.engine import DatabaseError, Db, Engine, SqliteEngine, open_engine
from ingest.lrs.exceptions import StoreUnavailable
from ingest.lrs.prepared import Prepared
from ingest.lrs.statement_reads import ATTACHMENT, BY_ID, LAST_SEQ, StatementQuery, query_sql
from ingest.lrs.statement_writes import GroupCommit, Write, prepare, refuse_forgotten
from ingest.privacy.forgotten import ForgetList
from ingest.xapi import formats
from ingest.xapi.exceptions import StatementInvalid
from leerstroom.settings import Settings

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def exists(settings: Settings) -> bool:
    """Whether an LRS store was created yet (a status report says so instead of creating an empty one)."""
    if not settings.lrs_on_postgres:
        return settings.lrs_db.exists()
    engine = open_engine(settings)
    try:
        return schema.version(engine) > 0
    except DatabaseError:
        return False
    finally:
        engine.close()


class LrsStore:
    """The store `where` names: settings (LEERSTROOM_LRS_DATABASE, else the data folder's SQLite file), a SQLite
    file's path, or an engine.

    With a forget list, statements about a forgotten person are refused (PersonForgotten).
    """

    def __init__(
        self, where: Settings | Path | str | Engine, *, busy_timeout: float = 10.0, forgotten: ForgetList | None = None
    ) -> None:
        if isinstance(where, Engine):
            self.engine = where
        elif isinstance(where, Settings):
            self.engine = open_engine(where, busy_timeout=busy_timeout)
        else:
            self.engine = SqliteEngine(where, busy_timeout)
        self.forgotten = forgotten
        self._writer: Db | None = None
        self._in_flight: collections.Counter[str] = collections.Counter()
        self._in_flight_lock = threading.Lock()
        self._group = GroupCommit(self._begin, self._rollback, self.where, self._refuse_forgotten)
        try:
            schema.migrate(self.engine)
        except DatabaseError as err:
            raise StoreUnavailable(f"LRS store {self.where} cannot be created or upgraded: {err}") from err

    @property
    def where(self) -> str:
        return self.engine.describe()

    @property
    def on_postgres(self) -> bool:
        return self.engine.name == "postgresql"

    # -- connections ----------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Db]:
        """This process's writer connection inside a transaction; engine failures become StoreUnavailable."""
        with self.write_lock:
            db = self._begin()
            try:
                yield db
                db.execute("COMMIT")
            except DatabaseError as err:
                self._rollback(db)
                raise StoreUnavailable(f"LRS store {self.where} failed to commit: {err}") from err
            except BaseException:
                self._rollback(db)
                raise

    @property
    def write_lock(self) -> threading.Lock:
        """Held while this store writes. A writer in the same process with its own connection (the relay on
        SQLite) takes it too, so the two wait on each other here instead of in SQLite's sleeping busy handler."""
        return self._group.write_lock

    def _begin(self) -> Db:
        """BEGIN on the writer connection; the caller holds the write lock."""
        try:
            if self._writer is None:
                self._writer = self.engine.connect()
            db = self._writer
            self.engine.begin(db)
        except DatabaseError as err:
            self._drop_writer()
            raise StoreUnavailable(f"LRS store {self.where} cannot start a write: {err}") from err
        return db

    def _rollback(self, db: Db) -> None:
        try:
            if db.in_transaction:
                db.execute("ROLLBACK")
        except DatabaseError:
            log.warning("rollback failed on %s; reopening the writer connection", self.where, exc_info=True)
            self._drop_writer()

    def _drop_writer(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._writer = None

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Every row of one query, each query its own snapshot."""
        try:
            with self.engine.reading() as db:
                return db.execute(sql, params).fetchall()
        except DatabaseError as err:
            raise StoreUnavailable(f"LRS store {self.where} cannot be read: {err}") from err

    def read_one(self, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        rows = self.read(sql, params)
        return rows[0] if rows else None

    def erase(self, steps: Callable[[Db], None], tables: Sequence[str]) -> None:
        """Run `steps` in one transaction of its own, then rewrite `tables` so no freed page keeps the erased bytes."""
        with self.write_lock:
            db = self.engine.connect()
            try:
                self.engine.before_erasure(db)
                self.engine.begin(db)
                try:
                    steps(db)
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
                self.engine.after_erasure(db, tables)
            finally:
                db.close()

    def close(self) -> None:
        with self.write_lock:
            self._drop_writer()
        self.engine.close()

    # -- statements -----------------------------------------------------------------

    def save(
        self,
        statements: Sequence[dict],
        authority: dict,
        *,
        credential: str | None = None,
        default_version: str = "1.0.0",
        attachments: Mapping[str, tuple[str, bytes]] | None = None,
        on_commit: Callable[[Db], None] | None = None,
        may_void_any: bool = False,
    ) -> list[str]:
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
            write = Write(prepared, credential, attachments or {}, on_commit, may_void_any)
            self._group.commit(write)
        if write.error is not None:
            raise write.error
        if write.fresh < len(prepared):
            log.info(
                "%d of %d statements were stored already with the same content",
                len(prepared) - write.fresh,
                len(prepared),
            )
        return ids

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
        refuse_forgotten(self.names_forgotten_person(), prepared)

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
        """A time before which every statement this process stored is readable: now, or the oldest write in flight."""
        with self._in_flight_lock:
            now = formats.format_timestamp(utc_now())
            return min(self._in_flight, default=now)

    def get_payload(self, statement_id: str) -> bytes | None:
        """The stored JSON of a statement, voided or not."""
        row = self.read_one(BY_ID["payload"], (statement_id.lower(),))
        return bytes(row[0]) if row else None

    def get(self, statement_id: str) -> dict | None:
        payload = self.get_payload(statement_id)
        return orjson.loads(payload) if payload is not None else None

    def is_voided(self, statement_id: str) -> bool:
        """Voided: a voiding statement targets it and it is not itself a voiding statement."""
        row = self.read_one(BY_ID["voided"], (statement_id.lower(),))
        return bool(row and row[0])

    def query(self, query: StatementQuery) -> list[tuple[int, bytes]]:
        """Statements matching every term of `query`, not voided, as (seq, payload) in the asked order."""
        sql, params = query_sql(query, postgres=self.on_postgres)
        return [(seq, bytes(payload)) for seq, payload in self.read(sql, params)]

    def attachment(self, statement_id: str, sha2: str) -> tuple[str, bytes] | None:
        """(content type, data) of an attachment sent with this statement; None for data sent with others only."""
        row = self.read_one(ATTACHMENT, (statement_id.lower(), sha2))
        return (row[0], bytes(row[1])) if row else None

    def last_seq(self) -> int:
        row = self.read_one(LAST_SEQ)
        return row[0] or 0 if row else 0

    def counts(self) -> dict[str, int]:
        """Statements, outbox entries and those not yet published: `leerstroom status` and the health page."""
        (statements,) = self.read_one("SELECT count(*) FROM statements")
        return {"statements": statements, **outbox.counts(self)}
