"""The quarantine: raw statements with a row-level problem are set aside with their reason and kept out of the metrics.

Each transform run first screens the statements new since the previous screening, before dbt
reads anything. A statement that breaks a rule below gets one row per broken rule in
lake.meta.quarantined_statements; stg_xapi__statements leaves it out of every model until an
operator releases it (`leerstroom quarantine release`), and a voided one stays out for good.

- Screening and its commit happen under the lake's writer lock, and the run pins the snapshot that
  commit made: dbt reads exactly the screened statements, with their quarantine.
- A statement is screened once. A refused run never makes the next one refuse the same rows: they
  stay quarantined, and the share the gate judges (LEERSTROOM_QUALITY_QUARANTINE_MAX_SHARE) covers
  only statements screened since the last judged run (share_to_judge).
- A statement dated in the future (beyond LEERSTROOM_QUALITY_FUTURE_TOLERANCE_MINUTES after it was
  stored) counts not at all while quarantined. Released, it counts at the time it was stored: its
  own time has not happened yet. Its payload keeps its own timestamp.
- A released statement enters the metrics when it is released (stg_xapi__statements gives it that
  time as loaded_at), so incremental models pick it up like a late statement.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from leerstroom import lake
from leerstroom.settings import Settings
from transform.quality.checks import IDENTIFIED_ACTOR, IRI

log = logging.getLogger(__name__)

SUITE = "raw_quarantine"
RELEASED, VOIDED = "released", "voided"
# xAPI durations with designators (ingest.xapi.formats), without look-ahead: 'P' and a trailing 'T' are refused apart.
DURATION = r"P(\d+([.,]\d+)?W|(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+([.,]\d+)?S)?)?)"
NUMBER_TYPES = "('BIGINT', 'UBIGINT', 'DOUBLE')"


def _number_problem(part: str) -> str:
    return f"WHEN json_type(result, '$.score.{part}') NOT IN {NUMBER_TYPES} THEN 'result.score.{part} is not a number'"


def _score(part: str) -> str:
    return f"TRY_CAST(json_extract_string(result, '$.score.{part}') AS DOUBLE)"


# Each rule: (reason, what it means, SQL giving the statement id and a detail for each statement breaking it).
RULES: tuple[tuple[str, str, str], ...] = (
    (
        "timestamp_in_future",
        "timestamp further after the time it was stored than the tolerance",
        """
        SELECT statement_id,
               'timestamp ' || strftime(statement_timestamp, '%Y-%m-%dT%H:%M:%SZ') || ' is ' ||
               CASE WHEN ahead >= 2 * 86400 THEN round(ahead / 86400, 1) || ' days'
                    WHEN ahead >= 2 * 3600 THEN round(ahead / 3600, 1) || ' hours'
                    ELSE round(ahead / 60, 1) || ' minutes' END ||
               ' after it was stored (tolerance ' || $tolerance || ' minutes)'
        FROM (SELECT *, epoch(statement_timestamp) - epoch(stored_at) AS ahead FROM screened)
        WHERE ahead > $tolerance * 60
    """,
    ),
    (
        "verb_not_iri",
        "verb id is no IRI",
        f"""
        SELECT statement_id, 'verb id ' || verb_id || ' is no IRI' FROM screened
        WHERE NOT regexp_matches(verb_id, '{IRI}')
    """,
    ),
    (
        "actor_unidentified",
        "actor has no identifier a person can be counted by",
        f"""
        SELECT statement_id, 'the actor has no mbox, mbox_sha1sum, openid or account to count a person by'
        FROM screened WHERE NOT regexp_matches(actor_key, '{IDENTIFIED_ACTOR}')
    """,
    ),
    (
        "result_malformed",
        "result the metrics cannot read (score, success, completion, duration)",
        f"""
        SELECT statement_id, problem FROM (
            SELECT statement_id, CASE
                {_number_problem("scaled")} {_number_problem("raw")} {_number_problem("min")} {_number_problem("max")}
                WHEN {_score("scaled")} NOT BETWEEN -1 AND 1
                    THEN 'result.score.scaled ' || {_score("scaled")} || ' is outside -1 to 1'
                WHEN {_score("min")} >= {_score("max")}
                    THEN 'result.score.min ' || {_score("min")} || ' is not less than max ' || {_score("max")}
                WHEN {_score("raw")} < {_score("min")} OR {_score("raw")} > {_score("max")}
                    THEN 'result.score.raw ' || {_score("raw")} || ' is outside min to max'
                WHEN json_type(result, '$.success') <> 'BOOLEAN' THEN 'result.success is not true or false'
                WHEN json_type(result, '$.completion') <> 'BOOLEAN' THEN 'result.completion is not true or false'
                WHEN json_type(result, '$.duration') <> 'VARCHAR'
                     OR NOT regexp_full_match(json_extract_string(result, '$.duration'), '{DURATION}')
                     OR json_extract_string(result, '$.duration') = 'P'
                     OR ends_with(json_extract_string(result, '$.duration'), 'T')
                    THEN 'result.duration is no ISO 8601 duration'
            END AS problem
            FROM screened WHERE result IS NOT NULL
        ) WHERE problem IS NOT NULL
    """,
    ),
)
REASONS = {reason: words for reason, words, _ in RULES}


@dataclass
class Screening:
    """What one run's screening saw; `snapshot_id` is the lake snapshot the run must read."""

    run_id: str
    snapshot_id: int
    statements_screened: int = 0
    statements_quarantined: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)
    whole_table: bool = False
    first: bool = False  # no screening before: models built earlier may hold what it set aside

    def summary(self) -> str:
        if not self.statements_screened:
            return "quarantine: no new statements to screen"
        reasons = ", ".join(f"{reason} {count}" for reason, count in sorted(self.by_reason.items()))
        return f"quarantine: {self.statements_quarantined} of {self.statements_screened} new statements set aside" + (
            f" ({reasons}); `leerstroom quarantine list` shows them" if reasons else ""
        )

    def as_details(self) -> dict:
        return {
            "screened": self.statements_screened,
            "quarantined": self.statements_quarantined,
            "by_reason": self.by_reason,
            "whole_table": self.whole_table,
        }


