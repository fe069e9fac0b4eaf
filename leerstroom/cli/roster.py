"""`leerstroom roster import FILE.csv [--mapping map.yml]`: load an HRIS export as a new roster version."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest.roster import RosterInvalid, import_roster, load_mapping
from leerstroom.settings import Settings


def run(settings: Settings, args: argparse.Namespace) -> int:
    mapping = load_mapping(Path(args.mapping) if args.mapping else None)
    try:
        summary = import_roster(settings, Path(args.file), mapping)
    except RosterInvalid as err:
        print(str(err), file=sys.stderr)
        return 1
    print(
        f"roster import {summary.import_id}: {summary.employees} employees, {summary.identities} xAPI identities "
        f"from {summary.source_file}"
        + (
            f"; {summary.left_out_erased} employees left out: erased at their request (leerstroom forget)"
            if summary.left_out_erased
            else ""
        )
    )
    return 0
