"""Hostile and malformed requests to every LRS endpoint: a precise 4xx, never a 5xx or a hang, and nothing stored.

Poison messages put straight on the Kafka topic are covered by tests/ingest/test_sink.py
(test_poison_messages_become_dead_letters_and_the_stream_continues).
"""

from __future__ import annotations

import base64
import json

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from ingest.lrs.openapi import describe
from leerstroom.settings import Settings
from tests.fixtures.data import free_port
from tests.fixtures.lrs import LrsProcess
from tests.reliability.stored import stored_rows

LIMIT = 64_000
VERSION = {"X-Experience-API-Version": "1.0.3"}
ACTIVITY = "https://lms.example.org/course/1"
AGENT = json.dumps({"mbox": "mailto:ada@example.org"})
# Long values stay within what an HTTP client sends: four of them fit httpx's 65,536-character URL limit.
HOSTILE_TEXT = [
    "' OR 1=1 --",
    "1; DROP TABLE statements; --",
    '" OR ""="',
    "../../../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "/absolute/path",
    "\x00",
    "%00",
    "😀" * 10,
    "a" * 15_000,
    "{" * 5000,
    "[]",
    "null",
    "\\u0000",
]
ENDPOINTS = [
    ("GET", "/xapi/statements"),
    ("POST", "/xapi/statements"),
    ("PUT", "/xapi/statements"),
    ("GET", "/xapi/activities"),
    ("GET", "/xapi/agents"),
    ("GET", "/xapi/activities/state"),
    ("PUT", "/xapi/activities/state"),
    ("POST", "/xapi/activities/state"),
    ("DELETE", "/xapi/activities/state"),
    ("GET", "/xapi/activities/profile"),
    ("PUT", "/xapi/activities/profile"),
    ("GET", "/xapi/agents/profile"),
    ("PUT", "/xapi/agents/profile"),
    ("DELETE", "/xapi/agents/profile"),
]


@pytest.fixture(scope="module")
def hostile_lrs(tmp_path_factory: pytest.TempPathFactory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("hostile"), lrs_port=free_port(), lrs_max_body_bytes=LIMIT)
    process = LrsProcess(settings).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def http(hostile_lrs: LrsProcess):
    with httpx.Client(base_url=hostile_lrs.base_url, auth=hostile_lrs.auth, headers=VERSION, timeout=15) as client:
        yield client


def assert_refused_precisely(response: httpx.Response) -> None:
    assert 400 <= response.status_code < 500, f"{response.status_code}: {response.text[:300]}"
    if response.status_code in (400, 413):
        assert response.json().get("error"), "the refusal says what was wrong"


# Schemathesis: every operation of the OpenAPI description, generated inputs, no 5xx ---------------

schema = schemathesis.openapi.from_dict(describe())


@pytest.fixture(scope="module")
def lrs_for_schemathesis(hostile_lrs: LrsProcess) -> LrsProcess:
    return hostile_lrs


@schema.parametrize()
@hypothesis_settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_gets_a_server_error(case, lrs_for_schemathesis: LrsProcess) -> None:
    case.call_and_validate(
        base_url=lrs_for_schemathesis.base_url, auth=lrs_for_schemathesis.auth, timeout=15, checks=[not_a_server_error]
    )


def test_the_served_description_is_the_one_fuzzed(http: httpx.Client, hostile_lrs: LrsProcess) -> None:
    served = http.get("/xapi/openapi.json")
    assert served.status_code == 200
    assert set(served.json()["paths"]) == set(describe()["paths"])
    assert httpx.get(f"{hostile_lrs.endpoint}openapi.json").status_code == 401


# Hypothesis: arbitrary query parameters, document ids and bodies ------------------------------------

text = st.one_of(st.text(max_size=300), st.sampled_from(HOSTILE_TEXT))