def screen_new_statements(
    con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str, screened_at: datetime
) -> Screening:
    """Quarantine the problems among statements new since the last screening; returns the snapshot to read."""
    with lake.writer_lock(settings):
        newest = lake.current_snapshot(con)
        last = con.execute("SELECT max(to_snapshot_id) FROM lake.meta.quarantine_screenings").fetchone()[0]
        if last is not None and last >= newest:
            return Screening(run_id, newest)
        since = -1 if last is None else int(last)
        oldest = con.execute("SELECT min(snapshot_id) FROM lake.snapshots()").fetchone()[0]
        # No screening yet, or snapshots expired (maintenance, forget) past the last one: screen every statement.
        whole = last is None or since + 1 < oldest
        source = (
            "lake.raw.statements"
            if whole
            else (f"ducklake_table_insertions('{lake.LAKE}', 'raw', 'statements', {since + 1}, {newest})")
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE screened AS SELECT statement_id, verb_id, actor_key, "
            f"statement_timestamp, stored_at, json_extract(payload, '$.result') AS result FROM {source}"
        )
        try:
            screened = con.execute("SELECT count(*) FROM screened").fetchone()[0]
            if screened:  # commits since without statements (publishing, this very screening) need no record
                _find_problems(con, settings)
                _commit(con, run_id, screened_at, since + 1, newest, screened)
                by_reason = dict(con.execute("SELECT reason, count(*) FROM problems GROUP BY 1 ORDER BY 1").fetchall())
                quarantined = con.execute("SELECT count(DISTINCT statement_id) FROM problems").fetchone()[0]
            else:
                by_reason, quarantined = {}, 0
        finally:
            con.execute("DROP TABLE IF EXISTS screened")
            con.execute("DROP TABLE IF EXISTS problems")
        snapshot = lake.current_snapshot(con)
    result = Screening(run_id, snapshot, screened, quarantined, by_reason, whole, last is None)
    log.info("%s", result.summary())
    return result


def _find_problems(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Temp table `problems`: (statement id, reason, detail) per rule a screened statement breaks, if not known yet."""
    union = "\nUNION ALL\n".join(
        f"SELECT statement_id, '{reason}' AS reason, detail FROM ({sql}) AS found(statement_id, detail)"
        for reason, _, sql in RULES
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE problems AS
        SELECT DISTINCT problems.statement_id, problems.reason, problems.detail FROM ({union}) AS problems
        WHERE NOT EXISTS (SELECT 1 FROM lake.meta.quarantined_statements AS q
                          WHERE q.statement_id = problems.statement_id AND q.reason = problems.reason)
    """,
        {"tolerance": int(settings.quality_future_tolerance_minutes)},
    )


