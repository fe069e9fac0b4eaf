"""Run one dbt command as a child process against the lake pinned at a raw snapshot, and read its results.

A child process keeps dbt's global state, its warehouse file lock and its environment
(the pinned snapshot) out of the long-running transform process.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from leerstroom import lake
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
PROFILES_DIR = REPO / "transform"
FAILED_STATUSES = {"error", "fail", "runtime error"}
# `python -m dbt.cli.main` warns that dbt.cli imported its main module first; calling cli() directly does not.
DBT_MAIN = "from dbt.cli.main import cli; cli(prog_name='dbt')"


@dataclass
class DbtOutcome:
    """What one dbt command did: its exit code, each node's status, and the failures in words."""

    command: str
    exit_code: int
    statuses: Counter = field(default_factory=Counter)
    by_type: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    results_read: bool = False
    models_skipped: int = 0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.failures

    @property
    def models_built(self) -> bool:
        """Every model and seed built (none failed, none skipped after a failed test), whatever the tests said."""
        return (
            self.results_read
            and not self.models_skipped
            and not any(f.startswith(("model.", "seed.")) for f in self.failures)
        )

    def as_details(self) -> dict:
        return {
            "exit_code": self.exit_code,
            "statuses": dict(self.statuses),
            "nodes": dict(self.by_type),
            "failures": self.failures,
            "warnings": self.warnings,
        }


def target_dir(settings: Settings) -> Path:
    return settings.warehouse_db.parent / "target"


def dbt_environment(settings: Settings, raw_snapshot: int | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "LEERSTROOM_DATA_DIR": str(settings.data_dir.resolve()),
            "LEERSTROOM_RAW_SNAPSHOT": "" if raw_snapshot is None else str(raw_snapshot),
            "LEERSTROOM_FRESHNESS_WARN_HOURS": str(settings.freshness_warn_hours),
            "LEERSTROOM_FRESHNESS_ERROR_HOURS": str(settings.freshness_error_hours),
            # The models read k from the environment; pass the setting so a .env file counts too.
            "LEERSTROOM_PRIVACY_K": str(settings.privacy_k),
            "LEERSTROOM_HISTORY_BACKFILL_DAYS": str(settings.history_backfill_days),
            "LEERSTROOM_TRANSFORM_MEMORY_LIMIT": settings.transform_memory_limit,
            # Which lake: the SQLite catalog in the data folder, or a PostgreSQL catalog with shared files.
            **lake.environment(settings),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
    )
    return env


def run_dbt(
    settings: Settings, args: list[str], *, raw_snapshot: int | None, progress: Callable[[str], None]
) -> DbtOutcome:
    """Run `dbt <args>` from the repository root, streaming its lines to `progress`."""
    target = target_dir(settings)
    results_file = target / ("sources.json" if args[:2] == ["source", "freshness"] else "run_results.json")
    # A run that dies before writing its results must not be judged by the previous run's file.
    results_file.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-c",
        DBT_MAIN,
        "--no-use-colors",
        *args,
        "--project-dir",
        str(REPO),
        "--profiles-dir",
        str(PROFILES_DIR),
        "--target-path",
        str(target),
        "--log-path",
        str(settings.warehouse_db.parent / "logs"),
    ]
    log.debug("running %s", command)
    with subprocess.Popen(
        command,
        cwd=REPO,
        env=dbt_environment(settings, raw_snapshot),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    ) as child:
        assert child.stdout is not None
        tail: list[str] = []
        for line in child.stdout:
            line = line.rstrip()
            progress(line)
            tail = (tail + [line])[-15:]
        exit_code = child.wait()
    outcome = DbtOutcome(command=" ".join(args), exit_code=exit_code)
    read_results(results_file, outcome)
    if exit_code != 0 and not outcome.failures:
        outcome.failures.append(f"dbt {outcome.command} exited with {exit_code}: " + " | ".join(tail[-5:]))
    return outcome


def read_results(path: Path, outcome: DbtOutcome) -> None:
    if not path.exists():
        outcome.failures.append(f"dbt {outcome.command} wrote no results ({path.name} missing)")
        return
    outcome.results_read = True
    for result in json.loads(path.read_text())["results"]:
        status = str(result.get("status"))
        node = result["unique_id"]
        outcome.statuses[status] += 1
        outcome.by_type[node.split(".")[0]] += 1
        outcome.models_skipped += status == "skipped" and node.startswith("model.")
        message = (
            _freshness_message(result)
            if "max_loaded_at" in result
            else (result.get("message") or result.get("error") or status)
        )
        if status in FAILED_STATUSES:
            outcome.failures.append(f"{node}: {message}")
        elif status == "warn":
            outcome.warnings.append(f"{node}: {message}")


def _freshness_message(result: dict) -> str:
    criteria = result.get("criteria") or {}
    limits = ", ".join(
        f"{name.replace('_after', '')} after {rule['count']} {rule['period']}s"
        for name, rule in criteria.items()
        if isinstance(rule, dict) and rule.get("count") is not None
    )
    # dbt reports an empty source as loaded at the year 1.
    if str(result.get("max_loaded_at") or "0001-").startswith("0001-"):
        return f"freshness {result['status']}: the source holds no rows ({limits})"
    hours = float(result.get("max_loaded_at_time_ago_in_s") or 0) / 3600
    return (
        f"freshness {result['status']}: newest row loaded {hours:.1f} hours ago at {result['max_loaded_at']} ({limits})"
    )


def mart_tables(settings: Settings) -> list[str]:
    """Names of the table models in the warehouse schema `marts`, from the manifest of the last build."""
    manifest = json.loads((target_dir(settings) / "manifest.json").read_text())
    return sorted(
        node["alias"] or node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["schema"] == "marts"
        and node["config"].get("materialized") in ("table", "incremental")
    )
