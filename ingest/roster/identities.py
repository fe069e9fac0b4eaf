"""Roster identity strings → the lake's actor keys, exactly as ingest.xapi.identity.actor_key spells them."""

from __future__ import annotations

import re

from ingest.xapi.identity import actor_key

SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
MAILTO = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
IRI = re.compile(r"^https?://\S+$")
FORMATS = "mailto:<address>, account:<homePage>::<name>, mbox_sha1sum:<40 hex>, openid:<URL>"


def identity_actor_key(text: str) -> str:
    """The actor key for one identity; ValueError names the format it should have had."""
    value = text.strip()
    if value.startswith("mbox:"):
        value = value[len("mbox:") :]
    if value.startswith("mailto:"):
        if not MAILTO.match(value):
            raise ValueError(f"identity {text!r}: an e-mail identity is mailto:<name>@<domain>")
        return actor_key({"mbox": value})
    if value.startswith("account:"):
        home_page, sep, name = value[len("account:") :].partition("::")
        if not sep or not IRI.match(home_page) or not name.strip():
            raise ValueError(f"identity {text!r}: an account identity is account:<homePage URL>::<name>")
        return actor_key({"account": {"homePage": home_page, "name": name}})
    if value.startswith("mbox_sha1sum:") or SHA1.match(value):
        digest = value.removeprefix("mbox_sha1sum:")
        if not SHA1.match(digest):
            raise ValueError(f"identity {text!r}: mbox_sha1sum is 40 hexadecimal characters")
        return actor_key({"mbox_sha1sum": digest})
    if value.startswith("openid:"):
        url = value[len("openid:") :]
        if not IRI.match(url):
            raise ValueError(f"identity {text!r}: an openid identity is openid:<http(s) URL>")
        return actor_key({"openid": url})
    raise ValueError(f"identity {text!r} has no known format ({FORMATS})")
