"""A small generated organisation through LRS, Kafka, lake, roster import, `leerstroom transform`: certified marts."""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pytest

from ingest.generator import build_organisation, generate_statements
from ingest.generator.roster import write_roster
from ingest.roster import import_roster
from leerstroom import lake
from transform.runner import run_transform

EMPLOYEES, MONTHS, SEED = 60, 3, 7
PERIOD_COLUMNS = ("week_start", "quarter_start", "month_start")
UNIT_KEYS = {
    "unit_level",
    "unit_name",
    "headcount",
    "is_suppressed",
    *PERIOD_COLUMNS,
    "period_kind",
    "is_complete",
    "is_history_short",
}


def columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'lake' AND schema_name = 'marts' "
            "AND table_name = ? ORDER BY column_index",
            [table],
        ).fetchall()
    ]


def unit_marts(con: duckdb.DuckDBPyConnection, marts: list[str]) -> list[tuple[str, str, list[str]]]:
    """Every published mart with one row per org unit and period: (name, its period column, its metric columns)."""
    found = []
    for name in marts:
        cols = columns(con, name)
        if {"unit_level", "unit_name", "headcount", "is_suppressed"} <= set(cols):
            period = next(c for c in PERIOD_COLUMNS if c in cols)
            found.append((name, period, [c for c in cols if c not in UNIT_KEYS]))
    return found


@pytest.mark.broker
@pytest.mark.slow
def test_generated_organisation_reaches_certified_consistent_marts(pipeline) -> None:
    settings = pipeline.settings
    end = datetime.now(timezone.utc).date()
    people = build_organisation(EMPLOYEES, MONTHS, SEED, end)
    statements = list(generate_statements(people, MONTHS, SEED, end))

    acknowledged = pipeline.send(statements)
    in_lake = pipeline.wait_for_lake(acknowledged, timeout=300)
    import_roster(settings, write_roster(people, settings.data_dir / "roster.csv"))
    printed: list[str] = []
    result = run_transform(settings, progress=printed.append)

    assert len(acknowledged) == len(statements) and len(in_lake) == len(set(in_lake)) == len(statements)
    assert result.certified, result.details["reasons"]
    assert any(line.startswith("quality gate: ") for line in printed)
    con = lake.connect(settings, snapshot=result.certified_snapshot_id)
    try:
        marts = result.details["published"]
        assert {
            "mart_engagement_weekly",
            "mart_engagement_unit_weekly",
            "mart_lci_unit_quarter",
            "mart_lci_org_month",
            "mart_retention_features",
            "retention_model_metrics",
        } <= set(marts)
        empty = [name for name in marts if con.execute(f'SELECT count(*) FROM lake.marts."{name}"').fetchone()[0] == 0]
        assert empty == []

        k = settings.privacy_k
        checked = unit_marts(con, marts)
        assert len(checked) >= 5
        # The generated organisation has a department below k, so suppression is really exercised.
        assert (
            con.execute(
                "SELECT count(*) FROM lake.marts.mart_engagement_unit_weekly WHERE headcount < ?", [k]
            ).fetchone()[0]
            > 0
        )
        for name, period, metrics in checked:
            # The organisation's headcount is the sum of its departments' (people off the roster form their own unit).
            mismatched = con.execute(
                f'SELECT {period} FROM lake.marts."{name}" GROUP BY {period} HAVING '
                f"sum(headcount) FILTER (WHERE unit_level = 'organisation') "
                f"<> sum(headcount) FILTER (WHERE unit_level = 'department')"
            ).fetchall()
            assert mismatched == [], f"{name}: organisation headcount differs from the sum of departments"
            # A unit below the privacy threshold is flagged and shows no metric at all.
            leaks = con.execute(
                f'SELECT unit_level, unit_name, {period} FROM lake.marts."{name}" WHERE headcount < {k} AND NOT '
                f"(is_suppressed AND {' AND '.join(f'{m} IS NULL' for m in metrics) or 'true'})"
            ).fetchall()
            assert leaks == [], f"{name}: units below k={k} shown un-suppressed: {leaks[:5]}"
        # In the engagement rollup, where no department is suppressed, the organisation's sums are theirs too.
        differing = con.execute(
            "SELECT week_start FROM lake.marts.mart_engagement_unit_weekly GROUP BY week_start "
            "HAVING NOT bool_or(is_suppressed AND unit_level = 'department') AND ("
            "sum(total_completions) FILTER (WHERE unit_level = 'organisation') "
            "<> sum(total_completions) FILTER (WHERE unit_level = 'department') OR "
            "sum(active_learners) FILTER (WHERE unit_level = 'organisation') "
            "<> sum(active_learners) FILTER (WHERE unit_level = 'department'))"
        ).fetchall()
        assert differing == []
        assert con.execute("SELECT count(*) FROM lake.raw.roster_imports").fetchone()[0] == 1
    finally:
        con.close()