def _commit(
    con: duckdb.DuckDBPyConnection, run_id: str, at: datetime, from_snapshot: int, to_snapshot: int, screened: int
) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "INSERT INTO lake.meta.quarantined_statements (statement_id, reason, detail, run_id, "
            "quarantined_at) SELECT statement_id, reason, detail, ?, ? FROM problems",
            [run_id, at],
        )
        con.execute(
            "INSERT INTO lake.meta.quarantine_screenings SELECT ?, ?, ?, ?, ?, count(DISTINCT statement_id) "
            "FROM problems",
            [run_id, at, from_snapshot, to_snapshot, screened],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def share_to_judge(con: duckdb.DuckDBPyConnection, raw_snapshot: int) -> dict | None:
    """Statements screened, and quarantined, since the last run the gate judged; None when none were screened.

    Judged means: a run with a quarantine result in lake.meta.quality_results, certified or refused.
    """
    screened, quarantined, runs = con.execute(
        f"""
        WITH judged AS (
            SELECT max(runs.raw_snapshot_id) AS through FROM lake.meta.transform_runs AS runs
            WHERE EXISTS (SELECT 1 FROM lake.meta.quality_results AS q WHERE q.run_id = runs.run_id
                          AND q.suite = '{SUITE}')
        )
        SELECT coalesce(sum(statements_screened), 0), coalesce(sum(statements_quarantined), 0), list(run_id)
        FROM lake.meta.quarantine_screenings, judged
        WHERE to_snapshot_id > coalesce(judged.through, -1) AND to_snapshot_id <= ?
    """,
        [raw_snapshot],
    ).fetchone()
    if not screened:
        return None
    marks = ",".join("?" * len(runs))
    by_reason = dict(
        con.execute(
            f"SELECT reason, count(DISTINCT statement_id) FROM lake.meta.quarantined_statements "
            f"WHERE run_id IN ({marks}) GROUP BY reason ORDER BY reason",
            runs,
        ).fetchall()
    )
    return {
        "screened": int(screened),
        "quarantined": int(quarantined),
        "share": quarantined / screened,
        "by_reason": by_reason,
    }


def listing(
    con: duckdb.DuckDBPyConnection, *, reason: str | None = None, undecided_only: bool = True, limit: int | None = 50
) -> list[dict]:
    where, params = ["true"], []
    if undecided_only:
        where.append("decision IS NULL")
    if reason:
        where.append("reason = ?")
        params.append(reason)
    sql = (
        f"SELECT statement_id, reason, detail, quarantined_at, decision, decided_at, decision_note "
        f"FROM lake.meta.quarantined_statements WHERE {' AND '.join(where)} ORDER BY quarantined_at DESC, 1, 2"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    columns = ("statement_id", "reason", "detail", "quarantined_at", "decision", "decided_at", "decision_note")
    return [dict(zip(columns, row, strict=True)) for row in con.execute(sql, params).fetchall()]


def counts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int, object]]:
    """(reason, decision or 'set aside', statements, newest) for the health page."""
    return con.execute(
        "SELECT reason, coalesce(decision, 'set aside'), count(DISTINCT statement_id), "
        "max(quarantined_at) FROM lake.meta.quarantined_statements GROUP BY 1, 2 ORDER BY 1, 2"
    ).fetchall()


def decide(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    decision: str,
    *,
    statement_ids: Sequence[str] = (),
    reason: str | None = None,
    note: str = "",
    decided_at: datetime,
) -> int:
    """Release or void undecided rows (by statement id, or every one with a reason); returns the statements decided.

    A decision is final: a released statement that must leave the metrics again is voided at the LRS
    with an xAPI voiding statement, like any other.
    """
    if decision not in (RELEASED, VOIDED):
        raise ValueError(f"decision must be {RELEASED} or {VOIDED}, not {decision!r}")
    ids = [statement_id.lower() for statement_id in statement_ids]
    if not ids and not reason:
        return 0
    which = []
    params: list[object] = [decision, decided_at, note]
    if ids:
        which.append(f"lower(statement_id) IN ({','.join('?' * len(ids))})")
        params.extend(ids)
    if reason:
        which.append("reason = ?")
        params.append(reason)
    where = f"decision IS NULL AND ({' OR '.join(which)})"

    def update(c: duckdb.DuckDBPyConnection) -> int:
        decided = c.execute(
            f"SELECT count(DISTINCT statement_id) FROM lake.meta.quarantined_statements WHERE {where}", params[3:]
        ).fetchone()[0]
        c.execute(
            f"UPDATE lake.meta.quarantined_statements SET decision = ?, decided_at = ?, decision_note = ? "
            f"WHERE {where}",
            params,
        )
        return int(decided)

    return lake.write_transaction(con, update, settings=settings)
