"""Logging set-up for Leerstroom's processes: one line per event, to stderr."""

from __future__ import annotations

import logging
import os


def configure(level: str | None = None) -> None:
    logging.basicConfig(
        level=(level or os.environ.get("LEERSTROOM_LOG_LEVEL", "INFO")).upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # kafka-python logs every reconnect at WARNING/ERROR; a down broker is reported by our own code.
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
