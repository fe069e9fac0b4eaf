"""Signed statements: the JWS in a signature attachment must be well formed, RS256/384/512, and sign this statement.

When the JWS header carries an X.509 chain (x5c), the signature is verified with the
first certificate's key; without one the LRS has no key to check it with, so only the
form and the payload are checked, as the specification allows.
"""

from __future__ import annotations

import base64
import binascii
import copy
from collections.abc import Callable
from typing import Any

import orjson
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ingest.xapi.comparison import content_hash
from ingest.xapi.exceptions import StatementInvalid

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
SIGNATURE_CONTENT_TYPE = "application/octet-stream"
ALGORITHMS = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}


def signature_attachments(statement: dict) -> list[dict]:
    return [item for item in statement.get("attachments", []) if item.get("usageType") == SIGNATURE_USAGE]


def check_signature(statement: dict, jws: bytes, field: str) -> None:
    """Raise StatementInvalid unless `jws` is a valid signature of `statement` (attachments aside)."""
    try:
        header_b64, payload_b64, signature_b64 = jws.decode("ascii").strip().split(".")
        header = orjson.loads(_unbase64(header_b64))
        payload = orjson.loads(_unbase64(payload_b64))
        signature = _unbase64(signature_b64)
    except (ValueError, UnicodeDecodeError, binascii.Error, orjson.JSONDecodeError) as err:
        raise StatementInvalid(
            field, f"must be a JWS in compact serialization with JSON header and payload ({err})"
        ) from err
    if not isinstance(header, dict) or header.get("alg") not in ALGORITHMS:
        raise StatementInvalid(field, "JWS alg must be RS256, RS384 or RS512")
    if not isinstance(payload, dict) or not _same_statement(payload, statement):
        raise StatementInvalid(field, "JWS payload must be this statement as it was before the signature was added")
    chain = header.get("x5c")
    if chain:
        _verify(header_b64, payload_b64, signature, chain, ALGORITHMS[header["alg"]], field)


def _same_statement(payload: dict, statement: dict) -> bool:
    if "id" in payload and str(payload["id"]).lower() != str(statement.get("id", "")).lower():
        return False
    unsigned = copy.deepcopy(statement)
    unsigned["attachments"] = [
        item for item in statement.get("attachments", []) if item.get("usageType") != SIGNATURE_USAGE
    ]
    signed = copy.deepcopy(payload)
    signed["attachments"] = [
        item for item in payload.get("attachments", []) if item.get("usageType") != SIGNATURE_USAGE
    ]
    for body in (unsigned, signed):
        if not body["attachments"]:
            del body["attachments"]
    try:
        return content_hash(signed) == content_hash(unsigned)
    except (KeyError, TypeError, AttributeError):
        return False


def _verify(
    header_b64: str,
    payload_b64: str,
    signature: bytes,
    chain: Any,
    algorithm: Callable[[], hashes.HashAlgorithm],
    field: str,
) -> None:
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
    except (ValueError, TypeError, IndexError, KeyError, binascii.Error) as err:
        raise StatementInvalid(field, "JWS x5c must hold a base64 DER X.509 certificate") from err
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise StatementInvalid(field, "JWS x5c certificate must hold an RSA key for RS256/384/512")
    try:
        key.verify(signature, f"{header_b64}.{payload_b64}".encode(), padding.PKCS1v15(), algorithm())
    except InvalidSignature as err:
        raise StatementInvalid(field, "JWS signature does not verify with the key of its x5c certificate") from err


def _unbase64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
