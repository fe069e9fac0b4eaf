"""Keyed pseudonyms for actor identities: HMAC-SHA256 under LEERSTROOM_PSEUDONYMISATION_KEY.

The same identity always gets the same pseudonym under one key, so counts, joins with
the roster and per-person metrics still work, while the lake holds no e-mail address or
account name. Without the key nobody can recompute a pseudonym from a guessed address.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from typing import Any

from ingest.xapi.identity import IFI_PROPERTIES, actor_key
from leerstroom.settings import Settings

PSEUDONYM_HOME = "urn:leerstroom:pseudonym"
# Properties of an Agent or Group that identify or describe a person; all are replaced.
PERSONAL = (*IFI_PROPERTIES, "name")


def digest(identity: str, key: str) -> str:
    return hmac.new(key.encode(), identity.encode(), hashlib.sha256).hexdigest()


def pseudonymous_key(plain_key: str, key: str) -> str:
    """The actor key of the pseudonymous agent that stands in for `plain_key`'s person."""
    return f"account:{PSEUDONYM_HOME}::{digest(plain_key, key)}"


def roster_actor_key(plain_key: str, settings: Settings) -> str:
    """The actor key to store for a roster identity: hashed exactly as the sink hashes statements, so joins hold."""
    return pseudonymous_key(plain_key, settings.pseudonymisation_key) if settings.pseudonymisation_key else plain_key


def is_agent(value: Any) -> bool:
    return isinstance(value, dict) and any(
        (name in value and (name != "account" or isinstance(value[name], dict))) for name in IFI_PROPERTIES
    )


def agent_keys(document: Any) -> set[str]:
    """The actor keys of every identified Agent or Group anywhere in a JSON document."""
    found: set[str] = set()
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if is_agent(value):
                with contextlib.suppress(ValueError):  # not a well-formed identity; nothing to match it against
                    found.add(actor_key(value))
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


def pseudonymise(document: Any, key: str) -> Any:
    """A copy of `document` with every identified Agent or Group replaced by its pseudonymous account."""
    if isinstance(document, list):
        return [pseudonymise(item, key) for item in document]
    if not isinstance(document, dict):
        return document
    if is_agent(document):
        try:
            plain = actor_key(document)
        except ValueError:
            plain = None
        if plain is not None:
            replaced = {k: pseudonymise(v, key) for k, v in document.items() if k not in PERSONAL}
            replaced["account"] = {"homePage": PSEUDONYM_HOME, "name": digest(plain, key)}
            return replaced
    return {k: pseudonymise(v, key) for k, v in document.items()}
