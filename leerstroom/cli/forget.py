"""`leerstroom forget ACTOR`: erase one person from every store under the data folder (the right to erasure)."""

from __future__ import annotations

import argparse
import json
import sys

from leerstroom.settings import Settings


def run(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.erasure import forget

    report = forget(settings, args.actor)
    print(json.dumps({"removed": report.removed, "remaining": report.remaining}, indent=2))
    if report.remaining:
        print(
            "these files under the data folder still name the person and must be cleaned by hand: "
            + ", ".join(report.remaining),
            file=sys.stderr,
        )
    if args.no_transform:
        print("dashboards show no certified snapshot until the next `leerstroom transform`")
        return 1 if report.remaining else 0
    from transform.runner import run_transform, summary

    # Older snapshots are gone, certified ones included: certify the cleaned lake so dashboards have data again.
    result = run_transform(settings)
    print(summary(result))
    return 0 if result.certified and not report.remaining else 1
