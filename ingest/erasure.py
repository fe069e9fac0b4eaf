"""The right to erasure: remove one person from every file under the data folder.

Order matters: the person goes on the forget list first, so a statement in flight is
dropped by the sink instead of landing after the lake was cleaned. Then, in turn: the
LRS store (one step per kind of record, STORE_STEPS: statements with their attachment
data, documents, the outbox, ...), the lake, the warehouse, and every other file (logs
lose the lines naming the person; a file of a format no step knows is reported, not
passed over). Deleted bytes must not survive in files either: SQLite stores are
rewritten (secure_delete, VACUUM, WAL truncated), DuckLake data files with deletions are
rewritten, older snapshots expired and their files removed, and the warehouse (a build
cache) is deleted for dbt to rebuild. docs/operations.md lists every copy.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import orjson

from ingest.lrs import search_terms
from ingest.lrs import store as lrs_store
from ingest.lrs.engine import Db
from ingest.lrs.store import LrsStore
from ingest.privacy.forgotten import ForgetList
from ingest.privacy.pseudonyms import (
    PSEUDONYM_HOME,
    agent_keys,
    digest,
    pseudonymous_key,
)
from ingest.xapi.identity import actor_key
from leerstroom import lake
from leerstroom.errors import ConfigurationError
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

STRING_TYPES = ("VARCHAR", "JSON")


class UnknownActorFormat(ConfigurationError):
    """The ACTOR argument is neither an Agent as JSON, an e-mail/mailto:, nor an actor key."""


@dataclass
class Person:
    """Everything that identifies one person in stored bytes: actor keys, and the text they appear as."""

    keys: set[str]
    json_needles: set[str]  # as the value appears in compact JSON
    text_needles: set[str]  # as it appears anywhere, URL-encoded included

    @classmethod
    def from_argument(cls, text: str, pseudonymisation_key: str = "") -> Person:
        agent = parse_actor(text)
        plain = actor_key(agent)
        keys = {plain}
        if "mbox" in agent:
            keys.add(f"mbox_sha1sum:{hashlib.sha1(agent['mbox'].encode()).hexdigest()}")
        values = [v for k, v in agent.items() if k in ("mbox", "mbox_sha1sum", "openid")]
        json_needles = {orjson.dumps(v).decode() for v in values}
        if "mbox" in agent:
            values.append(agent["mbox"].removeprefix("mailto:"))  # the address as written in logs and exports
        if "account" in agent:
            name = agent["account"]["name"]
            values.append(name)
            json_needles.add(f'"name":{orjson.dumps(name).decode()}')
        for sha1_key in [k for k in keys if k.startswith("mbox_sha1sum:")]:
            values.append(sha1_key.split(":", 1)[1])
            json_needles.add(orjson.dumps(sha1_key.split(":", 1)[1]).decode())
        if pseudonymisation_key:
            for key in sorted(keys):  # a copy: the loop adds to keys
                keys.add(pseudonymous_key(key, pseudonymisation_key))
                hashed = digest(key, pseudonymisation_key)
                values.append(hashed)
                json_needles.add(f'"{hashed}"')
        text_needles = (
            set(values)
            | {urllib.parse.quote(v, safe="") for v in values}
            | {urllib.parse.quote_plus(v) for v in values}
        )
        return cls(keys, json_needles, text_needles)

    def named_in(self, payload: bytes | str) -> bool:
        """True when the JSON payload holds one of the person's identities in any agent."""
        try:
            return bool(agent_keys(orjson.loads(payload)) & self.keys)
        except orjson.JSONDecodeError:
            text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
            return any(n in text for n in self.text_needles)


def parse_actor(text: str) -> dict:
    """An Agent from `{"mbox": ...}` JSON, `ada@example.org`, `mailto:ada@…`, or an actor key (`account:HOME::NAME`)."""
    text = text.strip()
    if text.startswith("{"):
        try:
            agent = orjson.loads(text)
        except orjson.JSONDecodeError as err:
            raise UnknownActorFormat(f"ACTOR looks like JSON but is not: {err}") from err
        actor_key(agent)  # raises when it identifies no one
        return agent
    if text.startswith("account:") and "::" in text:
        home, name = text[len("account:") :].split("::", 1)
        return {"account": {"homePage": home, "name": name}}
    for prefix in ("mbox_sha1sum:", "openid:"):
        if text.startswith(prefix):
            return {prefix[:-1]: text[len(prefix) :]}
    address = text.removeprefix("mbox:").removeprefix("mailto:")
    if "@" in address and " " not in address:
        return {"mbox": f"mailto:{address}"}
    raise UnknownActorFormat(
        "ACTOR must be an e-mail address, mailto:…, account:HOMEPAGE::NAME, "
        "openid:URL, mbox_sha1sum:HEX or an Agent as JSON"
    )


