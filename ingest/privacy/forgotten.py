"""The list of forgotten people: digests of their actor keys, so late statements about them can be dropped.

The list holds keyed digests, never the identities: after `leerstroom forget` nothing
under the data folder names the person, not even the list that remembers to drop them.
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
        self._salt = b""
        self._digests: frozenset[str] = frozenset()
        self._seen: float | None = None
        self.refresh()

    def refresh(self) -> None:
        try:
            changed = self.path.stat().st_mtime
        except FileNotFoundError:
            return
        if changed == self._seen:
            return
        data = json.loads(self.path.read_text())
        self._salt = bytes.fromhex(data["salt"])
        self._digests = frozenset(data["digests"])
        self._seen = changed

    def __len__(self) -> int:
        return len(self._digests)

    def _digest(self, plain_key: str) -> str:
        return hmac.new(self._salt, plain_key.encode(), hashlib.sha256).hexdigest()

    def is_forgotten(self, plain_key: str) -> bool:
        return bool(self._digests) and self._digest(plain_key) in self._digests

    def concerns(self, document: Any) -> bool:
        """True when any identified agent anywhere in the document is a forgotten person."""
        return bool(self._digests) and any(self.is_forgotten(k) for k in agent_keys(document))

    def add(self, plain_key: str) -> None:
        """Remember to drop `plain_key`'s statements from now on; written atomically."""
        self.refresh()
        salt = self._salt or secrets.token_bytes(32)
        self._salt = salt
        digests = set(self._digests) | {self._digest(plain_key)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"salt": salt.hex(), "digests": sorted(digests)}))
        os.replace(tmp, self.path)
        self._digests = frozenset(digests)
        self._seen = self.path.stat().st_mtime
        log.info("forget list now holds %d people", len(digests))
