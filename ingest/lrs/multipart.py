"""multipart/mixed bodies of the Statement resource: statements first, then the raw data of their attachments."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.lrs.exceptions import BadRequest

HASH_HEADER = "x-experience-api-hash"


@dataclass(frozen=True)
class Part:
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def boundary_of(content_type: str) -> str:
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "boundary" and value.strip():
            return value.strip().strip('"')
    raise BadRequest("Content-Type", "multipart/mixed needs a boundary parameter")


def parse(body: bytes, content_type: str) -> list[Part]:
    """The parts of a multipart body, in order; a malformed body is a 400 naming what is wrong."""
    delimiter = b"\r\n--" + boundary_of(content_type).encode()
    pieces = (b"\r\n" + body).split(delimiter)
    if len(pieces) < 3 or not pieces[-1].startswith(b"--"):
        raise BadRequest("body", "multipart/mixed body must have parts between boundaries and a closing boundary")
    parts = []
    for index, piece in enumerate(pieces[1:-1], start=1):
        head, separator, content = piece.partition(b"\r\n\r\n")
        if not separator:
            raise BadRequest(f"body part {index}", "must have headers, an empty line, then its content")
        headers: dict[str, str] = {}
        for line in head.decode("latin-1").split("\r\n"):
            if not line.strip():
                continue
            name, colon, value = line.partition(":")
            if not colon:
                raise BadRequest(f"body part {index}", f"header line {line!r} has no colon")
            headers[name.strip().lower()] = value.strip()
        parts.append(Part(headers, content))
    return parts


def build(json_body: bytes, attachments: Iterable[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """(body, content type) of a response: the JSON part, then (sha2, content type, data) parts."""
    boundary = "leerstroom-" + secrets.token_hex(12)
    chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), json_body]
    for sha2, content_type, data in attachments:
        chunks.append(
            f"\r\n--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode()
        )
        chunks.append(data)
    chunks.append(f"\r\n--{boundary}--".encode())
    return b"".join(chunks), f'multipart/mixed; boundary="{boundary}"'
