"""`leerstroom briefing`: one month's briefing as a one-page PDF, from the last certified snapshot."""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path

from dashboards.briefing import BriefingError
from dashboards.briefing.build import make
from dashboards.briefing.figures import Snapshot
from leerstroom import lake
from leerstroom.errors import ConfigurationError
from leerstroom.settings import Settings

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_of(text: str) -> date:
    found = MONTH.match(text)
    if not found:
        raise BriefingError(f"--month {text!r}: write the month as YYYY-MM, e.g. 2026-10")
    return date(int(found.group(1)), int(found.group(2)), 1)


def certified(settings: Settings, snapshot_id: int | None = None) -> Snapshot:
    """The last certified snapshot (or the one asked for, when it was certified)."""
    rows = lake.read(
        settings,
        lambda con: con.execute(
            "SELECT certified_snapshot_id, finished_at, run_id FROM lake.meta.transform_runs "
            "WHERE status = 'certified' AND certified_snapshot_id IS NOT NULL ORDER BY certified_snapshot_id DESC"
        ).fetchall(),
    )
    runs = [Snapshot(int(s), at, str(run)) for s, at, run in rows]
    if not runs:
        raise ConfigurationError("nothing is certified yet: run `leerstroom transform` first")
    if snapshot_id is None:
        return runs[0]
    for run in runs:
        if run.snapshot_id == snapshot_id:
            return run
    raise BriefingError(
        f"snapshot {snapshot_id} was never certified; certified: {', '.join(str(run.snapshot_id) for run in runs[:10])}"
    )


def run(settings: Settings, args: argparse.Namespace) -> int:
    month = month_of(args.month)
    snapshot = certified(settings, args.snapshot)
    con = lake.connect(settings, snapshot=snapshot.snapshot_id)
    try:
        made = make(settings, con, snapshot, month=month, unit=args.unit, language=args.lang)
    finally:
        con.close()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(made.pdf)
    print(
        f"wrote {out}: the {args.lang} briefing of {made.briefing.unit_name} for {month:%Y-%m} "
        f"from certified snapshot {snapshot.snapshot_id}"
    )
    return 0
