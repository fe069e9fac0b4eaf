"""`leerstroom transform` on a real lake: marts match the raw statements, certification, and failed checks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from leerstroom import lake
from leerstroom.settings import Settings
from tests.transform.appender import BATCH
from tests.transform.lake_rows import (
    CertifiedLake,
    append_raw,
    build_certified_lake,
    expected_daily_counts,
    last_certified,
    mart_counts,
)
from transform import model_version, runner
from transform.dbt_invocation import REPO, run_dbt, target_dir


def warehouse_total(warehouse_db: Path) -> int:
    """Statements counted in the mart dbt built into the warehouse file (before any publishing)."""
    with duckdb.connect(str(warehouse_db), read_only=True) as warehouse:
        return warehouse.execute("SELECT sum(statement_count) FROM marts.mart_daily_activity").fetchone()[0]


@pytest.fixture(scope="module")
def certified(tmp_path_factory: pytest.TempPathFactory) -> CertifiedLake:
    # One dbt build shared by the read-only tests of this module; tests that change the lake work on a copy.
    return build_certified_lake(tmp_path_factory.mktemp("certified") / "data")


def test_marts_count_every_effective_statement_once_per_actor_verb_and_day(certified: CertifiedLake) -> None:
    snapshot = last_certified(certified.settings)["snapshot_id"]
    expected = expected_daily_counts(certified.statements)

    assert mart_counts(certified.settings, snapshot) == expected
    # The corpus holds two voided statements and their two voiding statements: four rows fewer than raw.
    assert sum(expected.values()) == len(certified.statements) - 4


def test_green_run_is_recorded_and_certifies_the_snapshot_holding_the_marts(certified: CertifiedLake) -> None:
    result = certified.result
    con = lake.connect(certified.settings, read_only=True)
    try:
        runs = con.execute(
            "SELECT run_id, status, raw_snapshot_id, certified_snapshot_id, details FROM lake.meta.transform_runs"
        ).fetchall()
        newest = lake.last_certified(con)
    finally:
        con.close()

    assert [(r[0], r[1], r[2], r[3]) for r in runs] == [
        (result.run_id, "certified", result.raw_snapshot_id, result.certified_snapshot_id)
    ]
    assert newest["snapshot_id"] == result.certified_snapshot_id > result.raw_snapshot_id
    details = json.loads(runs[0][4])
    assert "mart_daily_activity" in details["published"]
    assert details["build"]["failures"] == [] and details["build"]["statuses"]["pass"] >= 20
    assert details["freshness"]["statuses"] == {"pass": 1}
    # The marts exist at the certified snapshot, and did not at the raw snapshot the build read.
    at_raw = lake.connect(certified.settings, snapshot=result.raw_snapshot_id)
    try:
        tables = {
            row[0]
            for row in at_raw.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'lake' AND schema_name = 'marts'"
            ).fetchall()
        }
    finally:
        at_raw.close()
    assert "mart_daily_activity" not in tables
    assert sum(mart_counts(certified.settings, result.certified_snapshot_id).values()) > 0
    assert set(result.durations) >= {"build", "freshness", "publish", "total"}


def test_a_failed_check_is_recorded_and_the_previous_certification_stays(
    certified: CertifiedLake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = certified.copy_to(tmp_path / "data")
    before = last_certified(settings)
    # A doubled statement in raw, as a broken sink would write it: the source's unique test must stop certification.
    append_raw(settings, certified.statements[:1], first_offset=5_000_000)

    exit_code = runner.run(settings)

    assert exit_code == 1
    printed = capsys.readouterr().out
    assert "FAILED, the previous certified snapshot stays in place" in printed
    assert "source_unique_xapi_statements_statement_id" in printed
    assert last_certified(settings) == before
    con = lake.connect(settings, read_only=True)
    try:
        status, certified_id, details = con.execute(
            "SELECT status, certified_snapshot_id, details FROM lake.meta.transform_runs "
            "ORDER BY finished_at DESC LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    assert (status, certified_id) == ("failed", None)
    assert any("unique" in reason and "statement_id" in reason for reason in json.loads(details)["reasons"])
    # Dashboards still read the old marts at the old certified snapshot.
    assert mart_counts(settings, before["snapshot_id"]) == expected_daily_counts(certified.statements)


def test_models_read_the_pinned_raw_snapshot_not_later_appends(certified: CertifiedLake, tmp_path: Path) -> None:
    settings = certified.copy_to(tmp_path / "data")
    later = [dict(s, id=f"00000000-0000-4000-8000-{n:012d}") for n, s in enumerate(certified.statements[:10])]
    append_raw(settings, later, first_offset=6_000_000)

    outcome = run_dbt(settings, ["build"], raw_snapshot=certified.result.raw_snapshot_id, progress=lambda _: None)

    assert outcome.ok, outcome.failures
    built = warehouse_total(settings.warehouse_db)
    assert built == sum(expected_daily_counts(certified.statements).values())


@pytest.mark.slow
def test_dbt_build_from_the_command_line_while_another_process_appends(
    certified: CertifiedLake, tmp_path: Path
) -> None:
    settings = certified.copy_to(tmp_path / "data")
    stop, report = tmp_path / "stop", tmp_path / "report.json"
    env = dict(
        os.environ,
        LEERSTROOM_DATA_DIR=str(settings.data_dir),
        DBT_PROFILES_DIR="transform",
        DBT_TARGET_PATH=str(tmp_path / "target"),
        DBT_LOG_PATH=str(tmp_path / "logs"),
    )
    env.pop("LEERSTROOM_RAW_SNAPSHOT", None)
    appender = subprocess.Popen(
        [sys.executable, "-m", "tests.transform.appender", str(settings.data_dir), str(stop), str(report)],
        cwd=REPO,
        env=env,
    )
    try:
        time.sleep(1.0)
        build = subprocess.run(
            [str(Path(sys.executable).parent / "dbt"), "build"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        stop.touch()
        appender.wait(timeout=60)

    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    assert "Completed successfully" in build.stdout
    appended = json.loads(report.read_text())
    assert appended["errors"] == []
    assert appended["commits"] >= 3, appended
    # dbt read one snapshot: the corpus plus whole appended commits, never part of one.
    built = warehouse_total(settings.warehouse_db)
    corpus = sum(expected_daily_counts(certified.statements).values())
    assert corpus <= built <= corpus + appended["appended"]
    assert (built - corpus) % BATCH == 0


def test_every_model_and_column_is_documented_and_every_model_tested(certified: CertifiedLake) -> None:
    manifest = json.loads((target_dir(certified.settings) / "manifest.json").read_text())
    models = {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    tested = {
        dep
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test"
        for dep in node["depends_on"]["nodes"]
    }

    undocumented = [uid for uid, node in models.items() if not node["description"].strip()]
    undocumented += [
        f"{uid}.{name}"
        for uid, node in models.items()
        for name, column in node["columns"].items()
        if not column["description"].strip()
    ]
    with duckdb.connect(str(certified.settings.warehouse_db), read_only=True) as warehouse:
        built = {
            f"model.leerstroom.{name}": set(columns)
            for name, columns in warehouse.execute(
                "SELECT table_name, list(column_name) FROM information_schema.columns GROUP BY table_name"
            ).fetchall()
        }
    assert undocumented == []
    assert set(models) - tested == set()
    # The YAML describes exactly the columns each model builds: none missing, none left over.
    assert {uid: set(node["columns"]) for uid, node in models.items()} == {uid: built.get(uid) for uid in models}


def test_an_empty_lake_is_not_certified_and_says_why(settings: Settings) -> None:
    result = runner.run_transform(settings, progress=lambda _: None)

    assert result.status == "failed" and result.certified_snapshot_id is None
    assert any("holds no rows" in reason for reason in result.details["reasons"])
    assert last_certified(settings) is None


@pytest.mark.slow
def test_scheduled_transform_runs_until_sigterm(certified: CertifiedLake, tmp_path: Path) -> None:
    settings = certified.copy_to(tmp_path / "data")
    env = dict(os.environ, LEERSTROOM_DATA_DIR=str(settings.data_dir))
    # Output goes to a file: dbt prints more than a pipe buffer holds, and an unread pipe would block the child.
    log_path = tmp_path / "transform.log"
    with log_path.open("w") as log_file:
        child = subprocess.Popen(
            [str(Path(sys.executable).parent / "leerstroom"), "transform", "--every", "60"],
            cwd=tmp_path,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 300
            while last_certified(settings)["run_id"] == certified.result.run_id:
                assert time.monotonic() < deadline and child.poll() is None, (
                    f"no scheduled run certified:\n{log_path.read_text()[-3000:]}"
                )
                time.sleep(0.5)
            child.send_signal(signal.SIGTERM)
            child.wait(timeout=60)
        finally:
            if child.poll() is None:
                child.kill()
    output = log_path.read_text()
    assert child.returncode == 0, output[-3000:]
    assert "certified snapshot" in output


def test_a_warehouse_built_by_older_model_definitions_is_rebuilt_from_scratch_by_itself(
    certified: CertifiedLake, tmp_path: Path
) -> None:
    settings = certified.copy_to(tmp_path / "data")
    # As an upgrade leaves it: an incremental model's table has a column its new definition no longer builds
    # (on_schema_change='fail' refuses it), and the warehouse was recorded under other definitions.
    with duckdb.connect(str(settings.warehouse_db)) as warehouse:
        schema = warehouse.execute(
            "SELECT schema_name FROM duckdb_tables() WHERE table_name = 'int_failed_attempts'"
        ).fetchone()[0]
        warehouse.execute(f"ALTER TABLE {schema}.int_failed_attempts ADD COLUMN column_of_an_older_release INTEGER")
    model_version.record_build(settings, "models of an older release")
    printed: list[str] = []

    upgraded = runner.run_transform(settings, progress=printed.append)

    assert upgraded.certified, upgraded.details["reasons"]
    assert any("rebuilding every model" in line for line in printed)
    assert model_version.built(settings) == model_version.current()
    printed.clear()
    again = runner.run_transform(settings, progress=printed.append)
    assert again.certified and not any("rebuilding every model" in line for line in printed)
