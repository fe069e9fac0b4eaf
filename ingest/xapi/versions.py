"""The xAPI versions this LRS speaks, and the rules for the version header and the statement version."""

from __future__ import annotations

import re

from ingest.xapi.exceptions import VersionUnsupported

HEADER = "X-Experience-API-Version"
# The latest patch of each major version, as the About resource must list them.
ABOUT_VERSIONS = ("2.0.0", "1.0.3")
LATEST = ABOUT_VERSIONS[0]

_HEADER_1_0 = re.compile(r"^1\.0(?:\.\d+)?$")
_HEADER_2_0 = re.compile(r"^2\.0(?:\.\d+)?$")
_STATEMENT_VERSION = re.compile(r"^(?:1\.0|2\.0)(?:\.\d+)?$")


def negotiate(header: str | None) -> str:
    """The version to answer with for a request's version header; raises VersionUnsupported."""
    if header is None or not header.strip():
        raise VersionUnsupported(f"the {HEADER} header is required (e.g. {HEADER}: 1.0.3)")
    value = header.strip()
    if _HEADER_1_0.match(value):
        return "1.0.3"
    if _HEADER_2_0.match(value):
        return "2.0.0"
    raise VersionUnsupported(f"{HEADER} {value!r} is not supported; this LRS speaks 1.0.0 to 1.0.3 and 2.0.0")


def is_2_0(response_version: str) -> bool:
    return response_version.startswith("2.")


def is_statement_version(value: object) -> bool:
    return isinstance(value, str) and bool(_STATEMENT_VERSION.match(value))


def default_statement_version(response_version: str) -> str:
    """The version a statement gets when it arrives without one."""
    return "2.0.0" if is_2_0(response_version) else "1.0.0"
