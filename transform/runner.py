"""`leerstroom transform`: pin the lake's snapshot, build and check with dbt, publish and certify the marts.

Steps of one run:
1. screen the statements new since the last run and quarantine those with a row-level problem
   (transform/quality/quarantine.py), then pin S, the snapshot holding that quarantine; every model
   reads raw data as of S, and leaves quarantined statements out;
2. `dbt build` (models, data tests, unit tests) into the warehouse file, then `dbt source freshness`;
3. both green: the retention model trains and scores into the warehouse (unless switched off), and
   the quality gate (Great Expectations) checks the raw rows new since the last certification, the
   share of new statements quarantined, and the key marts;
4. all green: publish every mart into lake.marts in one transaction and record the run as
   'certified' with the snapshot holding those marts; otherwise record 'failed' with the reasons
   and leave the previous certified snapshot in place. The gate's results are stored either way.
"""

from __future__ import annotations

import fcntl
import logging
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone

import duckdb

from leerstroom import lake
from leerstroom.errors import LeerstroomError
from leerstroom.settings import Settings
from transform import model_version
from transform.dbt_invocation import DbtOutcome, mart_tables, run_dbt
from transform.publish import RunRecord, publish_and_certify, record_failed_run
from transform.quality.gate import run_quality_gate
from transform.quality.quarantine import screen_new_statements
from transform.risk import RISK_TABLES, run_risk_step

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass
class TransformResult:
    run_id: str
    status: str  # 'certified' | 'failed'
    raw_snapshot_id: int
    certified_snapshot_id: int | None
    details: dict = field(default_factory=dict)
    durations: dict[str, float] = field(default_factory=dict)

    @property
    def certified(self) -> bool:
        return self.status == "certified"


def _log_progress(line: str) -> None:
    log.info("%s", line)


