"""Credentials learning tools use for HTTP Basic auth: a key, a random secret shown once, a SHA-256 digest kept.

Secrets are high-entropy random tokens, so a fast digest is as safe as a slow password
hash here, and it costs microseconds per request instead of a core's worth of bcrypt.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timezone
from typing import NamedTuple

import orjson

from ingest.lrs import scopes as scope_rules
from ingest.lrs.exceptions import BadRequest, CredentialExists, UnknownCredential
from ingest.lrs.store import LrsStore
from leerstroom.settings import Settings

DEFAULT_SCOPES = ("all",)


class Credential(NamedTuple):
    name: str
    key: str
    secret: str | None
    scopes: tuple[str, ...]
    revoked_at: str | None = None


class Verdict(NamedTuple):
    """The outcome of checking a key and secret: the credential, or the name it was refused under and why."""

    credential: Credential | None
    refused_name: str | None
    reason: str


def token(nbytes: int) -> str:
    """A random URL-safe token that does not start with "-", so it never reads as a command-line option."""
    while True:
        value = secrets.token_urlsafe(nbytes)
        if not value.startswith("-"):
            return value


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def open_store(store_or_settings: LrsStore | Settings) -> LrsStore:
    if isinstance(store_or_settings, LrsStore):
        return store_or_settings
    return LrsStore(store_or_settings)


def add(store_or_settings: LrsStore | Settings, name: str, scopes: list[str] | None = None) -> Credential:
    """Create a credential; the returned secret is the only copy there will ever be."""
    if not name.strip():
        raise BadRequest("name", "must name the tool that will use the credential")
    store = open_store(store_or_settings)
    granted = tuple(scopes) if scopes else DEFAULT_SCOPES
    try:
        scope_rules.check_known(list(granted))
    except ValueError as err:
        raise BadRequest("scope", str(err)) from err
    credential = Credential(name, token(18), token(32), granted)
    with store.transaction() as db:
        if db.execute("SELECT 1 FROM credentials WHERE name = ?", (name,)).fetchone():
            raise CredentialExists(f"a credential named {name!r} exists already; pick another name")
        db.execute(
            "INSERT INTO credentials (key, name, secret_sha256, scopes, created_at) VALUES (?, ?, ?, ?, ?)",
            (
                credential.key,
                name,
                digest(credential.secret),
                orjson.dumps(list(granted)).decode(),
                datetime.now(timezone.utc).isoformat(),
            ),
        )
    return credential


def list_credentials(store_or_settings: LrsStore | Settings) -> list[Credential]:
    """Every credential, revoked ones included, without secrets (the store does not have them)."""
    store = open_store(store_or_settings)
    rows = store.read("SELECT name, key, scopes, revoked_at FROM credentials ORDER BY created_at, name")
    return [Credential(name, key, None, tuple(orjson.loads(scopes)), revoked) for name, key, scopes, revoked in rows]


def rotate(store_or_settings: LrsStore | Settings, name: str) -> Credential:
    """A new secret for the same key and scopes; the old secret stops working at once."""
    store = open_store(store_or_settings)
    secret = token(32)
    with store.transaction() as db:
        row = db.execute(
            "SELECT key, scopes FROM credentials WHERE name = ? AND revoked_at IS NULL", (name,)
        ).fetchone()
        if row is None:
            raise UnknownCredential(f"no active credential named {name!r}")
        db.execute("UPDATE credentials SET secret_sha256 = ? WHERE name = ?", (digest(secret), name))
    return Credential(name, row[0], secret, tuple(orjson.loads(row[1])))


def revoke(store_or_settings: LrsStore | Settings, name: str) -> Credential:
    """Refuse the credential from now on (401); statements it stored stay, with their authority."""
    store = open_store(store_or_settings)
    now = datetime.now(timezone.utc).isoformat()
    with store.transaction() as db:
        row = db.execute("SELECT key, scopes, revoked_at FROM credentials WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise UnknownCredential(f"no credential named {name!r}")
        if row[2] is None:
            db.execute("UPDATE credentials SET revoked_at = ? WHERE name = ?", (now, name))
    return Credential(name, row[0], None, tuple(orjson.loads(row[1])), row[2] or now)


def check(store_or_settings: LrsStore | Settings, key: str, secret: str) -> Verdict:
    store = open_store(store_or_settings)
    row = store.read_one("SELECT name, secret_sha256, scopes, revoked_at FROM credentials WHERE key = ?", (key,))
    if row is None:
        # Spend the same time as a real comparison, so timing does not reveal which keys exist.
        hmac.compare_digest(digest(secret), digest(key))
        return Verdict(None, None, "unknown key")
    name, expected, scopes, revoked_at = row
    if not hmac.compare_digest(digest(secret), expected):
        return Verdict(None, name, "wrong secret for this key (rotated or mistyped?)")
    if revoked_at is not None:
        return Verdict(None, name, f"credential revoked at {revoked_at}")
    return Verdict(Credential(name, key, None, tuple(orjson.loads(scopes))), None, "")
