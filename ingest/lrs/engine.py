"""The LRS store's engine and connections: SQLite (the default) or PostgreSQL (LEERSTROOM_LRS_DATABASE).

The only module that opens a connection to the LRS store. Everything above it writes SQL
with `?` placeholders through a Db, which raises DatabaseError for any failure of the
engine itself, and asks `db.postgres` where the two engines need different statements.

- SQLite: one file under the data folder in WAL mode, synchronous=FULL (a commit survives
  a power cut); writers take the file's lock with BEGIN IMMEDIATE, so one writes at a time
  across every process on the host.
- PostgreSQL: synchronous_commit=on for the same promise; readers share a small pool,
  writers run in their own transactions and rely on the database's row locks and unique
  constraints, so LRS processes on several machines can share one database.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from leerstroom.settings import Settings

log = logging.getLogger(__name__)

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class DatabaseError(Exception):
    """The engine failed: unreachable, locked past the timeout, out of disk, a broken connection."""

    def __init__(self, message: str, *, unique_violation: bool = False) -> None:
        super().__init__(message)
        self.unique_violation = unique_violation


def is_postgres(database: str) -> bool:
    return database.strip().lower().startswith(POSTGRES_SCHEMES)


def redacted(url: str) -> str:
    """A PostgreSQL URL without its password, for messages and logs."""
    scheme, _, rest = url.partition("://")
    credentials, at, place = rest.rpartition("@")
    if not at:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}@{place}"


class Db:
    """One connection as the store's modules use it; subclasses speak to one engine."""

    postgres = False

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        raise NotImplementedError

    def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert new rows (no conflicts possible) the engine's fastest way."""
        marks = ",".join("?" * len(columns))
        self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    @property
    def in_transaction(self) -> bool:
        raise NotImplementedError

    def text(self, column: str) -> str:
        """SQL reading a BLOB column as UTF-8 text (for LIKE)."""
        return f"CAST({column} AS TEXT)"

    def close(self) -> None:
        raise NotImplementedError


class SqliteDb(Db):
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self.connection.execute(sql, params)
        except sqlite3.IntegrityError as err:
            raise DatabaseError(str(err), unique_violation="UNIQUE" in str(err)) from err
        except sqlite3.Error as err:
            raise DatabaseError(str(err)) from err

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        try:
            self.connection.executemany(sql, rows)
        except sqlite3.IntegrityError as err:
            raise DatabaseError(str(err), unique_violation="UNIQUE" in str(err)) from err
        except sqlite3.Error as err:
            raise DatabaseError(str(err)) from err

    def executescript(self, script: str) -> None:
        try:
            self.connection.executescript(script)
        except sqlite3.Error as err:
            raise DatabaseError(str(err)) from err

    @property
    def in_transaction(self) -> bool:
        return self.connection.in_transaction

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.connection.close()


