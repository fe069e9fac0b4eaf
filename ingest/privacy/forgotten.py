"""The list of forgotten people: digests of their actor keys, so statements about them are refused and dropped.

The list holds keyed digests, never the identities: after `leerstroom forget` nothing
under the data folder names the person, not even the list that remembers to drop them.
`forget` runs as its own process while the LRS and the sink keep running; each of them
notices a new list by a stat of the file and reads it only when it changed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from pathlib import Path
from typing import Any

from ingest.privacy.pseudonyms import agent_keys
from leerstroom.settings import Settings

log = logging.getLogger(__name__)


def list_path(settings: Settings) -> Path:
    return settings.data_dir / "privacy" / "forgotten.json"


class ForgetList:
    """Keyed digests of forgotten actor keys, reloaded when the file changes."""

    def __init__(self, settings: Settings) -> None:
        self.path = list_path(settings)
        # Salt and digests change together: LRS threads read them while another thread refreshes.
        self._list: tuple[bytes, frozenset[str]] = (b"", frozenset())
        self._seen: tuple[int, int, int] | None = None
        self.refresh()

    def refresh(self) -> None:
        """Read the file again if it changed since the last read; one stat when it did not."""
        try:
            status = self.path.stat()
        except FileNotFoundError:
            return
        # `add` replaces the file, so its inode changes even when two writes share one mtime tick.
        seen = (status.st_ino, status.st_mtime_ns, status.st_size)
        if seen == self._seen:
            return
        data = json.loads(self.path.read_text())
        self._list = (bytes.fromhex(data["salt"]), frozenset(data["digests"]))
        self._seen = seen

    def __len__(self) -> int:
        return len(self._list[1])

    def is_forgotten(self, plain_key: str) -> bool:
        salt, digests = self._list
        return bool(digests) and _digest(salt, plain_key) in digests

    def about(self, document: Any, key: str | None = None) -> bool:
        """Whether a statement or document event is about a forgotten person: the LRS refuses it, the sink drops it.

        About means: its key (the statement's actor, a document's agent) or any identified
        Agent or Group anywhere in the JSON (actor, object, instructor, team, member,
        sub-statement, authority) is on the list.
        """
        salt, digests = self._list
        if not digests:
            return False
        keys = agent_keys(document)
        if key:
            keys.add(key)
        return any(_digest(salt, each) in digests for each in keys)

    def add(self, plain_key: str) -> None:
        """Remember to refuse and drop `plain_key`'s statements from now on; written atomically."""
        self.refresh()
        salt, digests = self._list
        salt = salt or secrets.token_bytes(32)
        digests = digests | {_digest(salt, plain_key)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"salt": salt.hex(), "digests": sorted(digests)}))
        os.replace(tmp, self.path)
        self._list = (salt, digests)
        status = self.path.stat()
        self._seen = (status.st_ino, status.st_mtime_ns, status.st_size)
        log.info("forget list now holds %d people", len(digests))


def _digest(salt: bytes, plain_key: str) -> str:
    return hmac.new(salt, plain_key.encode(), hashlib.sha256).hexdigest()
