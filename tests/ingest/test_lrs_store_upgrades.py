"""Stores written by releases before versioned migrations (SQLite only, the one engine there was) upgrade in place
when a process opens them; a store on either engine records the migrations it has had."""

from __future__ import annotations

import hashlib
import sqlite3

import orjson
import pytest

from ingest.lrs import credentials, document_store, schema
from ingest.lrs.engine import open_engine
from ingest.lrs.statement_reads import StatementQuery
from ingest.lrs.store import LrsStore
from ingest.xapi.terms import agent_term
from leerstroom.settings import Settings
from tests.fixtures.lrs import on_every_engine
from tests.ingest.test_lrs_attachments import attachment_for
from tests.ingest.test_lrs_between_tools import ACTIVITY
from tests.ingest.test_lrs_between_tools import statement as tool_statement
from tests.ingest.test_lrs_store import AUTHORITY, statement

engine_settings = on_every_engine("engine_settings")


def as_before_versioning(db: sqlite3.Connection) -> None:
    """A store as the last release before versioned migrations left it: no version, no index of unpublished
    outbox entries, its search terms indexed as text, and no count of refused requests dropped at the cap."""
    db.execute("DROP INDEX outbox_unpublished")
    db.execute(
        "CREATE TABLE statement_terms (term TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (term, seq)) WITHOUT ROWID"
    )
    db.execute("DROP TABLE statement_term_keys")
    db.execute("DROP TABLE rejection_drops")
    db.execute("PRAGMA user_version = 0")


def test_a_store_from_before_queries_is_indexed_on_open(settings: Settings) -> None:
    """Stores written by the first LRS release had no search terms or voided flags; opening one adds them."""
    store = LrsStore(settings.lrs_db)
    kept, voided = store.save([statement(1), statement(2)], AUTHORITY)
    store.save(
        [
            {
                "actor": statement(3)["actor"],
                "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
                "object": {"objectType": "StatementRef", "id": voided},
            }
        ],
        AUTHORITY,
    )
    store.close()
    with sqlite3.connect(settings.lrs_db) as db:
        as_before_versioning(db)  # with an empty text index: the first release had none
        db.execute("ALTER TABLE statements DROP COLUMN voided")
    reopened = LrsStore(settings.lrs_db)
    learner = statement(1)["actor"]
    found = reopened.query(StatementQuery(terms=(agent_term(learner),)))
    assert [orjson.loads(payload)["id"] for _, payload in found] == [kept]
    assert reopened.is_voided(voided) and not reopened.is_voided(kept)
    reopened.close()


def as_before_tools_were_fenced_in(path) -> None:
    """Turn a store back into the shape it had before documents had owners and attachments had links."""
    with sqlite3.connect(path) as db:
        db.executescript("""
            DROP TABLE statement_attachments;
            ALTER TABLE documents RENAME TO documents_new;
            CREATE TABLE documents (kind TEXT NOT NULL, scope TEXT NOT NULL, document_id TEXT NOT NULL,
                content BLOB NOT NULL, content_type TEXT NOT NULL, etag TEXT NOT NULL, updated TEXT NOT NULL,
                PRIMARY KEY (kind, scope, document_id));
            INSERT INTO documents SELECT kind, scope, document_id, content, content_type, etag, updated
                FROM documents_new;
            DROP TABLE documents_new;
        """)
        as_before_versioning(db)


@pytest.mark.parametrize("tools", [1, 2])
def test_an_older_store_keeps_its_documents_and_attachments_for_the_tool_that_can_be_told(settings, tools: int) -> None:
    data = b"an essay stored before the upgrade"
    sha2 = hashlib.sha256(data).hexdigest()
    store = LrsStore(settings.lrs_db)
    names = [credentials.add(store, f"tool-{n}").name for n in range(tools)]
    essay = tool_statement(attachments=[attachment_for(data)])
    store.save(
        [essay],
        {"objectType": "Agent", "account": {"homePage": "http://x/", "name": names[0]}},
        credential=names[0],
        attachments={sha2: ("text/plain", data)},
    )
    scope = document_store.Scope("state", "key", {"activityId": ACTIVITY}, owner=names[0])
    document_store.put(
        store,
        scope,
        "bookmark",
        b'{"page": 2}',
        "application/json",
        document_store.Preconditions(None, "*", blind_overwrite=False),
    )
    store.close()
    as_before_tools_were_fenced_in(settings.lrs_db)

    store = LrsStore(settings.lrs_db)
    try:
        assert store.attachment(essay["id"], sha2) == ("text/plain", data), "old attachment data is linked on open"
        found = document_store.get(store, scope, "bookmark")
        if tools == 1:
            assert found is not None and found.content == b'{"page": 2}', "the only tool keeps its documents"
        else:
            assert found is None, "with several tools nobody can tell whose it was, so no tool reads it"
            with sqlite3.connect(settings.lrs_db) as db:
                assert db.execute("SELECT count(*) FROM documents WHERE owner = ''").fetchone() == (1,)
    finally:
        store.close()


def test_a_store_records_its_migrations_and_a_second_opening_changes_nothing(engine_settings: Settings) -> None:
    store = LrsStore(engine_settings)
    store.close()
    engine = open_engine(engine_settings)
    try:
        newest = len(schema.POSTGRES_MIGRATIONS if engine_settings.lrs_on_postgres else schema.SQLITE_MIGRATIONS)
        assert schema.version(engine) == newest
        assert schema.migrate(engine) == newest
    finally:
        engine.close()
