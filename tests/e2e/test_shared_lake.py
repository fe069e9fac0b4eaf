"""The whole path on a lake that several machines could share: PostgreSQL catalog, files on object storage.

LRS → outbox → Kafka → sink → DuckLake (PostgreSQL catalog, Parquet files in an S3 bucket)
→ roster import → `leerstroom transform` (dbt, quality gate, certification) → the
dashboards' queries at the certified snapshot. Every part runs as it does by default;
only the two switches (and the bucket's credentials) differ.

PostgreSQL is real (a throwaway cluster). The object storage is moto's S3 server, a
stand-in because no object storage runs here (tests/fixtures/object_storage.py).
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from dashboards import queries
from dashboards.connection import catalog_key
from ingest import status
from ingest.generator import build_organisation, generate_statements
from ingest.generator.roster import write_roster
from ingest.roster import import_roster
from leerstroom import lake
from leerstroom.settings import Settings
from tests.fixtures.object_storage import SharedLake
from transform.runner import run_transform

pytestmark = [pytest.mark.broker, pytest.mark.slow]

EMPLOYEES, MONTHS, SEED = 40, 2, 11


@pytest.fixture
def settings(settings: Settings, shared_lake: SharedLake) -> Settings:
    return shared_lake.settings(settings)


def test_statements_reach_certified_marts_and_the_dashboards_on_postgresql_and_object_storage(
    pipeline, shared_lake: SharedLake
) -> None:
    settings = pipeline.settings
    end = datetime.now(timezone.utc).date()
    people = build_organisation(EMPLOYEES, MONTHS, SEED, end)
    statements = list(generate_statements(people, MONTHS, SEED, end))

    acknowledged = pipeline.send(statements)
    in_lake = pipeline.wait_for_lake(acknowledged, timeout=300)
    assert len(acknowledged) == len(statements) and len(in_lake) == len(set(in_lake)) == len(statements)
    import_roster(settings, write_roster(people, settings.data_dir / "roster.csv"))

    result = run_transform(settings)
    assert result.certified, result.details["reasons"]

    # The lake lives in PostgreSQL and the bucket, not in the data folder.
    assert not settings.lake_dir.exists()
    keys = shared_lake.storage.keys(shared_lake.bucket)
    assert any(key.startswith("lake/raw/statements/") for key in keys)
    assert any(key.startswith("lake/marts/mart_daily_activity/") for key in keys)

    # The dashboards find the certification and read the marts as of it, through their own connections.
    catalog = catalog_key()
    assert "postgres:dbname=" in catalog
    certified = queries.certification(catalog)
    assert certified is not None and certified.snapshot_id == result.certified_snapshot_id
    headline = queries.activity_headline(catalog, certified.snapshot_id)
    con = lake.connect(settings, snapshot=certified.snapshot_id)
    try:
        in_mart = con.execute(
            "SELECT sum(statement_count), count(DISTINCT actor_key) FROM lake.marts.mart_daily_activity"
        ).fetchone()
    finally:
        con.close()
    assert (headline["statements"], headline["learners"]) == in_mart
    assert headline["learners"] > 0

    # `leerstroom status` reads the same lake, and the sink's offsets there cover every message.
    report = status.collect(settings)
    assert report["lake"]["statements"] == len(statements)
    assert report["lake"]["last_certified_snapshot"] == result.certified_snapshot_id
    assert report["kafka"]["published_not_in_lake"] == 0
