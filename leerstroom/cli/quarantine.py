"""`leerstroom quarantine list|show|release|void`: the statements the quality step set aside, and the operator's call.

Released statements count in the metrics from the next transform; voided ones stay out for good.
Either way the raw statement stays in the lake, unchanged.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone

from leerstroom import lake
from leerstroom.settings import Settings
from transform.quality import quarantine


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.action in ("release", "void"):
        return _decide(settings, args)
    con = lake.connect(settings, read_only=True)
    try:
        if args.action == "show":
            return _show(con, args.statement_id)
        found = quarantine.listing(con, reason=args.reason, undecided_only=not args.all, limit=args.limit)
        undecided = con.execute(
            "SELECT count(DISTINCT statement_id) FROM lake.meta.quarantined_statements WHERE decision IS NULL"
        ).fetchone()[0]
    finally:
        con.close()
    for row in found:
        decided = (
            f"{row['decision']} {row['decided_at']:%Y-%m-%d %H:%M} {row['decision_note'] or ''}".rstrip()
            if row["decision"]
            else "set aside"
        )
        print(
            "\t".join(
                [row["statement_id"], row["reason"], f"{row['quarantined_at']:%Y-%m-%d %H:%M}", decided, row["detail"]]
            )
        )
    print(
        f"{len(found)} shown (newest first, at most {args.limit}); {undecided} statements set aside and undecided. "
        "`leerstroom quarantine release|void STATEMENT_ID... | --reason REASON` decides.",
        file=sys.stderr,
    )
    return 0


def _show(con, statement_id: str) -> int:
    reasons = con.execute(
        "SELECT reason, detail, quarantined_at, decision, decided_at, decision_note FROM "
        "lake.meta.quarantined_statements WHERE lower(statement_id) = lower(?)",
        [statement_id],
    ).fetchall()
    if not reasons:
        print(f"statement {statement_id} is not in quarantine", file=sys.stderr)
        return 1
    row = con.execute(
        "SELECT payload, stored_at FROM lake.raw.statements WHERE lower(statement_id) = lower(?) LIMIT 1",
        [statement_id],
    ).fetchone()
    print(
        json.dumps(
            {
                "statement_id": statement_id,
                "quarantine": [
                    dict(zip(("reason", "detail", "quarantined_at", "decision", "decided_at", "note"), r, strict=True))
                    for r in reasons
                ],
                "stored_at": row[1] if row else None,
                "statement": json.loads(row[0]) if row else None,
            },
            indent=2,
            default=str,
            ensure_ascii=False,
        )
    )
    return 0


def _decide(settings: Settings, args: argparse.Namespace) -> int:
    if not args.statement_ids and not args.reason:
        print("name statement ids, or --reason REASON for every undecided one with that reason", file=sys.stderr)
        return 2
    if args.reason and args.reason not in quarantine.REASONS:
        print(f"unknown reason {args.reason!r}; reasons: {', '.join(quarantine.REASONS)}", file=sys.stderr)
        return 2
    decision = quarantine.RELEASED if args.action == "release" else quarantine.VOIDED
    con = lake.connect(settings)
    try:
        decided = quarantine.decide(
            con,
            settings,
            decision,
            statement_ids=args.statement_ids,
            reason=args.reason,
            note=args.note,
            decided_at=datetime.now(timezone.utc),
        )
    finally:
        con.close()
    effect = (
        "they count in the metrics once the next transform certifies (`leerstroom transform`, or wait for the schedule)"
        if decision == quarantine.RELEASED
        else "they stay out of the metrics"
    )
    print(f"{decision} {decided} statement(s); {effect}")
    return 0 if decided else 1
