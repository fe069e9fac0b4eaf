"""The dashboards are bound to the models dbt builds: naming a model or a column dbt does not build fails here.

Each mart declares in its model's YAML how it may be shown (`meta.disclosure`) and which sub-score it is
evidence of (`meta.evidence_for`); transform/marts.py reads that, and the dashboards know marts only through
it. These tests hold that declaration against dbt's own manifest (`dbt parse`), and run every query of the
dashboards against a certified lake whose marts are exactly the tables the models' contracts declare, empty:
a query naming a table or column that dbt does not build fails to bind.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from dashboards import privacy, queries
from dashboards.connection import catalog_key
from dashboards.deep_dives import DEEP_DIVES, SUB_SCORES
from leerstroom import lake
from leerstroom.settings import Settings
from tests.dashboards.app_session import point_at
from transform import marts
from transform.risk.tables import SCHEMAS

REPO = Path(__file__).resolve().parents[2]
DASHBOARDS = REPO / "dashboards"


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """dbt's own account of what it builds: every model with its columns, contract and meta."""
    target = tmp_path_factory.mktemp("dbt-target")
    env = {**os.environ, "DBT_PROFILES_DIR": str(REPO / "transform"), "LEERSTROOM_DATA_DIR": str(target)}
    subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "parse", "--target-path", str(target), "--quiet"],
        cwd=REPO,
        env=env,
        check=True,
        timeout=300,
    )
    return json.loads((target / "manifest.json").read_text())


def built_marts(manifest: dict) -> dict[str, dict]:
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"].get("schema") == "marts"
    }


def test_every_mart_dbt_builds_declares_how_it_may_be_shown(manifest: dict) -> None:
    built = built_marts(manifest)
    assert built, "dbt builds no marts?"
    for name, node in built.items():
        declared = marts.marts().get(name)
        assert declared is not None and declared.disclosure is not None, (
            f"{name}: its YAML declares no meta.disclosure, so the dashboards show it to no one"
        )
        assert node["config"]["contract"]["enforced"], f"{name}: without an enforced contract its columns may drift"
        meta = node["config"]["meta"]
        assert marts.parse_disclosure(name, meta["disclosure"]) == declared.disclosure, name
        assert tuple(meta.get("evidence_for", ())) == declared.evidence_for, name


def test_every_column_a_mart_declares_for_the_dashboards_is_built(manifest: dict) -> None:
    built = built_marts(manifest)
    for mart in marts.marts().values():
        columns = set(built[mart.name]["columns"]) if mart.name in built else set(SCHEMAS[mart.name])
        assert mart.disclosure is None or mart.disclosure.columns() <= columns, (
            mart.name,
            sorted(mart.disclosure.columns() - columns),
        )
        assert set(mart.columns) == columns, mart.name


def test_every_deep_dive_and_figure_names_columns_dbt_builds(manifest: dict) -> None:
    built = built_marts(manifest)
    index_columns = set(built["mart_lci_unit_quarter"]["columns"]) & set(built["mart_lci_org_month"]["columns"])
    assert set(SUB_SCORES) | set(privacy.DERIVED_FROM_SUB_SCORES) <= index_columns
    every_column = {column for node in built.values() for column in node["columns"]}
    assert every_column >= privacy.ABOUT_MANAGERS, sorted(privacy.ABOUT_MANAGERS - every_column)
    for mart in marts.marts().values():
        assert set(mart.evidence_for) <= set(SUB_SCORES), (mart.name, mart.evidence_for)
        for score in mart.evidence_for:
            assert mart.name in next(dive for dive in DEEP_DIVES if dive.score == score).evidence


def test_every_mart_the_dashboards_name_is_built() -> None:
    named = set()
    for path in DASHBOARDS.rglob("*.py"):
        text = path.read_text()
        named |= set(re.findall(r"lake\.marts\.([a-z_0-9]+)", text))
        named |= set(re.findall(r"[\"'](mart_[a-z_0-9]+)[\"']", text))
    assert named, "the dashboards name no marts?"
    assert named <= set(marts.marts()), sorted(named - set(marts.marts()))


# --- every query, against the tables the contracts declare ----------------------------------------------------

DUCKDB_TYPES = {"timestamp with time zone": "TIMESTAMPTZ"}


@pytest.fixture(scope="module")
def declared_lake(manifest: dict, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real lake whose certified snapshot holds every mart as its contract declares it, with no rows."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("declared") / "data")
    tables = {
        name: {
            column: DUCKDB_TYPES.get(spec["data_type"], spec["data_type"]) for column, spec in node["columns"].items()
        }
        for name, node in built_marts(manifest).items()
    }
    tables.update(SCHEMAS)
    con = lake.connect(settings)
    try:

        def publish(c) -> None:
            for name, columns in tables.items():
                c.execute(f"CREATE TABLE lake.marts.{name} ({', '.join(f'{n} {t}' for n, t in columns.items())})")

        lake.write_transaction(con, publish, settings=settings)
        snapshot = lake.current_snapshot(con)
        now = datetime.now(timezone.utc)
        lake.write_transaction(
            con,
            lambda c: c.execute(
                "INSERT INTO lake.meta.transform_runs VALUES (?, ?, ?, ?, 'certified', ?, '{}')",
                [f"declared-{uuid.uuid4()}", now, now, snapshot, snapshot],
            ),
            settings=settings,
        )
    finally:
        con.close()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEERSTROOM_DATA_DIR", str(settings.data_dir))
        point_at(settings)
        yield catalog_key(), snapshot


@pytest.mark.parametrize("audience", [privacy.UNRESTRICTED, privacy.audience("executive")])
def test_every_dashboard_query_binds_to_the_tables_dbt_builds(declared_lake: tuple[str, int], audience: str) -> None:
    catalog, snapshot = declared_lake
    assert queries.certification(catalog).snapshot_id == snapshot
    k = 5
    for mart in marts.marts():
        queries.unit_rows(catalog, snapshot, audience, k, mart)
    queries.activity_totals(catalog, snapshot, audience, k)
    queries.newest_statement(catalog, snapshot)
    queries.statements_per_day(catalog, snapshot, audience, k)
    queries.statements_per_verb(catalog, snapshot, audience, k)
    queries.lci_org_month(catalog, snapshot, audience, k)
    queries.engagement_org_weekly(catalog, snapshot, audience, k)
    queries.risk_by_department(catalog, snapshot, audience, k)
    queries.explorer_options(catalog, snapshot)
    filters = tuple((dimension, ()) for dimension in queries.DIMENSIONS)
    for by in queries.DIMENSIONS:
        queries.unit_comparison(catalog, snapshot, audience, k, filters, None, None, by)
    queries.engagement_trend(catalog, snapshot, audience, k, filters, None, None)
    queries.segments(catalog, snapshot, audience, k, filters, None, None)
    queries.people(catalog, snapshot, audience, filters, None, None)
    queries.risk_list(catalog, snapshot, audience, filters)
    queries.retention_model(catalog, snapshot)
    queries.retention_backtest(catalog, snapshot)
    queries.retention_calibration(catalog, snapshot, audience, k)
    queries.retention_department_exits(catalog, snapshot, audience, k)
    queries.retention_feature_effects(catalog, snapshot)
    queries.lci_validation(catalog, snapshot, audience)
