"""Stable keys for xAPI actors: Kafka messages are keyed by actor so each learner's events stay ordered."""

from __future__ import annotations

import hashlib
from typing import Any

IFI_PROPERTIES = ("mbox", "mbox_sha1sum", "openid", "account")


def actor_key(actor: Any) -> str:
    """The inverse functional identifier of an Agent or identified Group as one string.

    Anonymous Groups have no identifier; they are keyed by a digest of their members,
    so the same anonymous group always lands on the same partition.
    """
    if not isinstance(actor, dict):
        raise ValueError("actor must be an object")
    for prop in IFI_PROPERTIES:
        value = actor.get(prop)
        if value is None:
            continue
        if prop == "account":
            if not isinstance(value, dict):
                raise ValueError("actor.account must be an object")
            return f"account:{value.get('homePage', '')}::{value.get('name', '')}"
        return f"{prop}:{value}"
    members = actor.get("member")
    if actor.get("objectType") == "Group" and isinstance(members, list):
        keys = sorted(actor_key(m) for m in members)
        return "group:" + hashlib.sha1("\n".join(keys).encode()).hexdigest()
    raise ValueError("actor has no inverse functional identifier (mbox, mbox_sha1sum, openid or account)")