@dataclass
class ErasureReport:
    removed: dict[str, int] = field(default_factory=dict)
    remaining: list[str] = field(default_factory=list)  # files under the data folder that still name the person

    def add(self, place: str, count: int) -> None:
        if count:
            self.removed[place] = self.removed.get(place, 0) + count


def _like_any(column: str, needles: set[str]) -> tuple[str, list[str]]:
    escaped = [n.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for n in sorted(needles)]
    return " OR ".join(f"{column} LIKE ? ESCAPE '\\'" for _ in escaped), [f"%{n}%" for n in escaped]


def _contains_any(db: Db, column: str, needles: set[str], *, binary: bool = False) -> tuple[str, list]:
    """SQL true when a text (or, `binary`, a BLOB/BYTEA) column holds any of the needles, with its parameters."""
    if not db.postgres:
        return _like_any(f"CAST({column} AS TEXT)" if binary else column, needles)
    ordered = sorted(needles)
    if binary:  # bytes compared as bytes: attachment data need not be valid UTF-8
        return " OR ".join(f"position(?::bytea IN {column}) > 0" for _ in ordered), [n.encode() for n in ordered]
    return " OR ".join(f"strpos({column}, ?) > 0" for _ in ordered), ordered


def _key_in(db: Db, keys: list[str]) -> tuple[str, list]:
    """SQL true when the outbox entry's message key is one of `keys`."""
    marks = ",".join("?" * len(keys))
    if db.postgres:
        return f"message_key IN ({marks})", [key.encode() for key in keys]
    return f"CAST(message_key AS TEXT) IN ({marks})", list(keys)


def erase_from_store(settings: Settings, person: Person, report: ErasureReport) -> None:
    """Run every STORE_STEPS step in one transaction, then rewrite the store so no freed page keeps the bytes."""
    if not lrs_store.exists(settings):
        return

    def every_step(db: Db) -> None:
        for step in STORE_STEPS:
            step(db, person, report)

    store = LrsStore(settings)  # brings a store of an older version up to date first
    try:
        store.erase(every_step, STORE_TABLES)
    finally:
        store.close()
    if store.on_postgres:
        log.warning(
            "the LRS store's PostgreSQL WAL and its backups keep erased rows until they are recycled; "
            "docs/operations.md says how long"
        )


def _statements(db: Db, person: Person, report: ErasureReport) -> None:
    """Statements naming the person in any agent, with their search terms, outbox entries and attachment data."""
    keys = sorted(person.keys)
    where, params = _contains_any(db, "payload", person.json_needles | person.text_needles, binary=True)
    rows = db.execute(
        f"SELECT seq, id, payload FROM statements WHERE actor_key IN ({','.join('?' * len(keys))}) OR {where}",
        [*keys, *params],
    ).fetchall()
    for seq, statement_id, payload in rows:
        if not person.named_in(payload):
            continue
        db.execute("DELETE FROM statement_term_keys WHERE seq = ?", (seq,))
        db.execute("DELETE FROM statements WHERE seq = ?", (seq,))
        report.add("lrs statements", 1)
        report.add("outbox", db.execute("DELETE FROM outbox WHERE event_id = ?", (statement_id,)).rowcount)
        sent_with = [
            row[0]
            for row in db.execute(
                "SELECT sha2 FROM statement_attachments WHERE statement_id = ?", (statement_id,)
            ).fetchall()
        ]
        db.execute("DELETE FROM statement_attachments WHERE statement_id = ?", (statement_id,))
        for sha2 in sent_with:
            # Data that came with other people's statements too stays for them.
            report.add(
                "lrs attachments",
                db.execute(
                    "DELETE FROM attachments WHERE sha2 = ? AND NOT EXISTS "
                    "(SELECT 1 FROM statement_attachments WHERE sha2 = ?)",
                    (sha2, sha2),
                ).rowcount,
            )


