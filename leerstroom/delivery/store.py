"""Every delivery attempt and every alert, kept in the lake's meta schema (lake migration 6) so that a restart, or
another machine on the same lake, knows what was sent.

A delivery is one message to one recipient: (delivery_key, channel, recipient). Its rows are
appended, never changed: `pending` when it became owed, then `sent` or `failed` per attempt
(a failed one says when to try again). The newest row tells its state. Rows are written
inside lake write transactions; `owe` and `raise_alerts` check and insert in one, so
two rounds never owe or raise the same thing twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import duckdb
import pandas as pd

from leerstroom import lake, lake_schema
from leerstroom.settings import Settings

PENDING, SENT, FAILED = "pending", "sent", "failed"
BRIEFING, ALERT = "briefing", "alert"

_NEWEST = """
    SELECT * FROM lake.meta.deliveries
    QUALIFY row_number() OVER (PARTITION BY delivery_key, channel, recipient
                               ORDER BY attempt DESC, recorded_at DESC, status = 'sent' DESC) = 1
"""


@dataclass(frozen=True)
class Target:
    delivery_key: str
    kind: str
    channel: str
    recipient: str
    language: str
    snapshot_id: int | None = None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    return lake_schema.version(con) >= 6


def owe(settings: Settings, targets: Iterable[Target], now: datetime | None = None) -> list[Target]:
    """Record as owed the targets that have no row yet; return those (the others were owed before)."""
    targets, now = list(targets), now or _now()
    if not targets:
        return []

    def work(con: duckdb.DuckDBPyConnection) -> list[Target]:
        known = set(
            con.execute(
                "SELECT DISTINCT delivery_key, channel, recipient FROM lake.meta.deliveries "
                "WHERE delivery_key IN (SELECT unnest(?))",
                [sorted({t.delivery_key for t in targets})],
            ).fetchall()
        )
        new = [t for t in targets if (t.delivery_key, t.channel, t.recipient) not in known]
        for t in new:
            con.execute(
                "INSERT INTO lake.meta.deliveries VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, NULL)",
                [t.delivery_key, t.kind, t.channel, t.recipient, t.language, t.snapshot_id, now, now],
            )
        return new

    return lake.write(settings, work)


def due(settings: Settings, now: datetime | None = None) -> list[tuple[Target, int]]:
    """Deliveries not yet sent whose (next) attempt is due, with the number of attempts made so far."""
    now = now or _now()

    def look(con: duckdb.DuckDBPyConnection) -> tuple[list, list[str]]:
        if not _has_tables(con):
            return [], []
        rows = con.execute(
            f"SELECT * FROM ({_NEWEST}) WHERE status <> 'sent' AND next_attempt_at <= ? "
            "ORDER BY recorded_at, delivery_key, recipient",
            [now],
        ).fetchall()
        return rows, [d[0] for d in con.description]

    rows, columns = lake.read(settings, look)
    found = []
    for values in rows:
        row = dict(zip(columns, values))
        found.append(
            (
                Target(
                    row["delivery_key"],
                    row["kind"],
                    row["channel"],
                    row["recipient"],
                    row["language"],
                    row["snapshot_id"],
                ),
                int(row["attempt"]),
            )
        )
    return found


def backoff(settings: Settings, attempt: int) -> timedelta:
    """How long after failed attempt number `attempt` (1, 2, …) to try again: doubling, up to the maximum."""
    seconds = settings.delivery_retry_seconds * 2 ** max(0, attempt - 1)
    return timedelta(seconds=min(seconds, settings.delivery_retry_max_seconds))


def record(settings: Settings, target: Target, attempt: int, error: str | None, now: datetime | None = None) -> None:
    """The outcome of one attempt: sent (error None) or failed, with when to try again."""
    now = now or _now()
    status = SENT if error is None else FAILED
    retry_at = None if error is None else now + backoff(settings, attempt)

    def work(con: duckdb.DuckDBPyConnection) -> None:
        con.execute(
            "INSERT INTO lake.meta.deliveries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                target.delivery_key,
                target.kind,
                target.channel,
                target.recipient,
                target.language,
                target.snapshot_id,
                status,
                attempt,
                now,
                retry_at,
                error,
            ],
        )

    lake.write(settings, work)


def raise_alerts(settings: Settings, alerts: list[dict], snapshot_id: int, now: datetime | None = None) -> list[dict]:
    """Record the alerts not raised before (by alert_key); return those. Each alert: alert_key, rule, unit_level,
    unit_name, period, figures (a dict), link."""
    now = now or _now()
    if not alerts:
        return []

    def work(con: duckdb.DuckDBPyConnection) -> list[dict]:
        known = {
            key
            for (key,) in con.execute(
                "SELECT alert_key FROM lake.meta.alerts WHERE alert_key IN (SELECT unnest(?))",
                [[a["alert_key"] for a in alerts]],
            ).fetchall()
        }
        new = [a for a in alerts if a["alert_key"] not in known]
        for a in new:
            con.execute(
                "INSERT INTO lake.meta.alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    a["alert_key"],
                    a["rule"],
                    a["unit_level"],
                    a["unit_name"],
                    a["period"],
                    json.dumps(a["figures"], default=str),
                    a["link"],
                    snapshot_id,
                    now,
                ],
            )
        return new

    return lake.write(settings, work)


def alert(con: duckdb.DuckDBPyConnection, alert_key: str) -> dict | None:
    row = con.execute("SELECT * FROM lake.meta.alerts WHERE alert_key = ?", [alert_key]).fetchone()
    if row is None:
        return None
    found = dict(zip([d[0] for d in con.description], row))
    found["figures"] = json.loads(found["figures"])
    return found


def alerts(con: duckdb.DuckDBPyConnection, limit: int = 500) -> pd.DataFrame:
    """Alerts, newest first, with how their deliveries stand (sent / owed / failing)."""
    if not _has_tables(con):
        return pd.DataFrame()
    return con.execute(f"""
        WITH newest AS ({_NEWEST})
        SELECT a.raised_at, a.rule, a.unit_level, a.unit_name, a.period, a.figures, a.link, a.snapshot_id,
               count(n.recipient) FILTER (WHERE n.status = 'sent') AS sent,
               count(n.recipient) FILTER (WHERE n.status = 'failed') AS failing,
               count(n.recipient) FILTER (WHERE n.status = 'pending') AS owed,
               a.alert_key
        FROM lake.meta.alerts a
        LEFT JOIN newest n ON n.delivery_key = 'alert/' || a.alert_key
        GROUP BY ALL
        ORDER BY a.raised_at DESC, a.alert_key
        LIMIT {int(limit)}
    """).df()


def deliveries(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each delivery's newest state, failing ones first, then the newest."""
    if not _has_tables(con):
        return pd.DataFrame()
    return con.execute(f"""
        SELECT delivery_key, kind, channel, recipient, status, attempt, recorded_at, next_attempt_at, error
        FROM ({_NEWEST})
        ORDER BY status = 'failed' DESC, recorded_at DESC, delivery_key, recipient
    """).df()
