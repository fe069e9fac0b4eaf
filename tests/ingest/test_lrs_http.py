"""The LRS's HTTP contract over real HTTP: About, health, the version header, Basic auth, limits, unknown routes."""

from __future__ import annotations

import httpx
import pytest
import tincan

from leerstroom.settings import Settings
from tests.fixtures.data import free_port
from tests.fixtures.lrs import LrsProcess

VERSION = "X-Experience-API-Version"
STATEMENT = {
    "actor": {"mbox": "mailto:grace@example.org"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
    "object": {"id": "http://example.org/quiz/1"},
}


@pytest.fixture(scope="module")
def shared_lrs(tmp_path_factory: pytest.TempPathFactory):
    """One LRS for this module's read-mostly checks, to keep them fast."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("lrs-http"), lrs_port=free_port(), lrs_max_body_bytes=64_000)
    process = LrsProcess(settings).start()
    yield process
    process.stop()


@pytest.fixture
def client(shared_lrs: LrsProcess):
    with httpx.Client(base_url=shared_lrs.base_url, auth=shared_lrs.auth, timeout=10) as http:
        yield http


def test_about_needs_no_credentials_and_lists_both_majors(shared_lrs: LrsProcess) -> None:
    response = httpx.get(f"{shared_lrs.endpoint}about")
    assert response.status_code == 200
    assert response.json() == {"version": ["2.0.0", "1.0.3"]}
    assert response.headers[VERSION] == "2.0.0"


def test_about_ignores_a_bad_version_header(shared_lrs: LrsProcess) -> None:
    response = httpx.get(f"{shared_lrs.endpoint}about", headers={VERSION: "0.9"})
    assert response.status_code == 200


def test_tincan_about_refuses_2_0_0_as_its_own_limit(shared_lrs: LrsProcess) -> None:
    # tincan 1.0.0 only knows 1.0.x and raises on the 2.0.0 entry; the LRS must still list 2.0.0.
    remote = tincan.RemoteLRS(endpoint=shared_lrs.endpoint, username=shared_lrs.key, password=shared_lrs.secret)
    with pytest.raises(ValueError, match="2.0.0"):
        remote.about()


def test_health_needs_no_credentials(shared_lrs: LrsProcess) -> None:
    response = httpx.get(f"{shared_lrs.base_url}/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize("auth", [None, ("unknown-key", "whatever"), "right-key-wrong-secret"])
def test_statements_need_valid_credentials(shared_lrs: LrsProcess, auth) -> None:
    if auth == "right-key-wrong-secret":
        auth = (shared_lrs.key, shared_lrs.secret + "x")
    before = shared_lrs.counts()
    response = httpx.post(f"{shared_lrs.endpoint}statements", json=STATEMENT, auth=auth, headers={VERSION: "1.0.3"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert response.headers[VERSION]
    assert shared_lrs.counts() == before
    read = httpx.get(f"{shared_lrs.endpoint}statements", auth=auth, headers={VERSION: "1.0.3"})
    assert read.status_code == 401


def test_malformed_authorization_header_is_401_not_500(shared_lrs: LrsProcess) -> None:
    response = httpx.get(f"{shared_lrs.endpoint}statements", headers={VERSION: "1.0.3", "Authorization": "Basic %%%"})
    assert response.status_code == 401


@pytest.mark.parametrize("header", [None, "0.95", "1.1.0", "3.0.0", "banana"])
def test_missing_or_unsupported_version_is_400(client: httpx.Client, header: str | None) -> None:
    headers = {VERSION: header} if header else {}
    response = client.post("/xapi/statements", json=STATEMENT, headers=headers)
    assert response.status_code == 400
    assert response.json()["field"] == VERSION
    assert response.headers[VERSION]


@pytest.mark.parametrize(
    "header, answered",
    [("1.0", "1.0.3"), ("1.0.0", "1.0.3"), ("1.0.1", "1.0.3"), ("1.0.3", "1.0.3"), ("2.0.0", "2.0.0")],
)
def test_supported_versions_are_accepted_and_answered_with_the_latest_patch(
    client: httpx.Client, header: str, answered: str
) -> None:
    response = client.post("/xapi/statements", json=STATEMENT, headers={VERSION: header})
    assert response.status_code == 200
    assert response.headers[VERSION] == answered
    stored = client.get("/xapi/statements", params={"statementId": response.json()[0]}, headers={VERSION: header})
    assert stored.json()["version"] == ("2.0.0" if header == "2.0.0" else "1.0.0")


def test_statement_responses_carry_consistent_through(client: httpx.Client) -> None:
    response = client.get("/xapi/statements", headers={VERSION: "1.0.3"})
    assert response.status_code == 200
    assert response.headers["X-Experience-API-Consistent-Through"].endswith("Z")
    assert response.json()["more"] == ""


def test_body_over_the_limit_is_413(client: httpx.Client, shared_lrs: LrsProcess) -> None:
    before = shared_lrs.counts()
    big = [dict(STATEMENT, result={"response": "x" * 1000}) for _ in range(100)]
    response = client.post("/xapi/statements", json=big, headers={VERSION: "1.0.3"})
    assert response.status_code == 413
    assert shared_lrs.counts() == before


def test_unknown_route_is_404_with_version_header(client: httpx.Client) -> None:
    response = client.get("/xapi/nothing-here", headers={VERSION: "1.0.3"})
    assert response.status_code == 404
    assert response.headers[VERSION]


def test_browser_preflight_is_allowed(shared_lrs: LrsProcess) -> None:
    response = httpx.options(
        f"{shared_lrs.endpoint}statements",
        headers={
            "Origin": "http://content.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,x-experience-api-version",
        },
    )
    assert response.status_code == 200
    assert "x-experience-api-version" in response.headers["access-control-allow-headers"].lower()