def _attachments_naming(db: Db, person: Person, report: ErasureReport) -> None:
    """Attachment data that names the person in its text, whoever's statement it came with."""
    where, params = _contains_any(db, "content", person.text_needles | person.json_needles, binary=True)
    for (sha2,) in db.execute(f"SELECT sha2 FROM attachments WHERE {where}", params).fetchall():
        db.execute("DELETE FROM statement_attachments WHERE sha2 = ?", (sha2,))
        report.add("lrs attachments", db.execute("DELETE FROM attachments WHERE sha2 = ?", (sha2,)).rowcount)


def _outbox(db: Db, person: Person, report: ErasureReport) -> None:
    """Outbox entries about the person that are not statements: document events, entries of statements gone already."""
    key_in, key_params = _key_in(db, sorted(person.keys))
    where, params = _contains_any(db, "payload", person.json_needles | person.text_needles, binary=True)
    rows = db.execute(f"SELECT seq, payload FROM outbox WHERE {key_in} OR {where}", [*key_params, *params]).fetchall()
    for seq, payload in rows:
        if person.named_in(payload):
            report.add("outbox", db.execute("DELETE FROM outbox WHERE seq = ?", (seq,)).rowcount)


def _terms_naming(db: Db, person: Person, report: ErasureReport) -> None:
    """Search-index rows under the person's agent terms: statements referring to one about her inherit them."""
    keys = search_terms.person_term_keys(person.keys)
    report.add(
        "lrs statement_terms",
        db.execute(f"DELETE FROM statement_term_keys WHERE term_key IN ({','.join('?' * len(keys))})", keys).rowcount,
    )


def _rows_naming(table: str, *columns: str, binary: tuple[str, ...] = ()) -> StoreStep:
    """A step deleting the rows of `table` whose text columns (or `binary` ones) name the person anywhere."""

    def step(db: Db, person: Person, report: ErasureReport) -> None:
        clauses, params = [], []
        for column in (*columns, *binary):
            where, found = _contains_any(db, column, person.text_needles | person.json_needles, binary=column in binary)
            clauses.append(where)
            params.extend(found)
        report.add(f"lrs {table}", db.execute(f"DELETE FROM {table} WHERE {' OR '.join(clauses)}", params).rowcount)

    return step


StoreStep = Callable[[Db, Person, ErasureReport], None]
# Every kind of record in the LRS store that can name a person, erased in this order in one transaction.
# A new table that can hold a person gets its step here.
STORE_STEPS: list[StoreStep] = [
    _statements,
    _attachments_naming,
    _outbox,
    _rows_naming("documents", "scope", "document_id", binary=("content",)),
    _terms_naming,
    _rows_naming("activities", binary=("definition",)),
    _rows_naming("rejections", "request", "reason", binary=("body",)),  # refusals and their dead letters
]
# Rewritten after the erasure, so that no freed page of theirs keeps erased bytes.
STORE_TABLES = (
    "statements",
    "statement_term_keys",
    "statement_attachments",
    "attachments",
    "outbox",
    "documents",
    "activities",
    "rejections",
)


def _string_columns(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], list[str]]:
    rows = con.execute(
        "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = 'lake' ORDER BY table_schema, table_name, ordinal_position"
    ).fetchall()
    tables: dict[tuple[str, str], list[str]] = {}
    for schema, table, column, kind in rows:
        if kind.upper() in STRING_TYPES:
            tables.setdefault((schema, table), []).append(column)
    return tables


def _hr_record(con: duckdb.DuckDBPyConnection, person: Person) -> tuple[list[str], list[str]]:
    """Her employee ids, through the identities the roster linked to her, and the names her roster rows gave her.

    Rows keyed by those ids (her roster rows in every version, what the transform derived from them) are hers;
    rows of colleagues naming her as their manager stay theirs.
    """
    keys = sorted(person.keys)
    employees = [
        employee
        for (employee,) in con.execute(
            "SELECT DISTINCT employee_id FROM lake.raw.roster_identities WHERE actor_key IN (SELECT unnest(?)) "
            "ORDER BY 1",
            [keys],
        ).fetchall()
    ]
    names = [
        name
        for (name,) in con.execute(
            "SELECT DISTINCT display_name FROM lake.raw.roster WHERE employee_id IN (SELECT unnest(?)) "
            "AND display_name IS NOT NULL ORDER BY 1",
            [employees],
        ).fetchall()
    ]
    return employees, names


