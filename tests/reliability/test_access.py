"""Who gets in: every LRS route refuses without valid credentials, a scope is a fence, sign-in guessing is throttled,
and secrets are kept only as digests and never written to a log."""

from __future__ import annotations

import base64
import os
import socket
import time
import urllib.parse
from pathlib import Path

import httpx
import pytest
from starlette.routing import Route

from ingest.lrs import credentials
from ingest.lrs.app import create_app
from leerstroom.settings import Settings
from tests.fixtures.data import free_port
from tests.fixtures.lrs import LrsProcess

VERSION = {"X-Experience-API-Version": "1.0.3"}
# The spec wants About open to all; /health is for supervisors and says only "ok".
OPEN = {("GET", "/health"), ("GET", "/xapi/about")}
FAILURES = 5


def routes(settings: Settings) -> list[tuple[str, str]]:
    """(method, path) of every route the LRS app serves, read from the app itself."""
    app = create_app(settings)
    found = {
        (method, route.path)
        for route in app.routes
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }
    app.state.store.close()
    return sorted(found)


@pytest.fixture(scope="module")
def guarded_lrs(tmp_path_factory: pytest.TempPathFactory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("access"), lrs_port=free_port())
    # The child LRS reads its sign-in limits from the environment, as in production.
    saved = {k: os.environ.get(k) for k in ("LEERSTROOM_LRS_SIGNIN_FAILURES", "LEERSTROOM_LRS_SIGNIN_WINDOW_SECONDS")}
    os.environ.update(LEERSTROOM_LRS_SIGNIN_FAILURES=str(FAILURES), LEERSTROOM_LRS_SIGNIN_WINDOW_SECONDS="60")
    try:
        process = LrsProcess(settings).start()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    yield process
    process.stop()


def client_from(address: str, headers: dict[str, str] | None = None, **kwargs) -> httpx.Client:
    """A client whose requests come from another loopback address, as a second machine's would."""
    return httpx.Client(
        transport=httpx.HTTPTransport(local_address=address),
        headers={**VERSION, **(headers or {})},
        timeout=10,
        **kwargs,
    )


def test_every_route_but_about_and_health_refuses_without_valid_credentials(guarded_lrs: LrsProcess) -> None:
    served = routes(guarded_lrs.settings)
    assert len(served) >= 15, served
    wrong = (guarded_lrs.key, "not-the-secret")
    with client_from("127.0.0.20") as http:
        for method, path in served:
            url = f"{guarded_lrs.base_url}{path}"
            anonymous = http.request(method, url)
            if (method, path) in OPEN:
                assert anonymous.status_code == 200, (method, path)
                continue
            assert anonymous.status_code == 401, f"{method} {path} without credentials: {anonymous.status_code}"
            assert "Basic" in anonymous.headers["WWW-Authenticate"]
    # Wrong secrets come from many addresses, so the address limit does not mask the answer.
    for n, (method, path) in enumerate(p for p in served if p not in OPEN):
        with client_from(f"127.0.1.{n + 1}", auth=wrong) as http:
            guessed = http.request(method, f"{guarded_lrs.base_url}{path}")
        assert guessed.status_code in (401, 429), f"{method} {path} with a wrong secret: {guessed.status_code}"


def test_browser_preflight_needs_no_credentials(guarded_lrs: LrsProcess) -> None:
    response = httpx.options(
        f"{guarded_lrs.endpoint}statements",
        headers={
            "Origin": "https://content.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,x-experience-api-version,content-type",
        },
    )
    assert response.status_code == 200


# A credential with one scope: what it may do gets past the scope check (then 2xx/4xx on content), the rest is 403.
ALLOWED = {
    "statements/write": {("POST", "/xapi/statements"), ("PUT", "/xapi/statements")},
    "statements/read": {("GET", "/xapi/statements"), ("GET", "/xapi/activities"), ("GET", "/xapi/agents")},
    "state": {(m, "/xapi/activities/state") for m in ("GET", "PUT", "POST", "DELETE")},
    "profile": {
        (m, p) for m in ("GET", "PUT", "POST", "DELETE") for p in ("/xapi/activities/profile", "/xapi/agents/profile")
    }
    | {("GET", "/xapi/activities"), ("GET", "/xapi/agents")},
}


@pytest.mark.parametrize("scope", sorted(ALLOWED))
def test_a_credential_limited_to_one_scope_cannot_go_beyond_it(guarded_lrs: LrsProcess, scope: str) -> None:
    limited = credentials.add(guarded_lrs.settings, f"only-{scope}", [scope])
    described = {("GET", "/xapi/openapi.json")}
    with client_from("127.0.0.30", auth=(limited.key, limited.secret)) as http:
        for method, path in routes(guarded_lrs.settings):
            if (method, path) in OPEN | described:
                continue
            status = http.request(method, f"{guarded_lrs.base_url}{path}", content=b"{}").status_code
            if (method, path) in ALLOWED[scope]:
                assert status != 403, f"{scope} may {method} {path}"
            else:
                assert status == 403, f"{scope} must not {method} {path}, got {status}"


