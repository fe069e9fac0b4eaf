"""The list of forgotten people: keyed digests of their actor keys, so statements about them are refused and dropped.

The list holds HMAC-SHA256 digests, never the identities: after `leerstroom forget` nothing
under the data folder names the person, not even the list that remembers to drop them.
The HMAC key lives apart from the list, in its own file (settings.forget_list_key_path,
0600), so whoever holds a copy of the list alone cannot test an address against it.
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
from leerstroom.errors import ConfigurationError
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

FORMAT = 2  # 1 kept the salt in the list itself


def list_path(settings: Settings) -> Path:
    return settings.data_dir / "privacy" / "forgotten.json"


class ForgetListKeyMissing(ConfigurationError):
    """The list holds digests but its key file is not where the settings say."""


class ForgetList:
    """Keyed digests of forgotten actor keys, reloaded when the file changes."""

    def __init__(self, settings: Settings) -> None:
        self.path = list_path(settings)
        self.key_path = settings.forget_list_key_path
        # Key and digests change together: LRS threads read them while another thread refreshes.
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
        digests = frozenset(data["digests"])
        self._seen = seen
        if "salt" in data:
            key = self._move_salt_to_key_file(bytes.fromhex(data["salt"]), digests)
        else:
            key = self._read_key() if digests else b""
        self._list = (key, digests)

    def __len__(self) -> int:
        return len(self._list[1])

    def about(self, document: Any, key: str | None = None) -> bool:
        """Whether a statement or document event is about a forgotten person: the LRS refuses it, the sink drops it.

        About means: its key (the statement's actor, a document's agent) or any identified
        Agent or Group anywhere in the JSON (actor, object, instructor, team, member,
        sub-statement, authority) is on the list.
        """
        secret, digests = self._list
        if not digests:
            return False
        keys = agent_keys(document)
        if key:
            keys.add(key)
        return any(_digest(secret, each) in digests for each in keys)

    def add(self, plain_key: str) -> None:
        """Remember to refuse and drop `plain_key`'s statements from now on; written atomically."""
        self.refresh()
        key, digests = self._list
        key = key or self._read_key(create=True)
        digests = digests | {_digest(key, plain_key)}
        self._write(digests)
        self._list = (key, digests)
        log.info("forget list now holds %d people", len(digests))

    def _write(self, digests: frozenset[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        _write_private(tmp, json.dumps({"format": FORMAT, "digests": sorted(digests)}).encode(), exclusive=False)
        os.replace(tmp, self.path)
        status = self.path.stat()
        self._seen = (status.st_ino, status.st_mtime_ns, status.st_size)

    def _read_key(self, *, create: bool = False) -> bytes:
        try:
            return bytes.fromhex(self.key_path.read_text().strip())
        except FileNotFoundError:
            if not create:
                raise ForgetListKeyMissing(
                    f"the forget list {self.path} holds people but its key file {self.key_path} is missing; "
                    "restore it (LEERSTROOM_FORGET_LIST_KEY_FILE says where it is)"
                ) from None
        return self._create_key(secrets.token_bytes(32))

    def _create_key(self, key: bytes) -> bytes:
        """Write the key file unless another process just did; return the key that is now in it."""
        self.key_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            _write_private(self.key_path, key.hex().encode() + b"\n", exclusive=True)
            log.info("created the forget list's key file %s", self.key_path)
            return key
        except FileExistsError:
            return bytes.fromhex(self.key_path.read_text().strip())

    def _move_salt_to_key_file(self, salt: bytes, digests: frozenset[str]) -> bytes:
        """A list of format 1 kept its salt inside: the salt becomes the key file, and the list loses it."""
        key = self._create_key(salt)
        if key != salt:
            # A key file exists already with another key: the old digests only match under the salt, so keep it.
            log.error(
                "the forget list %s keeps its salt beside its digests, and the key file %s holds another key; "
                "left as it is",
                self.path,
                self.key_path,
            )
            return salt
        self._write(digests)
        log.info("moved the forget list's salt to its key file %s", self.key_path)
        return key


def _write_private(path: Path, content: bytes, *, exclusive: bool) -> None:
    """Write a file only its owner can read, whatever the process's umask."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    descriptor = os.open(path, flags, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())


def _digest(key: bytes, plain_key: str) -> str:
    return hmac.new(key, plain_key.encode(), hashlib.sha256).hexdigest()
