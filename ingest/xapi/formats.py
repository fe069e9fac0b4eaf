"""Checks for the string formats xAPI prescribes: IRIs, mailto IRIs, UUIDs, timestamps, durations, language tags.

IRI and language-tag checks are best effort, as the specification allows: they catch
what real tools get wrong (no scheme, spaces, malformed subtags) without a full RFC parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
_MAILTO = re.compile(r"^mailto:[^@\s:/]+@[^@\s/]+\.[^@\s/]+$")
_SHA1_HEX = re.compile(r"^[0-9a-fA-F]{40}$")
_SHA2_HEX = re.compile(r"^(?:[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9!#$&^_.+\-]+/[A-Za-z0-9!#$&^_.+\-]+(?:\s*;.*)?$")
# Combined date and time in ISO 8601 extended format; an offset of -00:00 means "unknown" in RFC 3339.
_TIMESTAMP = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})T(?P<time>\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)"
    r"(?P<zone>Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)
# ISO 8601 durations in the format-with-designators; weeks stand alone; a fraction only on the seconds.
_DURATION = re.compile(
    r"^P(?:\d+(?:[.,]\d+)?W|(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:[.,]\d+)?S)?)?)$"
)
# RFC 5646 language tags: langtag, private use, and the irregular grandfathered tags still in use.
_LANGTAG = re.compile(
    r"^(?:"
    r"(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4}|[A-Za-z]{5,8})"  # language (+ extlang)
    r"(?:-[A-Za-z]{4})?"  # script
    r"(?:-(?:[A-Za-z]{2}|\d{3}))?"  # region
    r"(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*"  # variants
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"  # extensions
    r"(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?"  # private use
    r"|[xX](?:-[A-Za-z0-9]{1,8})+"
    r"|en-GB-oed|i-(?:ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)"
    r"|sgn-(?:BE-FR|BE-NL|CH-DE)"
    r")$"
)


def _matcher(pattern: re.Pattern[str]) -> Callable[[object], bool]:
    def matches(value: object) -> bool:
        return isinstance(value, str) and bool(pattern.match(value))

    return matches


is_iri = _matcher(_IRI)
is_mailto = _matcher(_MAILTO)
is_sha1_hex = _matcher(_SHA1_HEX)
is_sha2_hex = _matcher(_SHA2_HEX)
is_uuid = _matcher(_UUID)
is_media_type = _matcher(_MEDIA_TYPE)
is_duration = _matcher(_DURATION)
is_language_tag = _matcher(_LANGTAG)


def parse_timestamp(value: object) -> datetime | None:
    """The instant an ISO 8601 timestamp names (UTC), or None when it is not one."""
    if not isinstance(value, str):
        return None
    match = _TIMESTAMP.match(value)
    if not match:
        return None
    zone = match["zone"]
    if zone in ("-00", "-0000", "-00:00"):
        return None
    text = value.replace(",", ".")
    if zone in ("Z", "z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def format_timestamp(moment: datetime) -> str:
    """UTC, millisecond precision, with a Z: the form the LRS writes for `stored`."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
