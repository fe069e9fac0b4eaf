"""Run the quality checkpoints with Great Expectations (ephemeral context, pandas data source) and judge them."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import great_expectations as gx
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig

from leerstroom.errors import TerminalError
from leerstroom.settings import Settings
from transform.quality.checks import MART_CHECKS, Check, raw_checks
from transform.quality.inputs import mart_datasets, raw_datasets

log = logging.getLogger(__name__)


class QualityGateError(TerminalError):
    """Great Expectations could not run a checkpoint at all (not the same as an expectation failing)."""


@dataclass
class QualityOutcome:
    rows: list[dict] = field(default_factory=list)  # one per expectation, for lake.meta.quality_results

    @property
    def ok(self) -> bool:
        return all(r["success"] for r in self.rows)

    @property
    def failures(self) -> list[str]:
        return [f"quality: {r['expectation']} failed ({_brief(r['observed'])})" for r in self.rows if not r["success"]]


def _brief(observed: dict) -> str:
    if observed.get("exception"):
        return observed["exception"]
    keys = (
        "unexpected_count",
        "element_count",
        "partial_unexpected_list",
        "observed_value",
        "quarantined",
        "screened",
        "by_reason",
    )
    return ", ".join(f"{k}={observed[k]}" for k in keys if observed.get(k) not in (None, []))


def _context() -> gx.data_context.AbstractDataContext:
    context = gx.get_context(mode="ephemeral")
    # Progress bars would interleave with the transform's own output.
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _run_checkpoint(context, source, dataset: str, checks: list[Check], frame: pd.DataFrame) -> list:
    asset = source.add_dataframe_asset(dataset)
    batch = asset.add_batch_definition_whole_dataframe(f"{dataset}-whole")
    suite = context.suites.add(gx.ExpectationSuite(name=dataset))
    for check in checks:
        suite.add_expectation(check.expectation())
    validation = context.validation_definitions.add(gx.ValidationDefinition(name=dataset, data=batch, suite=suite))
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(name=f"leerstroom-{dataset}", validation_definitions=[validation])
    )
    try:
        result = checkpoint.run(batch_parameters={"dataframe": frame})
    except gx.exceptions.GreatExpectationsError as err:
        raise QualityGateError(f"quality checkpoint {dataset} could not run: {err}") from err
    by_key = {
        _key(r.expectation_config.type, r.expectation_config.kwargs): r
        for run in result.run_results.values()
        for r in run.results
    }
    return [by_key[_key(_snake(c.kind), c.kwargs)] for c in checks]


def _snake(kind: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower()


def _key(kind: str, kwargs: dict) -> tuple[str, str]:
    return kind, str(kwargs.get("column") or list(kwargs.get("column_list") or []))


def run_quality_gate(
    con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str, raw_snapshot: int, checked_at: datetime
) -> QualityOutcome:
    """Check the raw rows new since the last certified raw snapshot, the current roster and the built marts."""
    checks = raw_checks(settings.quality_quarantine_max_share, float(settings.freshness_error_hours))
    checks += MART_CHECKS
    frames = {**raw_datasets(con, raw_snapshot, checked_at), **mart_datasets(settings.warehouse_db, MART_CHECKS)}
    context = _context()
    source = context.data_sources.add_pandas("leerstroom")
    outcome = QualityOutcome()
    for dataset, frame in frames.items():
        mine = [c for c in checks if c.dataset == dataset]
        for check, result in zip(mine, _run_checkpoint(context, source, dataset, mine, frame), strict=True):
            observed = dict(result.result or {})
            if result.exception_info and result.exception_info.get("raised_exception"):
                observed["exception"] = str(result.exception_info.get("exception_message"))
            observed["rows_checked"] = len(frame)
            observed.update(frame.attrs.get("observed", {}))
            outcome.rows.append(
                {
                    "run_id": run_id,
                    "checked_at": checked_at,
                    "suite": dataset,
                    "expectation": check.label(),
                    "success": bool(result.success),
                    "observed": observed,
                }
            )
    log.info(
        "quality gate: %d expectations on %d data sets, %d failed",
        len(outcome.rows),
        len(frames),
        len(outcome.failures),
    )
    return outcome
