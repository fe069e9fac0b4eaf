"""HTTP Basic authentication against the stored credentials, and the authority it gives each statement."""

from __future__ import annotations

import base64
import binascii

from ingest.lrs import credentials
from ingest.lrs.credentials import Credential, Verdict
from ingest.lrs.store import LrsStore

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