def erase_from_lake(settings: Settings, person: Person, report: ErasureReport) -> None:
    """Delete every lake row naming the person, then make sure no file keeps the deleted bytes."""
    if not lake.exists(settings):
        return
    con = lake.connect(settings)
    try:
        tables = _string_columns(con)
        employees, hr_names = _hr_record(con, person) if ("raw", "roster_identities") in tables else ([], [])

        def delete(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
            counts = {}
            keys = sorted(person.keys)
            for (schema, table), columns in tables.items():
                matches = []
                params: list[str] = []
                if employees and "employee_id" in columns:
                    matches.append(f'CAST("employee_id" AS VARCHAR) IN ({",".join("?" * len(employees))})')
                    params.extend(employees)
                for column in columns:
                    text = f'CAST("{column}" AS VARCHAR)'
                    matches.append(f"{text} IN ({','.join('?' * len(keys))})")
                    params.extend(keys)
                    # Marts compose keys into other values ("unknown:" + key), so keys match inside text too.
                    like, like_params = _like_any(text, person.json_needles | person.keys)
                    matches.append(like)
                    params.extend(like_params)
                count = con.execute(
                    f'DELETE FROM lake."{schema}"."{table}" WHERE {" OR ".join(matches)}', params
                ).fetchone()[0]
                if count:
                    counts[f"lake {schema}.{table}"] = count
            return counts

        def delete_and_uncertify(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
            counts = delete(con)
            # The snapshots these runs certified are about to be expired with her data in them.
            con.execute("UPDATE lake.meta.transform_runs SET status = 'expired' WHERE status = 'certified'")
            return counts

        for place, count in lake.write_transaction(con, delete_and_uncertify, settings=settings).items():
            report.add(place, count)
        with lake.writer_lock(settings):
            # Deletes are recorded beside the old files; rewriting drops the rows, expiring drops the old versions.
            con.execute("CALL ducklake_rewrite_data_files('lake', delete_threshold => 0.0)")
            con.execute("CALL ducklake_merge_adjacent_files('lake')")
            con.execute("CALL ducklake_expire_snapshots('lake', older_than => now())")
            con.execute("CALL ducklake_cleanup_old_files('lake', cleanup_all => true)")
        # Statistics may hold her HR record's values too (an employee id, a name), not only her identities.
        needles = person.text_needles | person.json_needles | person.keys | set(employees) | set(hr_names)
        if lake.on_postgres(settings):
            _recompute_shared_catalog_stats(con, needles)
        else:
            with lake.writer_lock(settings):
                _recompute_table_stats(settings, needles)
    finally:
        con.close()
    if lake.on_postgres(settings):
        # PostgreSQL keeps old row versions until VACUUM; docs/operations.md says to run VACUUM FULL after `forget`.
        log.warning(
            "the lake's PostgreSQL catalog keeps old row versions until it is vacuumed: run VACUUM FULL "
            "on its database to remove them now"
        )
    else:
        _scrub_sqlite(settings.lake_catalog_file)


def _recompute_shared_catalog_stats(con: duckdb.DuckDBPyConnection, needles: set[str]) -> None:
    """_recompute_table_stats for a PostgreSQL catalog, through the catalog DuckLake attached beside the lake."""
    catalog = f"__ducklake_metadata_{lake.LAKE}"
    where, params = _like_any("{column}", needles)
    clause = " OR ".join(where.format(column=c) for c in ("min_value", "max_value"))
    stale = con.execute(
        f"SELECT table_id, column_id FROM {catalog}.ducklake_table_column_stats WHERE {clause}", params * 2
    ).fetchall()
    for table_id, column_id in stale:
        low, high = con.execute(
            f"SELECT min(s.min_value), max(s.max_value) FROM {catalog}.ducklake_file_column_stats s "
            f"JOIN {catalog}.ducklake_data_file f ON f.data_file_id = s.data_file_id "
            "WHERE s.table_id = ? AND s.column_id = ? AND f.end_snapshot IS NULL",
            [table_id, column_id],
        ).fetchone()
        con.execute(
            f"UPDATE {catalog}.ducklake_table_column_stats SET min_value = ?, max_value = ? "
            "WHERE table_id = ? AND column_id = ?",
            [low, high, table_id, column_id],
        )


def _recompute_table_stats(settings: Settings, needles: set[str]) -> None:
    """Table-level min/max in the catalog outlive deleted rows; recompute those holding any of `needles` (what names
    the person) from live files.

    Only text columns can hold an identity, and for text the catalog's string order is the column's order.
    """
    where, params = _like_any("{column}", needles)
    clause = " OR ".join(where.format(column=c) for c in ("min_value", "max_value"))
    with contextlib.closing(sqlite3.connect(settings.lake_catalog_file, timeout=60, isolation_level=None)) as db:
        db.execute("BEGIN IMMEDIATE")
        stale = db.execute(
            f"SELECT table_id, column_id FROM ducklake_table_column_stats WHERE {clause}", params * 2
        ).fetchall()
        for table_id, column_id in stale:
            low, high = db.execute(
                "SELECT min(s.min_value), max(s.max_value) FROM ducklake_file_column_stats s "
                "JOIN ducklake_data_file f ON f.data_file_id = s.data_file_id "
                "WHERE s.table_id = ? AND s.column_id = ? AND f.end_snapshot IS NULL",
                (table_id, column_id),
            ).fetchone()
            db.execute(
                "UPDATE ducklake_table_column_stats SET min_value = ?, max_value = ? "
                "WHERE table_id = ? AND column_id = ?",
                (low, high, table_id, column_id),
            )
        db.execute("COMMIT")


def _scrub_sqlite(path) -> None:
    """Rewrite a SQLite file so pages that held deleted rows are gone, and empty its WAL."""
    with contextlib.closing(sqlite3.connect(path, timeout=60, isolation_level=None)) as db:
        db.execute("PRAGMA secure_delete = ON")
        db.execute("VACUUM")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def erase_warehouse(settings: Settings, report: ErasureReport) -> None:
    """The warehouse is a build cache of the lake: deleting it makes the next transform rebuild without the person."""
    folder = settings.warehouse_db.parent
    if not folder.exists():
        return
    for path in folder.glob(f"{settings.warehouse_db.name}*"):
        path.unlink()
        report.add("warehouse files", 1)


# Files read and rewritten line by line when a line names the person: logs, CSV exports, NDJSON.
LINE_FILES = (".log", ".csv", ".txt", ".jsonl", ".ndjson", ".out", ".err")
# Files whose format is not lines (a store, a columnar file): they need their own step above.
BINARY_MAGIC = (b"SQLite format 3\0", b"PAR1", b"DUCK")


def erase_from_files(settings: Settings, person: Person, report: ErasureReport) -> None:
    """Every other file under the data folder: logs lose the lines naming the person; any other file naming her is
    reported in `report.remaining`, since erasing from a format this step does not know could corrupt it."""
    needles = [n.encode() for n in sorted(person.text_needles | person.json_needles | person.keys)]
    handled = {
        settings.lrs_db.resolve(),
        *(settings.lrs_db.with_name(settings.lrs_db.name + s).resolve() for s in ("-wal", "-shm", "-journal")),
    }
    for path in sorted(settings.data_dir.rglob("*")):
        if not path.is_file() or path.resolve() in handled or settings.lake_dir in path.parents:
            continue
        content = path.read_bytes()
        if not any(needle in content for needle in needles):
            continue
        is_lines = path.suffix in LINE_FILES or "logs" in path.relative_to(settings.data_dir).parts[:-1]
        if is_lines and not content.startswith(BINARY_MAGIC):
            lines = content.splitlines(keepends=True)
            kept = [line for line in lines if not any(needle in line for needle in needles)]
            _replace(path, b"".join(kept))
            report.add("lines of logs and exports", len(lines) - len(kept))
            continue
        report.remaining.append(str(path.relative_to(settings.data_dir)))


def _replace(path: Path, content: bytes) -> None:
    """Write `content` over `path` atomically; the old bytes go with the old inode."""
    tmp = path.with_name(path.name + ".erasing")
    tmp.write_bytes(content)
    os.chmod(tmp, path.stat().st_mode & 0o777)
    os.replace(tmp, path)


def forget(settings: Settings, actor: str) -> ErasureReport:
    """Erase one person everywhere under the data folder; later statements about them are refused and dropped.

    The person goes on the forget list first, then each place is cleaned in turn: the LRS
    store, the lake, the warehouse, then every other file (logs). What a step cannot clean
    is listed in the report's `remaining`.
    """
    person = Person.from_argument(actor, settings.pseudonymisation_key)
    forget_list = ForgetList(settings)
    for key in sorted(person.keys):
        if not key.startswith(f"account:{PSEUDONYM_HOME}::"):
            forget_list.add(key)
    report = ErasureReport()
    erase_from_store(settings, person, report)
    erase_from_lake(settings, person, report)
    with lake.writer_lock(settings):
        erase_warehouse(settings, report)
    erase_from_files(settings, person, report)
    log.info("forgot one person: %s", report.removed)
    if report.remaining:
        log.warning("%d files still name the person: %s", len(report.remaining), ", ".join(report.remaining))
    return report
