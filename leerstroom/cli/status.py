"""`leerstroom status`: where statements are right now, as JSON an operator or a script can read."""

from __future__ import annotations

import json
import sys

from ingest import status
from leerstroom.settings import Settings


def run(settings: Settings) -> int:
    json.dump(status.collect(settings), sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")
    return 0