def test_guessing_a_key_from_one_address_never_locks_the_tool_out_from_its_own(guarded_lrs: LrsProcess) -> None:
    victim = credentials.add(guarded_lrs.settings, "victim-tool")
    bystander = credentials.add(guarded_lrs.settings, "bystander-tool")
    url = f"{guarded_lrs.endpoint}statements"
    with client_from("127.0.2.1", auth=(victim.key, "a-guess")) as attacker:
        for _ in range(FAILURES):
            assert attacker.get(url).status_code == 401
        blocked = attacker.get(url)
    assert blocked.status_code == 429, "the guesser's address is held up"
    assert 1 <= int(blocked.headers["Retry-After"]) <= 60
    assert blocked.json()["error"].startswith("too many failed sign-ins")
    with client_from("127.0.2.100", auth=(victim.key, victim.secret)) as tool:
        assert tool.get(url).status_code == 200, "the tool itself, from its own address, is not locked out"
    # Guesses of one key spread over addresses: each address is held up once it passes the limit for that key.
    for n in range(2):
        with client_from(f"127.0.2.{n + 10}", auth=(bystander.key, "guess")) as http:
            statuses = [http.get(url).status_code for _ in range(FAILURES + 1)]
        assert statuses == [401] * FAILURES + [429]
    with client_from("127.0.2.101", auth=(bystander.key, bystander.secret)) as http:
        assert http.get(url).status_code == 200


def test_the_alternate_syntax_meets_the_same_sign_in_limit(guarded_lrs: LrsProcess) -> None:
    tool = credentials.add(guarded_lrs.settings, "form-tool")
    url = f"{guarded_lrs.endpoint}statements?method=GET"
    wrong = "Basic " + base64.b64encode(f"{tool.key}:a-guess".encode()).decode()
    form = urllib.parse.urlencode({"Authorization": wrong, "X-Experience-API-Version": "1.0.3"})
    with client_from("127.0.5.1", headers={"Content-Type": "application/x-www-form-urlencoded"}) as http:
        statuses = [http.post(url, content=form).status_code for _ in range(FAILURES + 3)]
    assert statuses == [401] * FAILURES + [429] * 3, "wrong secrets in a form are throttled like any other"


def test_the_alternate_syntax_meets_the_same_body_limit_before_authentication(tmp_path: Path) -> None:
    """A form announcing 50 MB gets 413 at once: the LRS neither waits for nor buffers a body past its limit."""
    settings = Settings(data_dir=tmp_path / "data", lrs_port=free_port(), lrs_max_body_bytes=64_000)
    process = LrsProcess(settings).start()
    try:
        with socket.create_connection((settings.lrs_host, settings.lrs_port), timeout=10) as connection:
            connection.sendall(
                b"POST /xapi/statements?method=PUT HTTP/1.1\r\nHost: lrs\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 52428800\r\n\r\n" + b"content=" + b"x" * 1000
            )
            started = time.monotonic()
            answer = connection.recv(4096)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert time.monotonic() - started < 5
        chunked = b"".join([b"content="] + [b"x" * 8192] * 10)  # 80 kB without a Content-Length
        with client_from("127.0.5.2", headers={"Content-Type": "application/x-www-form-urlencoded"}) as http:
            response = http.post(f"{process.endpoint}statements?method=PUT", content=iter([chunked]))
        assert response.status_code == 413
    finally:
        process.stop()


def test_failed_sign_ins_are_limited_per_address(guarded_lrs: LrsProcess) -> None:
    tool = credentials.add(guarded_lrs.settings, "tool-on-a-shared-address")
    url = f"{guarded_lrs.endpoint}statements"
    with client_from("127.0.3.1") as http:
        for n in range(FAILURES):
            assert http.get(url, auth=(f"made-up-key-{n}", "guess")).status_code == 401
        assert http.get(url, auth=(tool.key, tool.secret)).status_code == 429
    with client_from("127.0.3.2", auth=(tool.key, tool.secret)) as http:
        assert http.get(url).status_code == 200, "the same credential from another address still works"


def test_the_limit_lifts_after_its_window(tmp_path: Path) -> None:
    from ingest.lrs.auth import SignInThrottle

    now = [1000.0]
    throttle = SignInThrottle(limit=3, window=60, clock=lambda: now[0], key_per_address=True)
    for _ in range(3):
        throttle.failed("k", "10.0.0.1")
    assert throttle.retry_after("k", "10.0.0.1") == 60
    assert throttle.retry_after("k", "10.0.0.9") is None, "the key from another address is not blocked"
    assert throttle.retry_after("other", "10.0.0.1") == 60
    assert throttle.retry_after("other", "10.0.0.9") is None
    now[0] += 61
    assert throttle.retry_after("k", "10.0.0.1") is None


