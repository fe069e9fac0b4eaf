"""What the transform tells about itself: whether the dashboards' data is current, and what it set aside.

Whether a snapshot was certified recently enough, and if not, why and what to do: `leerstroom
health transform` and the admins' health page both ask this, so they say the same. The
statements the quality step set aside, per reason and decision. This module is the
transform's public interface for the dashboards (the import contracts in pyproject.toml).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from leerstroom.settings import Settings
from transform.quality import quarantine

RUNBOOK = "docs/operations.md, 'When no snapshot is certified'"


@dataclass(frozen=True)
class CertificationHealth:
    healthy: bool
    reason: str
    advice: str = ""

    def message(self) -> str:
        return f"{self.reason}; {self.advice}" if self.advice else self.reason


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f} h"


def certification_health(con: duckdb.DuckDBPyConnection, settings: Settings, now: datetime) -> CertificationHealth:
    """Healthy while a snapshot was certified within LEERSTROOM_CERTIFICATION_MAX_AGE_HOURS (or runs began since)."""
    limit = timedelta(hours=settings.certification_max_age_hours)
    certified_at, first_started = con.execute(
        "SELECT max(finished_at) FILTER (WHERE status = 'certified'), min(started_at) FROM lake.meta.transform_runs"
    ).fetchone()
    if first_started is None:
        return CertificationHealth(False, "no transform has run yet", "start `leerstroom transform --every 900`")
    since = certified_at or first_started
    refused, reasons = _refusals_since(con, certified_at)
    age = now - since
    what = (
        f"last snapshot certified {_hours(age)} ago"
        if certified_at
        else f"no snapshot certified yet, first run {_hours(age)} ago"
    )
    limit_words = f"limit {_hours(limit)}, LEERSTROOM_CERTIFICATION_MAX_AGE_HOURS"
    if age <= limit:
        tail = f", {refused} refused since" if refused else ""
        return CertificationHealth(True, f"{what} ({limit_words}){tail}")
    why = (
        f"{refused} runs refused since, the newest because: " + "; ".join(reasons)
        if refused
        else ("no run finished since")
    )
    advice = (
        "the dashboards show old data. Fix the cause named (a quarantine above its share: `leerstroom "
        "quarantine list`; stale data: is the sink running?), then run `leerstroom transform`, which prints "
        f"every reason. Runbook: {RUNBOOK}"
    )
    return CertificationHealth(False, f"{what} ({limit_words}): {why}", advice)


def _refusals_since(con: duckdb.DuckDBPyConnection, certified_at: datetime | None) -> tuple[int, tuple[str, ...]]:
    rows = con.execute(
        "SELECT details FROM lake.meta.transform_runs WHERE status = 'failed' AND (? IS NULL OR finished_at > ?) "
        "ORDER BY finished_at DESC",
        [certified_at, certified_at],
    ).fetchall()
    if not rows:
        return 0, ()
    details = json.loads(rows[0][0]) if rows[0][0] else {}
    return len(rows), tuple(str(reason) for reason in details.get("reasons", [])[:3])


def quarantine_state(con: duckdb.DuckDBPyConnection) -> tuple[list[tuple[str, str, int, object]], dict | None]:
    """Set-aside statements as (reason, decision or 'set aside', statements, newest), and the share of set-aside
    statements the last judged run found (None before any run judged one)."""
    judged = con.execute(
        "SELECT observed FROM lake.meta.quality_results WHERE suite = ? ORDER BY checked_at DESC LIMIT 1",
        [quarantine.SUITE],
    ).fetchone()
    return quarantine.counts(con), json.loads(judged[0]) if judged else None
