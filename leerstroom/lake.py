"""The one way to reach the DuckLake: its engines, connections, the writer lock and retries.

The catalog is a SQLite file in the data folder unless LEERSTROOM_LAKE_CATALOG names a
PostgreSQL database; the Parquet files live in the data folder unless
LEERSTROOM_LAKE_DATA_PATH names a shared folder or object storage (s3://…). The sink, the
transform, the dashboards, dbt's profile and the tests all open the lake here, on either
engine, and never see which. The tables and their migrations are leerstroom/lake_schema.py's.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import random
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import duckdb
import duckdb_ext

from leerstroom import lake_schema
from leerstroom.errors import ConfigurationError, LakeBusy, LakeUnavailable
from leerstroom.settings import Settings, get_settings

log = logging.getLogger(__name__)

LAKE = "lake"
T = TypeVar("T")
POSTGRES = "postgres:"
# DuckLake's words for "this catalog was never created" (read-only attach of an empty PostgreSQL database).
NEVER_CREATED = "does not exist"
# Raised by two processes creating one PostgreSQL catalog at the same moment; the loser attaches again.
CREATION_RACE = ("already exists", "duplicate key")


def duckdb_config() -> dict:
    """Connection settings every DuckDB connection to the lake needs (also used by dbt's profile)."""
    # Extensions come from the duckdb-ext wheel; downloading them at run time fails offline.
    return {
        "extension_directory": duckdb_ext.get_extension_dir(),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": True,
    }


# Where the lake is -------------------------------------------------------------------------------


def on_postgres(settings: Settings) -> bool:
    """True when the catalog is a PostgreSQL database rather than the SQLite file in the data folder."""
    catalog = settings.lake_catalog.strip()
    if catalog and not catalog.startswith(POSTGRES):
        raise ConfigurationError(
            f"LEERSTROOM_LAKE_CATALOG: {redact(catalog)!r} is not `postgres:dbname=… host=…`; leave it empty for the "
            "SQLite catalog in the data folder"
        )
    return bool(catalog)


def _remote(path: str) -> bool:
    return "://" in path


def data_path(settings: Settings) -> str:
    """The DATA_PATH of the lake's Parquet files, ending in a slash."""
    configured = settings.lake_data_path.strip()
    if configured and _remote(configured):
        return configured if configured.endswith("/") else configured + "/"
    folder = Path(configured) if configured else settings.lake_data
    return f"{folder.resolve()}/"


def redact(text: str) -> str:
    """A catalog string fit for logs and messages: any password replaced."""
    return re.sub(r"(password\s*=\s*)('[^']*'|\S+)", r"\1***", text)


def identity(settings: Settings) -> str:
    """Names the lake (catalog and files) for cache keys and messages, without secrets."""
    catalog = (
        redact(settings.lake_catalog.strip()) if on_postgres(settings) else str(settings.lake_catalog_file.resolve())
    )
    return f"{catalog} ({data_path(settings)})"


def environment(settings: Settings) -> dict[str, str]:
    """The lake's settings as LEERSTROOM_* variables, for a child process (dbt) that must open the same lake."""
    env = {}
    for name in (
        "lake_catalog",
        "lake_data_path",
        "lake_s3_key_id",
        "lake_s3_secret",
        "lake_s3_region",
        "lake_s3_endpoint",
        "lake_s3_url_style",
        "lake_s3_use_ssl",
    ):
        value = getattr(settings, name)
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        env[f"LEERSTROOM_{name.upper()}"] = str(value).lower() if isinstance(value, bool) else str(value)
    return env


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _catalog(settings: Settings, file: Path | None = None) -> str:
    if on_postgres(settings):
        return f"ducklake:{settings.lake_catalog.strip()}"
    return f"ducklake:sqlite:{(file or settings.lake_catalog_file).resolve()}"


def attach_sql(
    settings: Settings,
    *,
    alias: str = LAKE,
    read_only: bool = False,
    snapshot: int | None = None,
    catalog: Path | None = None,
) -> str:
    options = [f"DATA_PATH {_quote(data_path(settings))}", "OVERRIDE_DATA_PATH TRUE"]
    if read_only or snapshot is not None:
        options.append("READ_ONLY")
    if snapshot is not None:
        options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
    return f"ATTACH {_quote(_catalog(settings, catalog))} AS {alias} ({', '.join(options)})"


def _object_storage(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Give this connection the object storage credentials from settings (never from the repository)."""
    path = data_path(settings)
    if not path.startswith(("s3://", "s3a://")):
        return
    options = ["TYPE s3", f"SCOPE {_quote(path)}"]
    if settings.lake_s3_key_id:
        options += [
            f"KEY_ID {_quote(settings.lake_s3_key_id)}",
            f"SECRET {_quote(settings.lake_s3_secret.get_secret_value())}",
        ]
    if settings.lake_s3_region:
        options.append(f"REGION {_quote(settings.lake_s3_region)}")
    if settings.lake_s3_endpoint:
        options.append(f"ENDPOINT {_quote(settings.lake_s3_endpoint)}")
    options += [f"URL_STYLE {_quote(settings.lake_s3_url_style)}", f"USE_SSL {str(settings.lake_s3_use_ssl).lower()}"]
    con.execute(f"CREATE OR REPLACE TEMPORARY SECRET leerstroom_lake ({', '.join(options)})")


def _execute_attach(con: duckdb.DuckDBPyConnection, settings: Settings, sql: str) -> None:
    try:
        con.execute(sql)
    except duckdb.InvalidInputException as err:
        if NEVER_CREATED in str(err):
            raise ConfigurationError(
                f"no lake at {identity(settings)}: start the sink (`leerstroom sink`) or run `leerstroom demo` first"
            ) from err
        raise
    except (duckdb.IOException, duckdb.ConnectionException) as err:
        raise LakeUnavailable(f"the lake at {identity(settings)} cannot be reached: {redact(str(err))}") from err


# Creating and opening ----------------------------------------------------------------------------


def exists(settings: Settings | None = None) -> bool:
    """Whether the lake was created (with its tables): a reader can open it."""
    settings = settings or get_settings()
    if not on_postgres(settings):
        return settings.lake_catalog_file.exists()
    con = duckdb.connect(config=duckdb_config())
    try:
        try:
            attach(con, settings, read_only=True)
        except ConfigurationError:
            return False
        return lake_schema.version(con) > 0
    finally:
        con.close()


def _make_data_folder(settings: Settings) -> None:
    if not _remote(data_path(settings)):
        Path(data_path(settings)).mkdir(parents=True, exist_ok=True)


def _create_sqlite_lake(settings: Settings) -> None:
    """Create the catalog with every table under a temporary name, then move it into place.

    Readers therefore see either no lake or a complete one, never a catalog without its tables.
    """
    catalog = settings.lake_catalog_file
    with writer_lock(settings):
        if catalog.exists():
            return
        staging = catalog.with_name(catalog.name + ".creating")
        for leftover in (staging, Path(f"{staging}-wal"), Path(f"{staging}-shm")):
            leftover.unlink(missing_ok=True)
        # WAL lets readers (dbt, dashboards) run while the sink commits.
        with contextlib.closing(sqlite3.connect(staging)) as db:
            db.execute("PRAGMA journal_mode=WAL")
        con = duckdb.connect(config=duckdb_config())
        try:
            con.execute("SET TimeZone = 'UTC'")
            _object_storage(con, settings)
            con.execute(attach_sql(settings, catalog=staging))
            con.execute("BEGIN TRANSACTION")
            lake_schema.apply_pending(con)
            con.execute("COMMIT")
            con.execute(f"DETACH {LAKE}")
        finally:
            con.close()
        with contextlib.closing(sqlite3.connect(staging)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        os.replace(staging, catalog)


def attach(
    con: duckdb.DuckDBPyConnection,
    settings: Settings | None = None,
    *,
    read_only: bool = False,
    snapshot: int | None = None,
    alias: str = LAKE,
) -> None:
    """Attach the lake to an existing DuckDB connection (dbt's plugin uses this); read-write creates it if need be."""
    settings = settings or get_settings()
    _object_storage(con, settings)
    reading = read_only or snapshot is not None
    sql = attach_sql(settings, alias=alias, read_only=read_only, snapshot=snapshot)
    if not on_postgres(settings):
        if reading and not settings.lake_catalog_file.exists():
            raise ConfigurationError(
                f"no lake at {identity(settings)}: start the sink (`leerstroom sink`) or run `leerstroom demo` first"
            )
        if not reading:
            _make_data_folder(settings)
            if not settings.lake_catalog_file.exists():
                _create_sqlite_lake(settings)
        with catalog_quiet(settings):
            con.execute(sql)
            # Load the catalog and its statistics now, while no writer commits (see catalog_quiet).
            con.execute(f"SELECT count(*) FROM duckdb_tables() WHERE database_name = '{alias}'").fetchone()
        return
    if not reading:
        _make_data_folder(settings)
    for attempt in range(5):
        try:
            _execute_attach(con, settings, sql)
            return
        except duckdb.Error as err:
            # Two processes creating the catalog at once: the loser finds it made, and attaches to it.
            if reading or attempt == 4 or not any(text in str(err) for text in CREATION_RACE):
                raise
            log.info("the lake catalog was being created by another process; attaching again")
            with contextlib.suppress(duckdb.Error):
                con.execute(f"DETACH {alias}")
            time.sleep(0.2 * (1 + random.random()))


def connect(
    settings: Settings | None = None,
    *,
    read_only: bool = False,
    snapshot: int | None = None,
    database: str | Path = ":memory:",
) -> duckdb.DuckDBPyConnection:
    """Open DuckDB with the lake attached as `lake`: read-write, read-only, or read-only as of a snapshot.

    A read-write connection first brings the lake's tables to the newest schema version.
    """
    settings = settings or get_settings()
    con = duckdb.connect(str(database), config=duckdb_config())
    try:
        con.execute("SET TimeZone = 'UTC'")
        attach(con, settings, read_only=read_only, snapshot=snapshot)
        if not read_only and snapshot is None:
            lake_schema.migrate(con, lambda work: write_transaction(con, work, settings=settings))
    except Exception:
        con.close()
        raise
    return con


def read(settings: Settings, work: Callable[[duckdb.DuckDBPyConnection], T], *, snapshot: int | None = None) -> T:
    """Run a short read on a connection of its own, with no writer committing meanwhile (see catalog_quiet).

    For quick looks (counts, offsets, the last certification): writers wait while it runs.
    """
    con = connect(settings, read_only=True, snapshot=snapshot)
    try:
        with catalog_quiet(settings):
            return work(con)
    finally:
        con.close()


def writers_serialised(settings: Settings) -> bool:
    """True when writer_lock orders every writer (the SQLite catalog); False when conflicts do (PostgreSQL)."""
    return not on_postgres(settings)


# Which threads hold writer_lock, so that a reader opened inside a write never waits on its own thread.
_writing = threading.local()


@contextlib.contextmanager
def catalog_quiet(settings: Settings) -> Iterator[None]:
    """No commit by Leerstroom's writers while this runs (the SQLite catalog only): writer_lock, taken shared.

    DuckLake 1.4 reads its SQLite catalog one table at a time, each on a SQLite connection of its
    own, so a reader that loads the catalog while a writer commits can join one table's new rows
    with another's old ones (a table's statistics without its columns' statistics). It then fails
    with DuckDB's internal error "Calling GetValueInternal on a value that is NULL", which also
    invalidates the reader's whole database. Writers hold writer_lock while they commit; a reader
    holds it shared for the milliseconds a catalog load takes (attach, and lake.read). A
    PostgreSQL catalog reads one snapshot per transaction and needs none of this.
    """
    writing: int = getattr(_writing, "depth", 0)
    if not writers_serialised(settings) or writing:
        yield
        return
    settings.lake_dir.mkdir(parents=True, exist_ok=True)
    _through_turnstile(settings)
    with open(settings.lake_dir / "write.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _through_turnstile(settings: Settings) -> None:
    # A writer waiting for write.lock holds the turnstile, so readers arriving meanwhile wait behind it
    # instead of overlapping one another's shared holds for ever (flock itself prefers nobody).
    with open(settings.lake_dir / "write.turnstile", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def writer_lock(settings: Settings | None = None) -> Iterator[None]:
    """Serialise Leerstroom's own writers to a lake with the SQLite catalog.

    The SQLite catalog lets only one writer commit at a time; without this lock two
    overlapping writers fail with "database is locked". The OS releases the lock
    when a process dies, so a SIGKILL never leaves it held. A PostgreSQL catalog needs
    no lock (its writers may be on other machines): a conflicting commit aborts and
    write_transaction runs it again.
    """
    settings = settings or get_settings()
    if not writers_serialised(settings):
        yield
        return
    settings.lake_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.lake_dir / "write.lock", "a+") as fh:
        with open(settings.lake_dir / "write.turnstile", "a+") as turnstile:
            fcntl.flock(turnstile, fcntl.LOCK_EX)  # readers arriving now wait until this writer has the lock
            fcntl.flock(fh, fcntl.LOCK_EX)
        _writing.depth = getattr(_writing, "depth", 0) + 1
        try:
            yield
        finally:
            _writing.depth -= 1
            fcntl.flock(fh, fcntl.LOCK_UN)


def is_transient(err: BaseException) -> bool:
    text = str(err).lower()
    return isinstance(err, duckdb.Error) and ("database is locked" in text or "conflict" in text or "busy" in text)


def write_transaction(
    con: duckdb.DuckDBPyConnection,
    work: Callable[[duckdb.DuckDBPyConnection], T],
    *,
    settings: Settings | None = None,
    attempts: int = 8,
) -> T:
    """Run `work` in one lake transaction under the writer lock, retrying transient failures.

    `work` must be safe to run again: it is re-run from the start after a rollback.
    """
    settings = settings or get_settings()
    delay = 0.05
    for attempt in range(1, attempts + 1):
        with writer_lock(settings):
            con.execute("BEGIN TRANSACTION")
            try:
                result = work(con)
                con.execute("COMMIT")
                return result
            except BaseException as err:
                with contextlib.suppress(duckdb.Error):
                    con.execute("ROLLBACK")
                if not is_transient(err) or attempt == attempts:
                    if is_transient(err):
                        raise LakeBusy(f"lake write failed {attempts} times: {err}") from err
                    raise
                log.warning("lake busy (attempt %d/%d): %s", attempt, attempts, err)
        time.sleep(delay * (1 + random.random()))
        delay = min(delay * 2, 2.0)
    raise AssertionError("unreachable")


def write(settings: Settings, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run `work` in one write transaction (write_transaction) on a connection of its own; returns its result."""
    con = connect(settings)
    try:
        return write_transaction(con, work, settings=settings)
    finally:
        con.close()


def append(settings: Settings, table, target: str) -> int:
    """Insert an Arrow table into a lake table in one write transaction; returns the new snapshot id.

    Columns are matched by name, so the table may hold them in any order.
    """
    columns = ", ".join(f'"{name}"' for name in table.column_names)

    def insert(con: duckdb.DuckDBPyConnection) -> None:
        con.register("appended_rows", table)
        try:
            con.execute(f"INSERT INTO {target} ({columns}) SELECT {columns} FROM appended_rows")
        finally:
            con.unregister("appended_rows")

    con = connect(settings)
    try:
        write_transaction(con, insert, settings=settings)
        return current_snapshot(con)
    finally:
        con.close()


def current_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT max(snapshot_id) FROM lake.snapshots()").fetchone()[0])


def last_certified(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The newest certified transform run, or None before the first green transform."""
    row = con.execute(
        "SELECT certified_snapshot_id, raw_snapshot_id, finished_at, run_id FROM lake.meta.transform_runs "
        "WHERE status = 'certified' ORDER BY certified_snapshot_id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    return {"snapshot_id": row[0], "raw_snapshot_id": row[1], "certified_at": row[2], "run_id": row[3]}
