"""Dashboard users and their roles: a JSON file in the data folder, passwords kept only as scrypt hashes.

The file lives under the data folder (never in the repository) and is managed with
`leerstroom users`. Users who sign in through the organisation's identity provider
(OIDC) are listed here too, by e-mail and without a password, so that their role is
decided here and not by whoever controls the identity provider's claims.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from dashboards.roles import ROLES
from leerstroom.errors import ConfigurationError, TerminalError
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

USERS_FILE = "dashboard-users.json"
NAME_RULE = re.compile(r"^[A-Za-z0-9._@+-]{2,100}$")
MIN_PASSWORD = 10
# scrypt at n=2**14, r=8 costs about 16 MB and tens of milliseconds: cheap for one sign-in, dear for guessing.
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class UserError(TerminalError):
    """A user cannot be added or changed as asked; the message says which rule was broken."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str | None = None  # None: signs in only through the identity provider


def users_file(settings: Settings) -> Path:
    return settings.data_dir / USERS_FILE


def hash_password(
    password: str, *, salt: bytes | None = None, n: int = SCRYPT["n"], r: int = SCRYPT["r"], p: int = SCRYPT["p"]
) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    encode = base64.b64encode
    return f"scrypt${n}${r}${p}${encode(salt).decode()}${encode(digest).decode()}"


def password_matches(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hash_password(password, salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p))
    except ValueError:
        log.warning("a stored password hash is malformed; the sign-in is refused")
        return False
    return hmac.compare_digest(candidate.rsplit("$", 1)[1], digest)


def load(settings: Settings) -> dict[str, User]:
    path = users_file(settings)
    if not path.exists():
        return {}
    try:
        rows = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise ConfigurationError(f"dashboard users file {path} cannot be read: {err}") from err
    return {row["name"]: User(row["name"], row["role"], row.get("password_hash")) for row in rows.get("users", [])}


def _save(settings: Settings, users: dict[str, User]) -> None:
    path = users_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    # Written owner-only and swapped in whole, so a crash never leaves half a file of hashes.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"users": [asdict(user) for user in sorted(users.values(), key=lambda u: u.name)]}, fh, indent=2)
    os.replace(temporary, path)


def add(settings: Settings, name: str, role: str, password: str | None) -> User:
    """Add or replace a user. Without a password the user can only sign in through OIDC (name = e-mail)."""
    if not NAME_RULE.match(name):
        raise UserError(f"name {name!r}: use 2-100 letters, digits or . _ @ + -")
    if role not in ROLES:
        raise UserError(f"role {role!r}: must be one of {', '.join(ROLES)}")
    if password is not None and len(password) < MIN_PASSWORD:
        raise UserError(f"password: must be at least {MIN_PASSWORD} characters")
    users = load(settings)
    user = User(name, role, hash_password(password) if password is not None else None)
    users[name] = user
    _save(settings, users)
    log.info("dashboard user %s saved with role %s", name, role)
    return user


def remove(settings: Settings, name: str) -> bool:
    users = load(settings)
    if users.pop(name, None) is None:
        return False
    _save(settings, users)
    return True


# Checked against when the name has no password (unknown, or identity-provider only), so that every sign-in costs
# exactly one scrypt and its time does not tell names apart. A hash of nothing anyone can sign in with.
_DECOY = hash_password(secrets.token_urlsafe(32))


def authenticate(settings: Settings, name: str, password: str) -> User | None:
    user = load(settings).get(name.strip())
    has_password = user is not None and user.password_hash is not None
    matches = password_matches(password, user.password_hash if has_password else _DECOY)
    return user if has_password and matches else None


def role_of_identity(settings: Settings, email: str | None) -> User | None:
    """The listed user an identity provider's verified e-mail belongs to, if any."""
    if not email:
        return None
    # E-mail addresses are compared without regard to case: providers and operators write them differently.
    wanted = email.strip().lower()
    return next((user for name, user in load(settings).items() if name.lower() == wanted), None)