@functools.lru_cache(maxsize=2048)
def _pg_sql(sql: str) -> str:
    # The store's SQL has no literal % or ? of its own; LIKE patterns travel as parameters.
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresDb(Db):
    postgres = True

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        import psycopg

        try:
            return self.connection.execute(_pg_sql(sql), params)
        except psycopg.errors.UniqueViolation as err:
            raise DatabaseError(str(err), unique_violation=True) from err
        except psycopg.Error as err:
            raise DatabaseError(str(err)) from err

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        import psycopg

        rows = list(rows)
        if not rows:
            return
        try:
            with self.connection.cursor() as cursor:
                cursor.executemany(_pg_sql(sql), rows)
        except psycopg.errors.UniqueViolation as err:
            raise DatabaseError(str(err), unique_violation=True) from err
        except psycopg.Error as err:
            raise DatabaseError(str(err)) from err

    def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        import psycopg

        if not rows:
            return
        try:
            with (
                self.connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        except psycopg.errors.UniqueViolation as err:
            raise DatabaseError(str(err), unique_violation=True) from err
        except psycopg.Error as err:
            raise DatabaseError(str(err)) from err

    def text(self, column: str) -> str:
        return f"convert_from({column}, 'UTF8')"

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.connection.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.connection.close()


class Engine:
    """Where the store lives and how to reach it: connections for writers, readers for each thread or a pool."""

    name = ""
    # Added to the relay's SELECT of pending outbox entries: several relays then never take the same ones.
    skip_locked = ""

    def connect(self) -> Db:
        """A new connection, in autocommit: the caller opens transactions with begin() and closes it."""
        raise NotImplementedError

    def begin(self, db: Db) -> None:
        db.execute("BEGIN")

    @contextlib.contextmanager
    def reading(self) -> Iterator[Db]:
        """A connection for reads in this thread, each statement its own snapshot."""
        raise NotImplementedError

    def close(self) -> None:
        """Close the readers (SQLite) or the pool (PostgreSQL)."""

    def before_erasure(self, db: Db) -> None:
        """Ready a connection to delete a person's rows so that no freed page keeps them."""

    def after_erasure(self, db: Db, tables: Sequence[str]) -> None:
        """Rewrite the tables a person was erased from, outside any transaction."""

    def describe(self) -> str:
        raise NotImplementedError


class SqliteEngine(Engine):
    name = "sqlite"

    def __init__(self, path: Path | str, busy_timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._readers = threading.local()
        self._all_readers: list[SqliteDb] = []
        self._lock = threading.Lock()

    def connect(self) -> SqliteDb:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = sqlite3.connect(
                self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
            )
            connection.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit survives power loss too, since the HTTP answer promises the statement is kept.
            connection.execute("PRAGMA synchronous=FULL")
        except sqlite3.Error as err:
            raise DatabaseError(str(err)) from err
        return SqliteDb(connection)

    def begin(self, db: Db) -> None:
        # IMMEDIATE: take the write lock now, not at the first write, so a busy file fails here and nowhere later.
        db.execute("BEGIN IMMEDIATE")

    @contextlib.contextmanager
    def reading(self) -> Iterator[Db]:
        db = getattr(self._readers, "db", None)
        if db is None:
            db = self.connect()
            self._readers.db = db
            with self._lock:
                self._all_readers.append(db)
        yield db

    def close(self) -> None:
        with self._lock:
            readers, self._all_readers = self._all_readers, []
        for db in readers:
            db.close()
        self._readers = threading.local()

    def describe(self) -> str:
        return str(self.path)

    def before_erasure(self, db: Db) -> None:
        db.execute("PRAGMA secure_delete = ON")  # freed pages are zeroed, not left readable in the file

    def after_erasure(self, db: Db, tables: Sequence[str]) -> None:
        db.execute("VACUUM")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class PostgresEngine(Engine):
    name = "postgresql"
    skip_locked = " FOR UPDATE SKIP LOCKED"

    def __init__(self, url: str, pool_size: int = 8, connect_timeout: float = 10.0, lock_timeout: float = 10.0) -> None:
        self.url = url
        self.pool_size = pool_size
        self.connect_timeout = connect_timeout
        self.lock_timeout = lock_timeout
        self._pool: Any = None
        self._lock = threading.Lock()

    def _configure(self, connection: Any) -> None:
        # on: COMMIT returns once the WAL is flushed, so an acknowledged statement survives a power cut
        # whatever the server's default is.
        connection.execute("SET synchronous_commit = on")
        # Like SQLite's busy timeout: a write that cannot get its locks in time fails (503) instead of hanging.
        connection.execute(f"SET lock_timeout = {int(self.lock_timeout * 1000)}")

    def connect(self) -> PostgresDb:
        import psycopg

        try:
            connection = psycopg.connect(self.url, autocommit=True, connect_timeout=int(self.connect_timeout))
            self._configure(connection)
        except psycopg.Error as err:
            raise DatabaseError(f"{redacted(self.url)}: {err}") from err
        return PostgresDb(connection)

    def _readers(self) -> Any:
        with self._lock:
            if self._pool is None:
                from psycopg_pool import ConnectionPool

                self._pool = ConnectionPool(
                    self.url,
                    min_size=1,
                    max_size=self.pool_size,
                    open=True,
                    kwargs={"autocommit": True},
                    configure=self._configure,
                    timeout=self.connect_timeout,
                    name="lrs-readers",
                )
            return self._pool

    @contextlib.contextmanager
    def reading(self) -> Iterator[Db]:
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            with self._readers().connection() as connection:
                yield PostgresDb(connection)
        except (psycopg.OperationalError, PoolTimeout) as err:
            raise DatabaseError(f"{redacted(self.url)}: {err}") from err

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def describe(self) -> str:
        return redacted(self.url)

    def after_erasure(self, db: Db, tables: Sequence[str]) -> None:
        # Deleted rows stay in the table's pages until it is rewritten; VACUUM FULL writes it anew.
        for table in tables:
            db.execute(f"VACUUM FULL {table}")


def open_engine(
    settings: Settings | None = None, *, path: Path | str | None = None, busy_timeout: float = 10.0
) -> Engine:
    """The engine LEERSTROOM_LRS_DATABASE names: a postgresql:// URL, else the SQLite file (`path` or the default)."""
    database = settings.lrs_database.strip() if settings is not None else ""
    if is_postgres(database):
        return PostgresEngine(database, pool_size=settings.lrs_database_pool, lock_timeout=busy_timeout)
    if path is None:
        if settings is None:
            raise ValueError("open_engine needs settings or a path")
        path = settings.lrs_db
    return SqliteEngine(path, busy_timeout)
