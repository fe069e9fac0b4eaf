"""The lake on either engine: the SQLite catalog in the data folder, or PostgreSQL with its files on object storage.

The PostgreSQL server is real (Debian's, a throwaway cluster); the object storage is
moto's S3 server standing in for a real one (see tests/fixtures/object_storage.py).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sqlite3

import duckdb
import pytest

from leerstroom import lake, lake_schema
from leerstroom.errors import ConfigurationError
from leerstroom.settings import Settings
from tests.fixtures.object_storage import SharedLake, lake_in_shared_folder


def rows(settings: Settings, sql: str, **kwargs) -> list[tuple]:
    con = lake.connect(settings, read_only=True, **kwargs)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_lake_moves_to_postgresql_and_object_storage_by_two_switches(
    settings: Settings, shared_lake: SharedLake
) -> None:
    on_shared = shared_lake.settings(settings)
    assert not lake.exists(on_shared)
    with pytest.raises(ConfigurationError, match="no lake at postgres:dbname="):
        lake.connect(on_shared, read_only=True)

    con = lake.connect(on_shared)
    try:
        lake.write_transaction(
            con,
            lambda c: c.execute("INSERT INTO lake.raw.roster_imports VALUES ('import-1', now(), 'roster.csv', 3)"),
            settings=on_shared,
        )
        written = lake.current_snapshot(con)
    finally:
        con.close()

    assert lake.exists(on_shared)
    assert rows(on_shared, "SELECT import_id, employee_count FROM lake.raw.roster_imports") == [("import-1", 3)]
    assert rows(on_shared, "SELECT max(version) FROM lake.meta.schema_versions") == [(lake_schema.LATEST,)]
    assert rows(on_shared, "SELECT count(*) FROM lake.raw.roster_imports", snapshot=written) == [(1,)]
    # Nothing of the lake in the data folder: the catalog is in PostgreSQL, the Parquet files in the bucket.
    assert not settings.lake_dir.exists()
    keys = shared_lake.storage.keys(shared_lake.bucket)
    assert any(key.startswith("lake/raw/roster_imports/") and key.endswith(".parquet") for key in keys), keys
    # The default lake of the same data folder is another, empty lake.
    assert not lake.exists(settings)


def test_a_password_never_reaches_a_message(settings: Settings) -> None:
    on_missing = settings.model_copy(
        update={"lake_catalog": "postgres:dbname=none host=127.0.0.1 port=1 password=hunter2-secret"}
    )
    with pytest.raises(Exception) as raised:
        lake.connect(on_missing)
    assert "hunter2-secret" not in str(raised.value)
    assert "password=***" in lake.identity(on_missing)


def test_a_catalog_that_is_neither_engine_is_refused_with_the_setting_named(settings: Settings) -> None:
    wrong = settings.model_copy(update={"lake_catalog": "mysql:host=db"})
    with pytest.raises(ConfigurationError, match="LEERSTROOM_LAKE_CATALOG"):
        lake.connect(wrong)


def _old_release_lake(settings: Settings) -> None:
    """A lake as a release before versioned migrations made it: versions 1-3's tables, no version table."""
    settings.lake_data.mkdir(parents=True)
    with contextlib.closing(sqlite3.connect(settings.lake_catalog_file)) as db:
        db.execute("PRAGMA journal_mode=WAL")
    con = duckdb.connect(config=lake.duckdb_config())
    try:
        con.execute(lake.attach_sql(settings))
        for migration in lake_schema.MIGRATIONS[:3]:
            con.execute(migration.sql)
        con.execute("INSERT INTO lake.raw.roster_imports VALUES ('kept', now(), 'old.csv', 1)")
    finally:
        con.close()


def test_a_lake_made_before_versions_is_adopted_and_brought_up_to_date(settings: Settings) -> None:
    _old_release_lake(settings)
    con = lake.connect(settings)
    con.close()
    versions = rows(settings, "SELECT version, owner FROM lake.meta.schema_versions ORDER BY version")
    assert [v for v, _ in versions] == [m.version for m in lake_schema.MIGRATIONS]
    assert dict(versions)[4] == "ingest/offsets.py"
    assert rows(settings, "SELECT import_id FROM lake.raw.roster_imports") == [("kept",)]
    assert rows(settings, "SELECT count(*) FROM lake.raw.consumer_log_claims") == [(0,)]


def _open_read_write(fields: dict) -> int:
    con = lake.connect(Settings(**fields))
    try:
        return lake_schema.version(con)
    finally:
        con.close()


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_processes_creating_one_lake_at_once_migrate_it_once(engine: str, settings: Settings, request) -> None:
    if engine == "postgres":
        settings = request.getfixturevalue("shared_lake").settings(settings)
    fields = {**settings.model_dump(mode="json"), "lake_s3_secret": settings.lake_s3_secret.get_secret_value()}
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        versions = pool.map(_open_read_write, [fields] * 4)
    assert versions == [lake_schema.LATEST] * 4
    applied = rows(settings, "SELECT version, count(*) FROM lake.meta.schema_versions GROUP BY version ORDER BY 1")
    assert applied == [(m.version, 1) for m in lake_schema.MIGRATIONS]


def test_forget_erases_a_person_from_a_lake_on_postgresql_its_files_and_its_catalog_statistics(
    settings: Settings, postgres_database, tmp_path
) -> None:
    from ingest.erasure import forget

    files = tmp_path / "shared-files"
    on_postgres = lake_in_shared_folder(settings, postgres_database, files)
    con = lake.connect(on_postgres)
    try:
        # Her key sorts first and last of the column, so the catalog's min/max statistics name her.
        lake.write_transaction(
            con,
            lambda c: c.execute("""
            INSERT INTO lake.raw.roster_identities VALUES
              ('i1', 'e0', 'mbox:mailto:aaa-her@example.org'), ('i1', 'e1', 'mbox:mailto:bob@example.org'),
              ('i1', 'e2', 'mbox:mailto:carol@example.org')"""),
            settings=on_postgres,
        )
    finally:
        con.close()

    report = forget(on_postgres, "mailto:aaa-her@example.org")

    assert report.removed.get("lake raw.roster_identities") == 1
    assert rows(on_postgres, "SELECT employee_id FROM lake.raw.roster_identities ORDER BY 1") == [("e1",), ("e2",)]
    stats = rows(on_postgres, "SELECT min_value, max_value FROM __ducklake_metadata_lake.ducklake_table_column_stats")
    assert any("bob@example.org" in str(value) for row in stats for value in row), "the statistics were read"
    assert not any("aaa-her" in str(value) for row in stats for value in row), stats
    assert not any(b"aaa-her" in path.read_bytes() for path in files.rglob("*.parquet"))
