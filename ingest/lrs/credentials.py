"""Credentials learning tools use for HTTP Basic auth: a key, a random secret shown once, a SHA-256 digest kept.

Secrets are high-entropy random tokens, so a fast digest is as safe as a slow password
hash here, and it costs microseconds per request instead of a core's worth of bcrypt.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from datetime import datetime, timezone
from typing import NamedTuple

import orjson

from ingest.lrs.exceptions import BadRequest, CredentialExists, StoreUnavailable
from ingest.lrs.store import LrsStore
from leerstroom.settings import Settings

DEFAULT_SCOPES = ("all",)


class Credential(NamedTuple):
    name: str
    key: str
    secret: str | None
    scopes: tuple[str, ...]


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def open_store(store_or_settings: LrsStore | Settings) -> LrsStore:
    if isinstance(store_or_settings, LrsStore):
        return store_or_settings
    return LrsStore(store_or_settings.lrs_db)


def add(store_or_settings: LrsStore | Settings, name: str, scopes: list[str] | None = None) -> Credential:
    """Create a credential; the returned secret is the only copy there will ever be."""
    if not name.strip():
        raise BadRequest("name", "must name the tool that will use the credential")
    store = open_store(store_or_settings)
    granted = tuple(scopes) if scopes else DEFAULT_SCOPES
    credential = Credential(name, secrets.token_urlsafe(18), secrets.token_urlsafe(32), granted)
    with store.transaction() as db:
        if db.execute("SELECT 1 FROM credentials WHERE name = ?", (name,)).fetchone():
            raise CredentialExists(f"a credential named {name!r} exists already; pick another name")
        db.execute(
            "INSERT INTO credentials (key, name, secret_sha256, scopes, created_at) VALUES (?, ?, ?, ?, ?)",
            (credential.key, name, digest(credential.secret), orjson.dumps(list(granted)).decode(),
             datetime.now(timezone.utc).isoformat()),
        )
    return credential


def list_credentials(store_or_settings: LrsStore | Settings) -> list[Credential]:
    """Every credential, without secrets (the store does not have them)."""
    store = open_store(store_or_settings)
    try:
        rows = store.reader().execute("SELECT name, key, scopes FROM credentials ORDER BY created_at, name").fetchall()
    except sqlite3.Error as err:
        raise StoreUnavailable(f"LRS store {store.path} cannot be read: {err}") from err
    return [Credential(name, key, None, tuple(orjson.loads(scopes))) for name, key, scopes in rows]


def verify(store_or_settings: LrsStore | Settings, key: str, secret: str) -> Credential | None:
    """The credential for this key if the secret matches its digest, else None."""
    store = open_store(store_or_settings)
    try:
        row = store.reader().execute(
            "SELECT name, secret_sha256, scopes FROM credentials WHERE key = ?", (key,)
        ).fetchone()
    except sqlite3.Error as err:
        raise StoreUnavailable(f"LRS store {store.path} cannot be read: {err}") from err
    if row is None:
        # Spend the same time as a real comparison, so timing does not reveal which keys exist.
        hmac.compare_digest(digest(secret), digest(key))
        return None
    name, expected, scopes = row
    if not hmac.compare_digest(digest(secret), expected):
        return None
    return Credential(name, key, None, tuple(orjson.loads(scopes)))
