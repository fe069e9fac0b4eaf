"""A stand-in for the sink's writes in a separate process: append statements to the lake in a loop until told to stop.

Run as `python -m tests.transform.appender <data_dir> <stop_file> <report_file>`; the report
holds how many commits it made and the errors it met (none expected).
"""

from __future__ import annotations

import json
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

from leerstroom.settings import Settings
from tests.transform.lake_rows import append_raw

BATCH = 20


def statement(number: int) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": f"mailto:appender-{number % 5}@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"objectType": "Activity", "id": f"http://example.org/appender/{number}"},
        "stored": datetime.now(timezone.utc).isoformat(),
    }


def main(data_dir: str, stop_file: str, report_file: str) -> int:
    settings = Settings(data_dir=Path(data_dir))
    commits, appended, errors = 0, 0, []
    while not Path(stop_file).exists():
        batch = [statement(appended + n) for n in range(BATCH)]
        try:
            append_raw(settings, batch, first_offset=10_000_000 + appended)
        except Exception as err:  # noqa: BLE001 - every failure is reported to the test, which fails on any
            errors.append(f"{type(err).__name__}: {err}")
        else:
            commits += 1
            appended += len(batch)
    Path(report_file).write_text(json.dumps({"commits": commits, "appended": appended, "errors": errors}))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