@contextmanager
def _one_transform_at_a_time(settings: Settings) -> Iterator[None]:
    # Two transforms on one data folder would fight over the warehouse file; the second waits.
    settings.warehouse_db.parent.mkdir(parents=True, exist_ok=True)
    with open(settings.warehouse_db.parent / "transform.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _timed(durations: dict[str, float], step: str, work: Callable[[], DbtOutcome]) -> DbtOutcome:
    began = time.monotonic()
    try:
        return work()
    finally:
        durations[step] = round(time.monotonic() - began, 3)


def run_transform(
    settings: Settings, full_refresh: bool = False, *, progress: Progress | None = None
) -> TransformResult:
    """One transform run; returns what happened (it never leaves a failed build certified)."""
    progress = progress or _log_progress
    began = time.monotonic()
    durations: dict[str, float] = {}
    with _one_transform_at_a_time(settings):
        con = lake.connect(settings)
        try:
            run_id, started_at = str(uuid.uuid4()), datetime.now(timezone.utc)
            began = time.monotonic()
            screening = screen_new_statements(con, settings, run_id, started_at)
            durations["quarantine"] = round(time.monotonic() - began, 3)
            run = RunRecord(run_id=run_id, started_at=started_at, raw_snapshot_id=screening.snapshot_id)
            progress(f"transform {run.run_id}: reading the lake as of snapshot {run.raw_snapshot_id}")
            progress(screening.summary())
            if screening.first and screening.statements_quarantined and not full_refresh:
                # Earlier builds (before any screening) may hold statements now set aside: start again without them.
                progress("statements screened for the first time were set aside: rebuilding every model")
                full_refresh = True
            version = model_version.current()
            if not full_refresh and model_version.needs_full_build(settings):
                progress(
                    "the models changed since the warehouse was last built (an upgrade or an edit): "
                    "rebuilding every model"
                )
                full_refresh = True
            build_args = ["build", "--full-refresh"] if full_refresh else ["build"]
            build = _timed(
                durations,
                "build",
                lambda: run_dbt(settings, build_args, raw_snapshot=run.raw_snapshot_id, progress=progress),
            )
            if build.models_built:
                model_version.record_build(settings, version)
            freshness = _timed(
                durations,
                "freshness",
                lambda: run_dbt(settings, ["source", "freshness"], raw_snapshot=run.raw_snapshot_id, progress=progress),
            )
            details = {
                "build": build.as_details(),
                "freshness": freshness.as_details(),
                "quarantine": screening.as_details(),
                "reasons": build.failures + freshness.failures,
            }
            result = conclude_run(con, settings, run, build, freshness, details, durations, progress)
        finally:
            con.close()
    durations["total"] = round(time.monotonic() - began, 3)
    result.durations = durations
    progress(summary(result))
    return result


def conclude_run(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    run: RunRecord,
    build: DbtOutcome,
    freshness: DbtOutcome,
    details: dict,
    durations: dict[str, float],
    progress: Progress,
) -> TransformResult:
    """After dbt: score, gate, and publish-and-certify only when everything is green; record the run either way."""
    quality_rows: list[dict] = []
    if build.ok and freshness.ok:
        began = time.monotonic()
        try:
            risk = run_risk_step(settings, progress)
            durations["risk"] = round(time.monotonic() - began, 3)
            began = time.monotonic()
            # The connection reloads the catalog for the sink's commits since dbt started: let none land meanwhile.
            with lake.catalog_quiet(settings):
                quality = run_quality_gate(con, settings, run.run_id, run.raw_snapshot_id, datetime.now(timezone.utc))
            durations["quality"] = round(time.monotonic() - began, 3)
            quality_rows = quality.rows
            details["quality"] = {"expectations": len(quality.rows), "failed": len(quality.failures)}
            details["reasons"] += quality.failures
            progress(
                f"quality gate: {len(quality.rows) - len(quality.failures)} of {len(quality.rows)} expectations met"
            )
            if quality.ok:
                began = time.monotonic()
                marts = mart_tables(settings) + risk.tables
                retired = [name for name in RISK_TABLES if name not in risk.tables]
                certified = publish_and_certify(
                    con,
                    settings,
                    marts,
                    run,
                    datetime.now(timezone.utc),
                    details,
                    retired=retired,
                    quality_rows=quality_rows,
                )
                durations["publish"] = round(time.monotonic() - began, 3)
                return TransformResult(
                    run.run_id, "certified", run.raw_snapshot_id, certified, {**details, "published": marts}
                )
        except (duckdb.Error, OSError, ValueError, LeerstroomError) as err:
            log.error("the risk, quality or publish step failed: %s", err)
            details["reasons"].append(f"after dbt: {err}")
    record_failed_run(con, settings, run, datetime.now(timezone.utc), details, quality_rows=quality_rows)
    return TransformResult(run.run_id, "failed", run.raw_snapshot_id, None, details)


def summary(result: TransformResult) -> str:
    build = result.details.get("build", {})
    statuses = build.get("statuses", {})
    nodes = build.get("nodes", {})
    quarantined = result.details.get("quarantine", {})
    head = (
        f"transform {result.run_id}: {nodes.get('model', 0)} models, "
        f"{statuses.get('pass', 0)} tests passed, {len(result.details.get('reasons', []))} problems, "
        f"raw snapshot {result.raw_snapshot_id}, {quarantined.get('quarantined', 0)} of "
        f"{quarantined.get('screened', 0)} new statements quarantined"
    )
    if result.certified:
        return (
            f"{head}; certified snapshot {result.certified_snapshot_id} "
            f"(published {', '.join(result.details.get('published', []))}) in {result.durations.get('total', 0):.1f} s"
        )
    reasons = "\n  ".join(result.details.get("reasons", []))
    return f"{head}; FAILED, the previous certified snapshot stays in place:\n  {reasons}"


def run(settings: Settings, full_refresh: bool = False, every: int | None = None) -> int:
    """CLI entry point: one run (exit 0 when certified, 1 when failed) or, with `every`, a schedule."""
    if every is None:
        return 0 if run_transform(settings, full_refresh, progress=print).certified else 1
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    exit_code = 0
    while not stop.is_set():
        try:
            exit_code = 0 if run_transform(settings, full_refresh, progress=print).certified else 1
        except (LeerstroomError, duckdb.Error) as err:
            # A scheduled transform keeps its schedule through a lake that is briefly unavailable.
            log.error("transform run failed to start: %s", err)
            exit_code = 1
        full_refresh = False
        stop.wait(every)
    return exit_code
