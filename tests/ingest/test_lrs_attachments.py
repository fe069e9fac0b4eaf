"""Attachments in multipart/mixed, signed statements (JWS, a real RSA key), the 1.0.3 alternate syntax, CORS."""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import urllib.parse
import uuid

import httpx
import orjson
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from ingest.lrs import multipart
from tests.fixtures.lrs import LrsProcess

VERSION = {"X-Experience-API-Version": "2.0.0"}
SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


def statement(**extra) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": "mailto:sam@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "http://example.org/essay"},
        **extra,
    }


def attachment_for(data: bytes, content_type: str = "text/plain", usage: str = "http://example.org/essay-text") -> dict:
    return {
        "usageType": usage,
        "display": {"en-US": "essay"},
        "contentType": content_type,
        "length": len(data),
        "sha2": hashlib.sha256(data).hexdigest(),
    }


def multipart_body(statements: object, parts: list[bytes]) -> tuple[bytes, dict[str, str]]:
    boundary = uuid.uuid4().hex
    chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), orjson.dumps(statements)]
    for data in parts:
        chunks.append(
            f"\r\n--{boundary}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary"
            f"\r\nX-Experience-API-Hash: {hashlib.sha256(data).hexdigest()}\r\n\r\n".encode()
        )
        chunks.append(data)
    chunks.append(f"\r\n--{boundary}--".encode())
    return b"".join(chunks), {"Content-Type": f"multipart/mixed; boundary={boundary}"}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def signer():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Leerstroom test signer")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    chain = [base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()]

    def sign(payload: dict, *, tamper: bool = False) -> bytes:
        header = b64(orjson.dumps({"alg": "RS256", "x5c": chain}))
        body = b64(orjson.dumps(payload))
        signature = key.sign(f"{header}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
        if tamper:
            signature = bytes([signature[0] ^ 1]) + signature[1:]
        return f"{header}.{body}.{b64(signature)}".encode()

    return sign


@pytest.fixture
def client(module_lrs: LrsProcess):
    with httpx.Client(base_url=module_lrs.endpoint, auth=module_lrs.auth, headers=VERSION, timeout=10) as http:
        yield http


def test_attachment_data_round_trips_through_multipart(client: httpx.Client) -> None:
    data = "Mijn essay over veiligheid — ✓".encode()
    sent = statement(attachments=[attachment_for(data)])
    body, headers = multipart_body(sent, [data])
    assert client.post("statements", content=body, headers=headers).status_code == 200
    plain = client.get("statements", params={"statementId": sent["id"]})
    assert plain.headers["Content-Type"].startswith("application/json")
    response = client.get("statements", params={"statementId": sent["id"], "attachments": "true"})
    assert response.headers["Content-Type"].startswith("multipart/mixed")
    parts = multipart.parse(response.content, response.headers["Content-Type"])
    assert orjson.loads(parts[0].body)["id"] == sent["id"]
    assert parts[1].body == data and parts[1].headers["x-experience-api-hash"] == hashlib.sha256(data).hexdigest()


def test_attachment_without_data_or_file_url_is_400(client: httpx.Client) -> None:
    data = b"essay"
    missing = client.post("statements", json=statement(attachments=[attachment_for(data)]))
    assert (missing.status_code, missing.json()["field"]) == (400, "attachments[0].fileUrl")
    body, headers = multipart_body(statement(attachments=[attachment_for(data)]), [b"other bytes"])
    assert client.post("statements", content=body, headers=headers).status_code == 400
    with_url = statement(attachments=[{**attachment_for(data), "fileUrl": "http://example.org/essay.txt"}])
    assert client.post("statements", json=with_url).status_code == 200


def test_signed_statement_is_verified(client: httpx.Client, signer) -> None:
    unsigned = statement()
    jws = signer(unsigned)
    signed = {**unsigned, "attachments": [attachment_for(jws, "application/octet-stream", SIGNATURE)]}
    body, headers = multipart_body(signed, [jws])
    assert client.post("statements", content=body, headers=headers).status_code == 200

    forged = statement()
    bad_jws = signer(forged, tamper=True)
    body, headers = multipart_body(
        {**forged, "attachments": [attachment_for(bad_jws, "application/octet-stream", SIGNATURE)]}, [bad_jws]
    )
    response = client.post("statements", content=body, headers=headers)
    assert response.status_code == 400 and "does not verify" in response.json()["rule"]

    other = statement()
    mismatched = signer({**other, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}})
    body, headers = multipart_body(
        {**other, "attachments": [attachment_for(mismatched, "application/octet-stream", SIGNATURE)]}, [mismatched]
    )
    response = client.post("statements", content=body, headers=headers)
    assert response.status_code == 400 and "payload" in response.json()["rule"]


def test_alternate_request_syntax_for_1_0_3(module_lrs: LrsProcess) -> None:
    auth = "Basic " + base64.b64encode(f"{module_lrs.key}:{module_lrs.secret}".encode()).decode()
    sent = statement()
    form = urllib.parse.urlencode(
        {
            "statementId": sent["id"],
            "content": json.dumps(sent),
            "Authorization": auth,
            "X-Experience-API-Version": "1.0.3",
            "Content-Type": "application/json",
        }
    )
    url = f"{module_lrs.endpoint}statements?method=PUT"
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    assert httpx.post(url, content=form, headers=form_type).status_code == 204
    read = urllib.parse.urlencode(
        {"statementId": sent["id"], "Authorization": auth, "X-Experience-API-Version": "1.0.3"}
    )
    got = httpx.post(f"{module_lrs.endpoint}statements?method=GET", content=read, headers=form_type)
    assert got.json()["id"] == sent["id"]
    mixed = httpx.post(f"{url}&statementId={sent['id']}", content=form, headers=form_type)
    assert (mixed.status_code, mixed.json()["field"]) == (400, "method")
    modern = form.replace("1.0.3", "2.0.0")
    assert httpx.post(url, content=modern, headers=form_type).status_code == 400


def test_cors_preflight_needs_no_credentials(module_lrs: LrsProcess) -> None:
    response = httpx.options(
        f"{module_lrs.endpoint}activities/state",
        headers={
            "Origin": "http://content.example.org",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization,content-type,x-experience-api-version,if-match",
        },
    )
    assert response.status_code == 200
    assert "PUT" in response.headers["access-control-allow-methods"]
    assert "if-match" in response.headers["access-control-allow-headers"].lower()
