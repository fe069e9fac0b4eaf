"""Real statements written into a test lake's raw table as the sink writes them; a certified lake built from them."""

from __future__ import annotations

import shutil
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson
import pyarrow as pa

from ingest.sink_batch import STATEMENT_SCHEMA
from ingest.xapi.columns import VOIDED, statement_columns
from leerstroom import lake
from leerstroom.settings import Settings
from tests.fixtures.data import corpus_statements
from transform.dbt_invocation import DbtOutcome
from transform.publish import RunRecord
from transform.quality.quarantine import screen_new_statements
from transform.runner import TransformResult, conclude_run, run_transform

RAW_COLUMNS = STATEMENT_SCHEMA.names  # lake.raw.statements' columns, as the sink writes them


def stored_corpus(now: datetime | None = None) -> list[dict]:
    """The shared corpus as an LRS would store it: ids and `stored` assigned, each id once, two statements voided.

    Moodle's statements carry no timestamp, so their `stored` time (spread over the last
    five days) decides their day; the voiding statements name one target in upper case,
    as a tool may.
    """
    now = now or datetime.now(timezone.utc)
    statements: dict[str, dict] = {}
    for number, statement in enumerate(
        corpus_statements("cmi5-spec-samples.ndjson") + corpus_statements("moodle-logstore-xapi.ndjson")
    ):
        statement = dict(statement)
        statement.setdefault("id", str(uuid.uuid5(uuid.NAMESPACE_URL, f"leerstroom-test-{number}")))
        statement.setdefault("stored", (now - timedelta(hours=number % 120)).isoformat())
        statements.setdefault(statement["id"].lower(), statement)
    kept = list(statements.values())
    for target in (kept[3], kept[-7]):
        void_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"void-{target['id']}"))
        kept.append(
            {
                "id": void_id,
                "actor": {"objectType": "Agent", "mbox": "mailto:lrs-admin@example.org"},
                "verb": {"id": VOIDED, "display": {"en-US": "voided"}},
                "object": {"objectType": "StatementRef", "id": target["id"].upper()},
                "stored": now.isoformat(),
            }
        )
    return kept


def raw_rows(statements: list[dict], *, first_offset: int = 0, loaded_at: datetime | None = None) -> pa.Table:
    loaded_at = loaded_at or datetime.now(timezone.utc)
    rows = []
    for number, statement in enumerate(statements):
        row = statement_columns(statement)
        row.update(
            loaded_at=loaded_at,
            topic_id="test-topic",
            kafka_partition=number % 4,
            kafka_offset=first_offset + number,
            payload=orjson.dumps(statement).decode(),
        )
        rows.append(row)
    return pa.Table.from_pylist(rows).select(RAW_COLUMNS)


def append_raw(settings: Settings, statements: list[dict], *, first_offset: int = 0) -> int:
    """Append statements to lake.raw.statements in one lake write transaction; returns the new snapshot id."""
    return lake.append(settings, raw_rows(statements, first_offset=first_offset), "lake.raw.statements")


def screen_and_judge(settings: Settings, statements: list[dict], *, first_offset: int) -> TransformResult:
    """Append statements, then a transform run past a green dbt build: screening, gate, publish only if all is green.

    For the paths that hinge on the quarantine and the gate, not on dbt: seconds instead of a build.
    """
    append_raw(settings, statements, first_offset=first_offset)
    green = DbtOutcome(command="build", exit_code=0)
    now = datetime.now(timezone.utc)
    con = lake.connect(settings)
    try:
        screening = screen_new_statements(con, settings, str(uuid.uuid4()), now)
        return conclude_run(
            con,
            settings,
            RunRecord(screening.run_id, now, screening.snapshot_id),
            green,
            green,
            {"reasons": [], "quarantine": screening.as_details()},
            {},
            lambda _: None,
        )
    finally:
        con.close()


def expected_daily_counts(statements: list[dict]) -> Counter:
    """(UTC day, actor, verb) -> count over the statements every metric counts: not voided, not voiding."""
    columns = [statement_columns(s) for s in statements]
    voided = {c["voided_statement_id"].lower() for c in columns if c["voided_statement_id"]}
    return Counter(
        (c["statement_timestamp"].astimezone(timezone.utc).date(), c["actor_key"], c["verb_id"])
        for c in columns
        if c["verb_id"] != VOIDED and c["statement_id"] not in voided
    )


def mart_counts(settings: Settings, snapshot_id: int) -> Counter:
    con = lake.connect(settings, snapshot=snapshot_id)
    try:
        rows = con.execute(
            "SELECT activity_date, actor_key, verb_id, statement_count FROM lake.marts.mart_daily_activity"
        ).fetchall()
    finally:
        con.close()
    return Counter({(day, actor, verb): count for day, actor, verb, count in rows})


def last_certified(settings: Settings) -> dict | None:
    con = lake.connect(settings, read_only=True)
    try:
        return lake.last_certified(con)
    finally:
        con.close()


@dataclass
class CertifiedLake:
    settings: Settings
    statements: list[dict]
    result: TransformResult

    def copy_to(self, folder: Path) -> Settings:
        """An independent copy of this lake (catalog, data files, warehouse) for a test that changes it."""
        shutil.copytree(self.settings.data_dir, folder)
        return self.settings.model_copy(update={"data_dir": folder})


def build_certified_lake(folder: Path) -> CertifiedLake:
    settings = Settings(data_dir=folder)
    statements = stored_corpus()
    append_raw(settings, statements)
    result = run_transform(settings)
    assert result.status == "certified", result.details
    return CertifiedLake(settings, statements, result)
