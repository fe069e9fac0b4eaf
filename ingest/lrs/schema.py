"""The LRS store's tables, as numbered migrations per engine: statements, search terms, attachments, credentials,
documents, activity definitions, the outbox and refused requests.

A store records how many migrations it has had (SQLite: PRAGMA user_version; PostgreSQL: the
lrs_schema_versions table) and gets the missing ones, in order, in one transaction, when a
process opens it. An applied migration is never edited; a change is a new one at the end of
both lists. Several processes opening one store at once wait for each other: SQLite's write
lock, PostgreSQL's advisory lock.

SQLite migration 1 adopts a store written by any release before versioning: it creates what
is missing and upgrades what an older release left (documents without owners, attachment
data without links, statements without search terms).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import orjson

from ingest.lrs import search_terms
from ingest.lrs.engine import Db, Engine, SqliteDb

log = logging.getLogger(__name__)

# The tables of the SQLite store as the last release before versioned migrations left them.
SQLITE_TABLES = (
    """CREATE TABLE IF NOT EXISTS statements (
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
    )""",
    "CREATE INDEX IF NOT EXISTS statements_by_voids ON statements (voids) WHERE voids IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS statements_by_stored ON statements (stored)",
    "CREATE INDEX IF NOT EXISTS statements_by_ref ON statements (object_id) WHERE object_type = 'StatementRef'",
    # One row per (search term, statement): queries walk a term's rows newest first and stop at the limit.
    """CREATE TABLE IF NOT EXISTS statement_terms (
        term TEXT NOT NULL,
        seq  INTEGER NOT NULL,
        PRIMARY KEY (term, seq)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS attachments (
        sha2         TEXT PRIMARY KEY,
        content_type TEXT NOT NULL,
        content      BLOB NOT NULL
    )""",
    # Which statements an attachment's data came with: it is returned with those only, and erased with the last.
    """CREATE TABLE IF NOT EXISTS statement_attachments (
        statement_id TEXT NOT NULL,
        sha2         TEXT NOT NULL,
        PRIMARY KEY (statement_id, sha2)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS statement_attachments_by_sha2 ON statement_attachments (sha2)",
    """CREATE TABLE IF NOT EXISTS credentials (
        key           TEXT PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE,
        secret_sha256 TEXT NOT NULL,
        scopes        TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        revoked_at    TEXT
    )""",
    # `scope` is what a document is about, `owner` the credential that stored it: each tool has its own documents.
    """CREATE TABLE IF NOT EXISTS documents (
        kind         TEXT NOT NULL,
        owner        TEXT NOT NULL,
        scope        TEXT NOT NULL,
        document_id  TEXT NOT NULL,
        content      BLOB NOT NULL,
        content_type TEXT NOT NULL,
        etag         TEXT NOT NULL,
        updated      TEXT NOT NULL,
        PRIMARY KEY (kind, owner, scope, document_id)
    )""",
    """CREATE TABLE IF NOT EXISTS activities (
        id         TEXT PRIMARY KEY,
        definition BLOB NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS outbox (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id        TEXT NOT NULL,
        message_key     BLOB NOT NULL,
        payload         BLOB NOT NULL,
        created_at      REAL NOT NULL,
        topic_id        TEXT,
        kafka_partition INTEGER,
        kafka_offset    INTEGER,
        published_at    REAL
    )""",
    "CREATE INDEX IF NOT EXISTS outbox_by_log ON outbox (topic_id, kafka_partition, kafka_offset)",
    """CREATE TABLE IF NOT EXISTS rejections (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        credential   TEXT NOT NULL,
        at           TEXT NOT NULL,
        request      TEXT NOT NULL,
        status       INTEGER NOT NULL,
        reason       TEXT NOT NULL
    )""",
)
# Columns earlier releases added to tables of stores made before them: (table, column, definition).
SQLITE_ADDED_COLUMNS = (
    ("statements", "voided", "INTEGER NOT NULL DEFAULT 0"),
    ("credentials", "revoked_at", "TEXT"),
    *(
        ("rejections", column, kind)
        for column, kind in (
            ("field", "TEXT"),
            ("rule", "TEXT"),
            ("version", "TEXT"),
            ("content_type", "TEXT"),
            ("body", "BLOB"),
            ("body_bytes", "INTEGER"),
            ("body_sha256", "TEXT"),
            ("body_note", "TEXT"),
            ("replayed_at", "TEXT"),
            ("replayed_ids", "TEXT"),
            ("replay_note", "TEXT"),
        )
    ),
)
SQLITE_LATE_INDEXES = (
    "CREATE INDEX IF NOT EXISTS rejections_by_credential ON rejections (credential, seq)",
    "CREATE INDEX IF NOT EXISTS rejections_by_at ON rejections (at)",
)
# Where documents of a store made before documents had owners wait while they get one.
DOCUMENTS_WITHOUT_OWNERS = "documents_without_owners"


def _adopt_sqlite_store(db: Db) -> None:
    """SQLite migration 1: the schema of the last unversioned release, upgrading a store of any earlier one."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "documents" in tables and "owner" not in _columns(db, "documents"):
        db.execute(f"ALTER TABLE documents RENAME TO {DOCUMENTS_WITHOUT_OWNERS}")
    for statement in SQLITE_TABLES:
        db.execute(statement)
    if DOCUMENTS_WITHOUT_OWNERS in {row[0] for row in db.execute("SELECT name FROM sqlite_master")}:
        _give_documents_owners(db)
    if "statements" in tables and "statement_attachments" not in tables:
        _link_existing_attachments(db)
    reindex = False
    for table, column, definition in SQLITE_ADDED_COLUMNS:
        if column not in _columns(db, table):
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
            reindex = reindex or table == "statements"
    for statement in SQLITE_LATE_INDEXES:
        db.execute(statement)
    if reindex:
        search_terms.index_existing_statements(db)


def _columns(db: Db, table: str) -> set[str]:
    return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def _give_documents_owners(db: Db) -> None:
    """Documents stored before each tool had its own get an owner: the only credential, else none.

    With several credentials nobody can tell which tool stored them, so no tool reads them any more;
    they stay in the store and the lake, and `leerstroom forget` still erases them.
    """
    names = [row[0] for row in db.execute("SELECT name FROM credentials")]
    owner = names[0] if len(names) == 1 else ""
    moved = db.execute(
        "INSERT OR IGNORE INTO documents (kind, owner, scope, document_id, content, content_type, "
        "etag, updated) SELECT kind, ?, scope, document_id, content, content_type, etag, updated "
        f"FROM {DOCUMENTS_WITHOUT_OWNERS}",
        (owner,),
    ).rowcount
    db.execute(f"DROP TABLE {DOCUMENTS_WITHOUT_OWNERS}")
    if moved:
        log.warning(
            "%d documents stored before each tool had its own now belong to %s",
            moved,
            f"credential {owner!r}" if owner else "no tool (the store has several credentials)",
        )


def _link_existing_attachments(db: Db) -> None:
    """Link attachment data stored before the links existed to every statement declaring it."""
    from ingest.lrs.statement_writes import attachment_sha2s

    held = {row[0] for row in db.execute("SELECT sha2 FROM attachments")}
    rows: list[tuple] = []
    if held:
        for statement_id, payload in db.execute(
            "SELECT id, payload FROM statements WHERE CAST(payload AS TEXT) LIKE '%\"sha2\"%'"
        ).fetchall():
            rows.extend((statement_id, sha2) for sha2 in attachment_sha2s(orjson.loads(payload)) & held)
    db.executemany("INSERT OR IGNORE INTO statement_attachments (statement_id, sha2) VALUES (?, ?)", rows)


Migration = Callable[[Db], None] | str
# The relay's poll finds entries never published through this index, without reading those published and
# waiting for the lake (migration 2 on either engine).
OUTBOX_UNPUBLISHED = "CREATE INDEX outbox_unpublished ON outbox (seq) WHERE topic_id IS NULL"
# Search terms indexed under 64-bit keys instead of their text (ingest/lrs/search_terms.py).
SQLITE_TERM_KEYS = """CREATE TABLE statement_term_keys (
    term_key INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    PRIMARY KEY (term_key, seq)
) WITHOUT ROWID"""
# Refused requests dropped at LEERSTROOM_LRS_REJECTED_PER_TOOL, counted per tool (ingest/lrs/rejected.py), so a
# dead letter that is gone is never gone silently.
REJECTION_DROPS = """CREATE TABLE rejection_drops (
    credential      TEXT PRIMARY KEY,
    dropped         BIGINT NOT NULL,
    last_dropped_at TEXT NOT NULL
)"""
SQLITE_MIGRATIONS: Sequence[Migration] = (
    _adopt_sqlite_store,
    OUTBOX_UNPUBLISHED,
    SQLITE_TERM_KEYS,
    search_terms.keys_from_text_index,
    REJECTION_DROPS,
)

POSTGRES_MIGRATIONS: Sequence[Migration] = (
    """
    CREATE TABLE statements (
        seq               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id                TEXT NOT NULL UNIQUE,
        payload           BYTEA NOT NULL,
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
    CREATE INDEX statements_by_voids ON statements (voids) WHERE voids IS NOT NULL;
    CREATE INDEX statements_by_stored ON statements (stored);
    CREATE INDEX statements_by_ref ON statements (object_id) WHERE object_type = 'StatementRef';
    CREATE TABLE statement_term_keys (
        term_key BIGINT NOT NULL,
        seq      BIGINT NOT NULL,
        PRIMARY KEY (term_key, seq)
    );
    CREATE TABLE attachments (
        sha2         TEXT PRIMARY KEY,
        content_type TEXT NOT NULL,
        content      BYTEA NOT NULL
    );
    CREATE TABLE statement_attachments (
        statement_id TEXT NOT NULL,
        sha2         TEXT NOT NULL,
        PRIMARY KEY (statement_id, sha2)
    );
    CREATE INDEX statement_attachments_by_sha2 ON statement_attachments (sha2);
    CREATE TABLE credentials (
        key           TEXT PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE,
        secret_sha256 TEXT NOT NULL,
        scopes        TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        revoked_at    TEXT
    );
    CREATE TABLE documents (
        kind         TEXT NOT NULL,
        owner        TEXT NOT NULL,
        scope        TEXT NOT NULL,
        document_id  TEXT NOT NULL,
        content      BYTEA NOT NULL,
        content_type TEXT NOT NULL,
        etag         TEXT NOT NULL,
        updated      TEXT NOT NULL,
        PRIMARY KEY (kind, owner, scope, document_id)
    );
    CREATE TABLE activities (
        id         TEXT PRIMARY KEY,
        definition BYTEA NOT NULL
    );
    CREATE TABLE outbox (
        seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id        TEXT NOT NULL,
        message_key     BYTEA NOT NULL,
        payload         BYTEA NOT NULL,
        created_at      DOUBLE PRECISION NOT NULL,
        topic_id        TEXT,
        kafka_partition INTEGER,
        kafka_offset    BIGINT,
        published_at    DOUBLE PRECISION
    );
    CREATE INDEX outbox_by_log ON outbox (topic_id, kafka_partition, kafka_offset);
    CREATE TABLE rejections (
        seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        credential   TEXT NOT NULL,
        at           TEXT NOT NULL,
        request      TEXT NOT NULL,
        status       INTEGER NOT NULL,
        reason       TEXT NOT NULL,
        field        TEXT,
        rule         TEXT,
        version      TEXT,
        content_type TEXT,
        body         BYTEA,
        body_bytes   INTEGER,
        body_sha256  TEXT,
        body_note    TEXT,
        replayed_at  TEXT,
        replayed_ids TEXT,
        replay_note  TEXT
    );
    CREATE INDEX rejections_by_credential ON rejections (credential, seq);
    CREATE INDEX rejections_by_at ON rejections (at);
    """,
    OUTBOX_UNPUBLISHED,
    REJECTION_DROPS,
)
# Any number: the key of the advisory lock two processes migrating one PostgreSQL store at once take in turn.
POSTGRES_LOCK = 7_401_014


def migrate(engine: Engine) -> int:
    """Bring the store up to the newest migration; returns its version."""
    db = engine.connect()
    try:
        if isinstance(db, SqliteDb):
            return _migrate_sqlite(engine, db)
        return _migrate_postgres(engine, db)
    finally:
        db.close()


def _migrate_sqlite(engine: Engine, db: Db) -> int:
    target = len(SQLITE_MIGRATIONS)
    if db.execute("PRAGMA user_version").fetchone()[0] >= target:
        return target
    engine.begin(db)  # another process migrating the same file waits here, then finds it done
    try:
        current = db.execute("PRAGMA user_version").fetchone()[0]
        for version in range(current + 1, target + 1):
            _apply(db, SQLITE_MIGRATIONS[version - 1])
            db.execute(f"PRAGMA user_version = {version}")
        db.execute("COMMIT")
        _applied(engine, current, target)
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return target


def _migrate_postgres(engine: Engine, db: Db) -> int:
    target = len(POSTGRES_MIGRATIONS)
    engine.begin(db)
    try:
        db.execute("SELECT pg_advisory_xact_lock(?)", (POSTGRES_LOCK,))
        db.execute(
            "CREATE TABLE IF NOT EXISTS lrs_schema_versions (version INTEGER PRIMARY KEY, "
            "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        current = db.execute("SELECT coalesce(max(version), 0) FROM lrs_schema_versions").fetchone()[0]
        for version in range(current + 1, target + 1):
            _apply(db, POSTGRES_MIGRATIONS[version - 1])
            db.execute("INSERT INTO lrs_schema_versions (version) VALUES (?)", (version,))
        db.execute("COMMIT")
        _applied(engine, current, target)
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return target


def _applied(engine: Engine, before: int, after: int) -> None:
    if after > before:
        log.info("LRS store %s: migrations %d to %d applied", engine.describe(), before + 1, after)


def _apply(db: Db, migration: Migration) -> None:
    if callable(migration):
        migration(db)
        return
    for statement in migration.split(";"):
        if statement.strip():
            db.execute(statement)


def version(engine: Engine) -> int:
    """How many migrations the store has had (0 for a store that does not exist yet)."""
    with engine.reading() as db:
        if isinstance(db, SqliteDb):
            return db.execute("PRAGMA user_version").fetchone()[0]
        exists = db.execute("SELECT to_regclass('lrs_schema_versions')").fetchone()[0]
        return db.execute("SELECT max(version) FROM lrs_schema_versions").fetchone()[0] if exists else 0