@given(
    method_path=st.sampled_from(ENDPOINTS),
    params=st.dictionaries(
        st.sampled_from(
            [
                "statementId",
                "agent",
                "activityId",
                "stateId",
                "profileId",
                "registration",
                "since",
                "verb",
                "limit",
                "format",
                "../x",
                "id' OR '1'='1",
            ]
        ),
        text,
        max_size=4,
    ),
)
@hypothesis_settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
def test_hostile_query_parameters_get_a_4xx_never_a_5xx(http: httpx.Client, method_path, params) -> None:
    method, path = method_path
    response = http.request(
        method,
        path,
        params=params,
        content=b'{"a": 1}' if method in ("PUT", "POST") else None,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code < 500, f"{method} {path} {params!r} -> {response.status_code}: {response.text[:300]}"


@given(
    body=st.one_of(
        st.binary(max_size=2000),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=50),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
            max_leaves=30,
        ).map(lambda value: json.dumps(value).encode()),
    )
)
@hypothesis_settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
def test_arbitrary_statement_bodies_are_refused_with_400_and_stored_nowhere(
    http: httpx.Client, hostile_lrs: LrsProcess, body: bytes
) -> None:
    before = stored_rows(hostile_lrs.settings)
    response = http.post("/xapi/statements", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, f"{body[:200]!r} -> {response.status_code}: {response.text[:300]}"
    assert stored_rows(hostile_lrs.settings) == before


# The classic attacks, one by one ----------------------------------------------------------------------


def deeply_nested(depth: int) -> bytes:
    return (
        '{"actor": {"mbox": "mailto:a@example.org"}, "verb": {"id": "http://x.org/v"}, "object": {"id": '
        '"http://x.org/o", "definition": {"extensions": {"http://x.org/e": ' + "[" * depth + "]" * depth + "}}}}"
    ).encode()


@pytest.mark.parametrize(
    ("name", "body", "content_type", "status"),
    [
        ("deeply nested JSON", deeply_nested(100_000)[: LIMIT - 10], "application/json", 400),
        ("nesting past the parser's depth limit", deeply_nested(2000), "application/json", 400),
        ("extensions nested 900 deep, within the parser's limit", deeply_nested(900), "application/json", 400),
        ("extensions nested 300 deep", deeply_nested(300), "application/json", 400),
        ("invalid UTF-8", b'{"actor": {"mbox": "mailto:\xff\xfe@example.org"}}', "application/json", 400),
        (
            "a huge string past the body limit",
            json.dumps({"verb": {"id": "http://x.org/" + "a" * LIMIT}}).encode(),
            "application/json",
            413,
        ),
        (
            "broken multipart",
            b'--b\r\nContent-Type: application/json\r\n\r\n[{"actor":',
            "multipart/mixed; boundary=b",
            400,
        ),
        ("multipart without a boundary", b"--b\r\n\r\n--b--", "multipart/mixed", 400),
        ("a body that is not JSON at all", b"\x00\x01\x02 DROP TABLE statements", "application/json", 400),
    ],
)
def test_each_classic_attack_gets_a_precise_4xx_and_stores_nothing(
    http: httpx.Client, hostile_lrs: LrsProcess, name: str, body: bytes, content_type: str, status: int
) -> None:
    before = stored_rows(hostile_lrs.settings)
    response = http.post("/xapi/statements", content=body, headers={"Content-Type": content_type})
    assert response.status_code == status, f"{name}: {response.status_code} {response.text[:300]}"
    assert_refused_precisely(response)
    assert stored_rows(hostile_lrs.settings) == before, f"{name} stored something"


def nested_object(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


@pytest.mark.parametrize(
    ("method", "path", "params", "body"),
    [
        ("GET", "/xapi/statements", {"cursor": "9" * 30}, None),
        ("GET", "/xapi/statements", {"through": "9" * 30}, None),
        ("GET", "/xapi/statements", {"limit": "\u00b2"}, None),
        ("GET", "/xapi/statements", {"cursor": "\u0663"}, None),  # Arabic-Indic three: a digit to str.isdigit
        (
            "GET",
            "/xapi/statements",
            {"agent": '{"mbox": "mailto:a@example.org", "x": ' + "[" * 900 + "]" * 900 + "}"},
            None,
        ),
        ("GET", "/xapi/agents", {"agent": nested_object(900)}, None),
        (
            "POST",
            "/xapi/activities/state",
            {"activityId": ACTIVITY, "agent": AGENT, "stateId": "deep"},
            nested_object(900).encode(),
        ),
    ],
)
def test_malformed_parameters_and_deep_json_get_400_never_500(
    http: httpx.Client, hostile_lrs: LrsProcess, method: str, path: str, params: dict, body: bytes | None
) -> None:
    before = stored_rows(hostile_lrs.settings)
    response = http.request(
        method, path, params=params, content=body, headers={"Content-Type": "application/json"} if body else {}
    )
    assert response.status_code == 400, f"{params!r}: {response.status_code} {response.text[:300]}"
    assert response.json()["field"], "the answer names the field"
    assert stored_rows(hostile_lrs.settings) == before


def test_huge_limits_and_leading_zeros_are_valid_numbers(http: httpx.Client) -> None:
    assert http.get("/xapi/statements", params={"limit": "9" * 5000}).status_code == 200
    assert http.get("/xapi/statements", params={"cursor": "0" * 40 + "1"}).status_code == 200


def test_a_deep_json_document_is_stored_as_sent_and_its_event_says_how_long_it_is(
    http: httpx.Client, hostile_lrs: LrsProcess
) -> None:
    """PUT stores any document as sent; one nested too deeply to travel whole goes to the outbox by length."""
    params = {"activityId": ACTIVITY, "agent": AGENT, "stateId": "deep-put"}
    sent = nested_object(600).encode()
    assert (
        http.put(
            "/xapi/activities/state", params=params, content=sent, headers={"Content-Type": "application/json"}
        ).status_code
        == 204
    )
    assert http.get("/xapi/activities/state", params=params).content == sent


@given(
    name=st.sampled_from(["limit", "cursor", "through"]),
    value=st.one_of(
        st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=40),
        st.integers(min_value=2**62).map(str),
        st.text(max_size=30),
    ),
)
@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_value_of_a_numeric_parameter_gets_200_or_400(http: httpx.Client, name: str, value: str) -> None:
    """A limit past the page size is the page size; a cursor the store cannot compare is refused."""
    response = http.get("/xapi/statements", params={name: value})
    assert response.status_code in (200, 400), f"{name}={value!r}: {response.status_code} {response.text[:200]}"


@pytest.mark.parametrize("document_id", ["../../lrs.sqlite", "/etc/passwd", "' OR '1'='1", "a\x00b", "..\\..\\x"])
def test_path_traversal_and_sql_in_document_ids_never_reach_outside_their_scope(
    http: httpx.Client, document_id: str
) -> None:
    scope = {"activityId": ACTIVITY, "agent": AGENT}
    stored = http.put(
        "/xapi/activities/state",
        params={**scope, "stateId": document_id},
        content=b'{"x": 1}',
        headers={"Content-Type": "application/json"},
    )
    assert stored.status_code in (204, 400), stored.text
    if stored.status_code == 204:
        # Stored as an opaque id inside its scope: read back by exactly that id, nothing else came with it.
        read = http.get("/xapi/activities/state", params={**scope, "stateId": document_id})
        assert read.status_code == 200 and read.json() == {"x": 1}
        other = http.get("/xapi/activities/state", params={**scope, "stateId": "lrs.sqlite"})
        assert other.status_code == 404


def test_oversized_document_is_413_and_not_stored(http: httpx.Client, hostile_lrs: LrsProcess) -> None:
    before = stored_rows(hostile_lrs.settings)
    response = http.put(
        "/xapi/activities/state",
        params={"activityId": ACTIVITY, "agent": AGENT, "stateId": "big"},
        content=b"x" * (LIMIT + 1),
        headers={"Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 413
    assert stored_rows(hostile_lrs.settings) == before


def test_garbage_authorization_headers_are_401_not_500(hostile_lrs: LrsProcess) -> None:
    for header in [
        "Basic " + "A" * 10_000,
        "Basic ////",
        "Basic " + base64.b64encode(b"\xff\xfe:\x00").decode(),
        "Bearer x",
        "Basic",
        "basic " + base64.b64encode(b"no-colon").decode(),
    ]:
        response = httpx.get(f"{hostile_lrs.endpoint}statements", headers={**VERSION, "Authorization": header})
        assert response.status_code == 401, f"{header[:40]!r}: {response.status_code}"
