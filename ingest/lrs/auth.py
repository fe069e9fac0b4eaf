"""HTTP Basic authentication against the stored credentials, the authority it gives statements, failed sign-ins."""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Callable

from ingest.lrs import credentials
from ingest.lrs.credentials import Credential, Verdict
from ingest.lrs.store import LrsStore
from leerstroom.failure_window import FailureWindow

REALM = 'Basic realm="Leerstroom LRS", charset="UTF-8"'


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(key, secret) from an Authorization header, or None when it is absent or not Basic."""
    if not header:
        return None
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    key, separator, secret = decoded.partition(":")
    if not separator:
        return None
    return key, secret


def authenticate(store: LrsStore, header: str | None) -> Verdict:
    pair = basic_credentials(header)
    if pair is None:
        reason = "no Authorization header" if not header else "Authorization header is not HTTP Basic key:secret"
        return Verdict(None, None, reason)
    return credentials.check(store, *pair)


def authority_for(credential: Credential, base_url: str) -> dict:
    """The Agent asserting statements sent with this credential: an account on this LRS."""
    return {"objectType": "Agent", "account": {"homePage": base_url, "name": credential.name}}


class SignInThrottle:
    """Counts failed sign-ins per key and per client address (leerstroom/failure_window.py), and blocks past the limit.

    Once `limit` failures of one key, or of one address, fall within `window` seconds, requests of
    that key (or from that address) get 429 until the oldest failure leaves the window. With
    `key_per_address` (the LRS) a key is counted per client address instead: whoever knows a tool's
    key cannot lock the tool out from its own address by guessing from theirs. Guessing one key from
    many addresses is then bounded per address, and a secret of 32 random bytes is not guessed that way.
    """

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic, *, key_per_address: bool = False
    ) -> None:
        self.failures = FailureWindow(limit, window, clock)
        self.key_per_address = key_per_address

    def subjects(self, key: str | None, address: str | None) -> list[str]:
        if key is None:
            keyed = ""
        elif self.key_per_address:
            keyed = f"key:{key}\nfrom:{address or ''}"
        else:
            keyed = f"key:{key}"
        return [subject for subject in (keyed, f"address:{address}" if address else "") if subject]

    def retry_after(self, key: str | None, address: str | None) -> int | None:
        """Seconds to wait when the key or address is blocked, else None."""
        return self.failures.retry_after(self.subjects(key, address))

    def failed(self, key: str | None, address: str | None) -> None:
        self.failures.failed(self.subjects(key, address))
