"""The quality gate bites: each expectation fails on one broken input, and the previous certification stays."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from leerstroom import lake
from leerstroom.settings import Settings
from tests.transform.lake_rows import CertifiedLake, append_raw, build_certified_lake, last_certified, raw_rows
from transform import runner
from transform.dbt_invocation import DbtOutcome
from transform.publish import RunRecord
from transform.quality import checks
from transform.quality.gate import run_quality_gate
from transform.quality.quarantine import screen_new_statements


@pytest.fixture(scope="module")
def certified(tmp_path_factory: pytest.TempPathFactory) -> CertifiedLake:
    return build_certified_lake(tmp_path_factory.mktemp("quality") / "data")


def statement(**changes) -> dict:
    base = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": "mailto:gate@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"objectType": "Activity", "id": "https://example.org/course/1"},
        "timestamp": datetime.now(timezone.utc).isoformat(),
        "stored": datetime.now(timezone.utc).isoformat(),
    }
    return {**base, **changes}


def append_table(settings: Settings, table: pa.Table, target: str = "lake.raw.statements") -> None:
    lake.append(settings, table, target)


def raw_with(settings: Settings, column: str, value: str) -> None:
    """A raw row as a broken writer (not our sink) might leave it: one column set to a bad value."""
    table = raw_rows([statement()], first_offset=9_000_000)
    append_table(settings, table.set_column(table.schema.get_field_index(column), column, pa.array([value])))


def duplicate_roster_ids(settings: Settings) -> None:
    # The importer refuses duplicates; this is a roster written around it.
    import_id = str(uuid.uuid4())
    append_table(
        settings,
        pa.table(
            {
                "import_id": [import_id],
                "imported_at": [datetime.now(timezone.utc)],
                "source_file": ["hand-written"],
                "employee_count": [2],
            }
        ),
        "lake.raw.roster_imports",
    )
    con = lake.connect(settings)
    try:
        lake.write_transaction(
            con,
            lambda c: c.execute(
                "INSERT INTO lake.raw.roster (import_id, employee_id) VALUES (?, 'E1'), (?, 'E1')",
                [import_id, import_id],
            ),
            settings=settings,
        )
    finally:
        con.close()


def stale_lake(settings: Settings) -> None:
    """Replace every load time by one four days old: nothing arrived for longer than freshness allows."""
    con = lake.connect(settings)
    try:
        lake.write_transaction(
            con,
            lambda c: c.execute("UPDATE lake.raw.statements SET loaded_at = now() - INTERVAL 4 DAY"),
            settings=settings,
        )
    finally:
        con.close()


def mart(name: str, sql: str) -> Callable[[Settings], None]:
    def write(settings: Settings) -> None:
        with duckdb.connect(str(settings.warehouse_db)) as warehouse:
            warehouse.execute(f"CREATE OR REPLACE TABLE marts.{name} AS {sql}")

    return write


def mostly_quarantined(settings: Settings) -> None:
    """New statements that are mostly dated days ahead, screened as a transform run screens them first."""
    append_raw(
        settings,
        [statement(timestamp=(datetime.now(timezone.utc) + timedelta(days=2)).isoformat()), statement()],
        first_offset=9_000_000,
    )
    con = lake.connect(settings)
    try:
        screen_new_statements(con, settings, "screening", datetime.now(timezone.utc))
    finally:
        con.close()


BROKEN = {
    "raw_quarantine.share_of_new_statements_quarantined: ExpectColumnValuesToBeBetween": mostly_quarantined,
    "raw_statements_changed.statement_id: ExpectColumnValuesToBeUnique": lambda s: append_raw(
        s, [statement(id="6a1f0f7e-0000-4000-8000-000000000001")] * 2, first_offset=9_000_000
    ),
    "raw_freshness.hours_since_last_load: ExpectColumnValuesToBeBetween": stale_lake,
    "roster_current.employee_id: ExpectColumnValuesToBeUnique": duplicate_roster_ids,
    "mart_engagement_weekly.engagement_index: ExpectColumnValuesToBeBetween": mart(
        "mart_engagement_weekly",
        "SELECT 'E1' AS employee_id, DATE '2026-01-05' AS week_start, 120.0 AS engagement_index",
    ),
    "mart_engagement_weekly.employee_id,week_start: ExpectCompoundColumnsToBeUnique": mart(
        "mart_engagement_weekly",
        "SELECT 'E1' AS employee_id, DATE '2026-01-05' AS week_start, 50.0 AS engagement_index FROM range(2)",
    ),
    "mart_engagement_unit_weekly.avg_engagement_index: ExpectColumnValuesToBeBetween": mart(
        "mart_engagement_unit_weekly", "SELECT -3.0 AS avg_engagement_index"
    ),
    "mart_lci_unit_quarter.lci: ExpectColumnValuesToBeBetween": mart(
        "mart_lci_unit_quarter",
        "SELECT " + ", ".join(f"{101.0 if c == 'lci' else 50.0} AS {c}" for c in checks.LCI_SCORES),
    ),
    "mart_lci_org_month.lci: ExpectColumnValuesToBeBetween": mart("mart_lci_org_month", "SELECT 140.0 AS lci"),
    "mart_retention_features.employee_id,snapshot_date: ExpectCompoundColumnsToBeUnique": mart(
        "mart_retention_features", "SELECT 'E1' AS employee_id, DATE '2026-01-31' AS snapshot_date FROM range(2)"
    ),
}
SCORES = {
    "retention_scores.risk_score: ExpectColumnValuesToBeBetween": (
        "1.5 AS risk_score, 'high' AS risk_band, 'E' || range"
    ),
    "retention_scores.risk_band: ExpectColumnValuesToBeInSet": "0.5 AS risk_score, 'severe' AS risk_band, 'E' || range",
    "retention_scores.employee_id: ExpectColumnValuesToBeUnique": "0.5 AS risk_score, 'low' AS risk_band, 'E1'",
}
# With scoring on, the risk step would read this hand-made features table (it lacks the feature columns).
SCORING_OFF = {"mart_retention_features.employee_id,snapshot_date: ExpectCompoundColumnsToBeUnique"}


def after_dbt(settings: Settings) -> tuple[runner.TransformResult, list[str]]:
    """The transform past a green dbt build: risk step, quality gate, then publish only if all is green."""
    green = DbtOutcome(command="build", exit_code=0)
    con = lake.connect(settings)
    printed: list[str] = []
    try:
        run = RunRecord(str(uuid.uuid4()), datetime.now(timezone.utc), lake.current_snapshot(con))
        result = runner.conclude_run(con, settings, run, green, green, {"reasons": []}, {}, printed.append)
    finally:
        con.close()
    return result, printed


def stored_results(settings: Settings, run_id: str) -> dict[str, bool]:
    con = lake.connect(settings, read_only=True)
    try:
        return dict(
            con.execute(
                "SELECT expectation, success FROM lake.meta.quality_results WHERE run_id = ?", [run_id]
            ).fetchall()
        )
    finally:
        con.close()


def test_green_transform_stores_every_result_as_met(certified: CertifiedLake) -> None:
    results = stored_results(certified.settings, certified.result.run_id)

    assert certified.result.certified
    assert len(results) >= 6 and all(results.values())
    assert certified.result.details["quality"] == {"expectations": len(results), "failed": 0}


@pytest.mark.parametrize("expectation", list(BROKEN))
def test_each_expectation_fails_on_its_broken_input_and_the_previous_certification_stays(
    certified: CertifiedLake, tmp_path: Path, expectation: str
) -> None:
    settings = certified.copy_to(tmp_path / "data")
    before = last_certified(settings)
    if expectation in SCORING_OFF:
        settings = settings.model_copy(update={"retention_scoring": False})
    BROKEN[expectation](settings)

    result, _ = after_dbt(settings)

    assert result.status == "failed"
    results = stored_results(settings, result.run_id)
    assert results[expectation] is False
    assert [name for name, ok in results.items() if not ok] == [expectation]
    assert any(reason.startswith(f"quality: {expectation} failed") for reason in result.details["reasons"])
    assert last_certified(settings) == before


@pytest.mark.parametrize("expectation", list(SCORES))
def test_each_score_expectation_fails_on_a_broken_scores_table(
    certified: CertifiedLake, tmp_path: Path, expectation: str
) -> None:
    # The risk step rewrites retention_scores on every run, so a broken table is checked by the gate directly.
    settings = certified.copy_to(tmp_path / "data")
    mart("retention_scores", f"SELECT {SCORES[expectation]} AS employee_id FROM range(2)")(settings)
    con = lake.connect(settings, read_only=True)
    try:
        outcome = run_quality_gate(con, settings, "test-run", lake.current_snapshot(con), datetime.now(timezone.utc))
    finally:
        con.close()

    assert not outcome.ok
    assert [row["expectation"] for row in outcome.rows if not row["success"]] == [expectation]


def test_only_statements_new_since_the_last_certification_are_checked(certified: CertifiedLake, tmp_path: Path) -> None:
    settings = certified.copy_to(tmp_path / "data")
    append_raw(settings, [statement() for _ in range(3)], first_offset=9_000_000)

    result, printed = after_dbt(settings)

    assert result.certified, result.details
    con = lake.connect(settings, read_only=True)
    try:
        observed = con.execute(
            "SELECT observed FROM lake.meta.quality_results WHERE run_id = ? AND "
            "suite = 'raw_statements_changed' LIMIT 1",
            [result.run_id],
        ).fetchone()[0]
    finally:
        con.close()
    assert json.loads(observed)["rows_checked"] == 3
    assert any(line.startswith("quality gate: ") and "expectations met" in line for line in printed)


def test_row_level_problems_never_fail_the_gate_only_their_share_does(certified: CertifiedLake, tmp_path: Path) -> None:
    # A verb that is no IRI and an actor without an identifier, as a writer around our LRS might leave them.
    settings = certified.copy_to(tmp_path / "data")
    raw_with(settings, "verb_id", "played")
    raw_with(settings, "actor_key", "anonymous visitor")
    append_raw(settings, [statement() for _ in range(198)], first_offset=9_100_000)
    con = lake.connect(settings)
    try:
        screening = screen_new_statements(con, settings, "screening", datetime.now(timezone.utc))
    finally:
        con.close()

    result, _ = after_dbt(settings)

    assert screening.by_reason == {"verb_not_iri": 1, "actor_unidentified": 1}
    assert result.certified, result.details["reasons"]
    observed = stored_observed(settings, result.run_id, "raw_quarantine")
    assert (observed["quarantined"], observed["screened"], observed["share"]) == (2, 200, 0.01)


def stored_observed(settings: Settings, run_id: str, suite: str) -> dict:
    con = lake.connect(settings, read_only=True)
    try:
        return json.loads(
            con.execute(
                "SELECT observed FROM lake.meta.quality_results WHERE run_id = ? AND suite = ?", [run_id, suite]
            ).fetchone()[0]
        )
    finally:
        con.close()
