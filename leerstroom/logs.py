"""Logging set-up for Leerstroom's processes: one line per event, to stderr, that no field can break or forge."""

from __future__ import annotations

import logging
import os
import re

# C0 and C1 control characters, DEL, and Unicode's line and paragraph separators: anything a reader or a log
# shipper could take for the end of a line, or a terminal for a command.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape(text: str) -> str:
    """`text` on one line: every control character written as a visible escape (\\n, \\x1b, \\u2028)."""
    return UNPRINTABLE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


class OneLineFormatter(logging.Formatter):
    """Escapes the message after its %-arguments are filled in, so a newline in a request field (a credential key,
    a path) cannot start a forged log line. A traceback, added after the message, keeps its lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape(record.message)
        return super().formatMessage(record)


def configure(level: str | None = None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=(level or os.environ.get("LEERSTROOM_LOG_LEVEL", "INFO")).upper(), handlers=[handler])
    # kafka-python logs every reconnect at WARNING/ERROR; a down broker is reported by our own code.
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