def test_secrets_are_stored_as_digests_and_never_logged(guarded_lrs: LrsProcess) -> None:
    tool = credentials.add(guarded_lrs.settings, "secret-keeper")
    wrong = "a-wrong-secret-that-must-not-be-kept-9f3c"
    url = f"{guarded_lrs.endpoint}statements"
    statement = {
        "actor": {"mbox": "mailto:x@example.org"},
        "verb": {"id": "http://x.org/v"},
        "object": {"id": "http://x.org/o"},
    }
    with client_from("127.0.4.1") as http:
        assert http.post(url, json=statement, auth=(tool.key, tool.secret)).status_code == 200
        assert http.get(url, auth=(tool.key, wrong)).status_code == 401
        assert http.post(url, json={"bad": True}, auth=(tool.key, tool.secret)).status_code == 400
    time.sleep(0.5)
    needles = [tool.secret, wrong, base64.b64encode(f"{tool.key}:{tool.secret}".encode()).decode()]
    files = [p for p in guarded_lrs.settings.data_dir.rglob("*") if p.is_file()]
    assert guarded_lrs.log_path in files or guarded_lrs.log_path.exists()
    for path in set(files) | {guarded_lrs.log_path}:
        content = path.read_bytes()
        for needle in needles:
            assert needle.encode() not in content, f"{path.name} holds a secret"
    assert credentials.digest(tool.secret).encode() in b"".join(
        p.read_bytes() for p in files if p.name.startswith("lrs.sqlite")
    ), "the digest is what the store keeps"


def test_a_newline_in_a_credential_key_cannot_forge_a_log_line(guarded_lrs: LrsProcess) -> None:
    # A Basic key ends at its first colon, so the forged line has none.
    forged = "FORGED INFO ingest.lrs.auth sign-in of admin accepted"
    key = f"tool\x1b[2J\r\n2026-01-01 {forged}"
    header = {"Authorization": "Basic " + base64.b64encode(f"{key}:guess".encode()).decode()}
    with client_from("127.0.6.1", headers=header) as http:
        statuses = [http.get(f"{guarded_lrs.endpoint}statements").status_code for _ in range(FAILURES + 1)]
    assert statuses[-1] == 429, "the refusal is logged with the key it was sent with"
    time.sleep(0.5)
    lines = guarded_lrs.log_path.read_text(errors="replace").splitlines()
    assert any("tool\\x1b[2J\\r\\n2026-01-01 FORGED" in line for line in lines), "the key is logged, escaped"
    assert not [line for line in lines if line.startswith("2026-01-01")], "no line starts with text a client chose"
    assert "\x1b" not in guarded_lrs.log_path.read_text(errors="replace")


def test_half_sent_requests_do_not_hold_their_connections(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """200 connections that stop mid-headers or mid-body are answered 408 and closed; the LRS keeps serving."""
    monkeypatch.setenv("LEERSTROOM_LRS_HEADER_TIMEOUT_SECONDS", "1")
    monkeypatch.setenv("LEERSTROOM_LRS_BODY_TIMEOUT_SECONDS", "1")
    settings = Settings(data_dir=tmp_path / "data", lrs_port=free_port())
    process = LrsProcess(settings).start()
    auth = "Basic " + base64.b64encode(f"{process.key}:{process.secret}".encode()).decode()
    half_headers = b"POST /xapi/statements HTTP/1.1\r\nHost: lrs\r\nX-Experience-API-"
    half_body = (
        f"POST /xapi/statements HTTP/1.1\r\nHost: lrs\r\nAuthorization: {auth}\r\n"
        "X-Experience-API-Version: 1.0.3\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
        '{"actor": '
    ).encode()
    connections = []
    try:
        for n in range(200):
            connection = socket.create_connection((settings.lrs_host, settings.lrs_port), timeout=10)
            connection.sendall(half_headers if n % 2 else half_body)
            connections.append(connection)
        started = time.monotonic()
        held = []
        for n, connection in enumerate(connections):
            try:
                answer = b""
                while chunk := connection.recv(4096):
                    answer += chunk
            except TimeoutError:
                held.append(n)
                continue
            assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert not held, f"{len(held)} of 200 half-sent requests still hold their connection"
        assert time.monotonic() - started < 10
        with httpx.Client(auth=process.auth, headers=VERSION, timeout=10) as http:
            assert http.get(f"{process.endpoint}statements").status_code == 200, "the LRS still serves"
        assert "internal error" not in process.log_tail(200)
    finally:
        for connection in connections:
            connection.close()
        process.stop()
