"""Document resources over HTTP: ETags, JSON merge, since, multi-delete, outbox events; Activities, Agents, About."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timezone

import httpx
import orjson
import pytest

from ingest.lrs.store import LrsStore
from ingest.xapi import formats
from tests.fixtures.lrs import LrsProcess

V2 = {"X-Experience-API-Version": "2.0.0"}
V1 = {"X-Experience-API-Version": "1.0.3"}
LEARNER = {"objectType": "Agent", "mbox": "mailto:kim@example.org"}


@pytest.fixture
def client(module_lrs: LrsProcess):
    with httpx.Client(base_url=f"{module_lrs.endpoint}", auth=module_lrs.auth, headers=V2, timeout=10) as http:
        yield http


def state_params(**extra) -> dict:
    return {"activityId": f"http://example.org/course/{uuid.uuid4()}", "agent": json.dumps(LEARNER), **extra}


def test_state_put_get_etag_and_last_modified(client: httpx.Client) -> None:
    params = state_params(stateId="bookmark")
    assert client.put("activities/state", params=params, json={"page": 3}).status_code == 204
    got = client.get("activities/state", params=params)
    assert (got.status_code, got.json()) == (200, {"page": 3})
    assert got.headers["ETag"].startswith('"') and got.headers["Last-Modified"].endswith("GMT")
    assert got.headers["Content-Type"].startswith("application/json")
    missing = client.get("activities/state", params={**params, "stateId": "nothing"})
    assert missing.status_code == 404


def test_if_match_and_if_none_match(client: httpx.Client) -> None:
    params = state_params(stateId="progress")
    assert (
        client.put("activities/state", params=params, json={"a": 1}, headers={"If-None-Match": "*"}).status_code == 204
    )
    etag = client.get("activities/state", params=params).headers["ETag"]
    again = client.put("activities/state", params=params, json={"a": 2}, headers={"If-None-Match": "*"})
    assert again.status_code == 412
    stale = client.put("activities/state", params=params, json={"a": 2}, headers={"If-Match": '"stale"'})
    assert (stale.status_code, stale.json()["field"]) == (412, "If-Match")
    blind = client.put("activities/state", params=params, json={"a": 2})
    assert blind.status_code == 409 and "If-Match" in blind.json()["error"]
    assert client.put("activities/state", params=params, json={"a": 2}, headers={"If-Match": etag}).status_code == 204
    assert client.get("activities/state", params=params).json() == {"a": 2}
    assert client.delete("activities/state", params=params, headers={"If-Match": etag}).status_code == 412


def test_post_merges_json_objects_and_refuses_other_documents(client: httpx.Client) -> None:
    params = state_params(stateId="answers")
    assert client.post("activities/state", params=params, json={"q1": "a", "q2": "b"}).status_code == 204
    assert client.post("activities/state", params=params, json={"q2": "c", "q3": "d"}).status_code == 204
    assert client.get("activities/state", params=params).json() == {"q1": "a", "q2": "c", "q3": "d"}
    text = client.post("activities/state", params=params, content=b"plain", headers={"Content-Type": "text/plain"})
    assert text.status_code == 400 and text.json()["field"] == "Content-Type"
    broken = client.post(
        "activities/state", params=params, content=b"{oops", headers={"Content-Type": "application/json"}
    )
    assert (broken.status_code, broken.json()["field"]) == (400, "body")


def test_state_ids_since_and_multi_delete(client: httpx.Client) -> None:
    params = state_params()
    registration = str(uuid.uuid4())
    for state_id in ("a", "b"):
        client.put(
            "activities/state",
            params={**params, "stateId": state_id},
            content=b"x",
            headers={"Content-Type": "text/plain"},
        )
    time.sleep(0.01)
    cut = formats.format_timestamp(datetime.now(timezone.utc))
    time.sleep(0.01)
    client.put("activities/state", params={**params, "stateId": "c"}, json={})
    client.put("activities/state", params={**params, "stateId": "r", "registration": registration}, json={})
    assert client.get("activities/state", params=params).json() == ["a", "b", "c"]
    assert client.get("activities/state", params={**params, "since": cut}).json() == ["c"]
    assert client.delete("activities/state", params=params).status_code == 204
    assert client.get("activities/state", params=params).json() == []
    assert client.get("activities/state", params={**params, "registration": registration}).json() == ["r"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"activityId": "not an iri", "agent": json.dumps(LEARNER), "stateId": "s"}, "activityId"),
        ({"activityId": "http://example.org/a", "agent": "{bad", "stateId": "s"}, "agent"),
        (
            {"activityId": "http://example.org/a", "agent": json.dumps(LEARNER), "stateId": "s", "registration": "r"},
            "registration",
        ),
        ({"agent": json.dumps(LEARNER), "stateId": "s"}, "activityId"),
    ],
)
def test_bad_state_parameters_are_400(client: httpx.Client, params: dict, field: str) -> None:
    response = client.put("activities/state", params=params, json={})
    assert (response.status_code, response.json()["field"]) == (400, field)


def test_profiles_need_concurrency_headers_to_overwrite(client: httpx.Client) -> None:
    activity = {"activityId": f"http://example.org/course/{uuid.uuid4()}", "profileId": "syllabus"}
    agent = {"agent": json.dumps(LEARNER), "profileId": f"prefs-{uuid.uuid4()}"}
    for path, params in (("activities/profile", activity), ("agents/profile", agent)):
        assert client.put(path, params=params, json={"v": 1}).status_code == 204
        assert client.put(path, params=params, json={"v": 2}).status_code == 409
        etag = client.get(path, params=params).headers["ETag"]
        assert client.put(path, params=params, json={"v": 2}, headers={"If-Match": etag}).status_code == 204
        listing = {key: value for key, value in params.items() if key != "profileId"}
        assert params["profileId"] in client.get(path, params=listing).json()
        assert client.delete(path, params=params).status_code == 204
        assert client.get(path, params=params).status_code == 404
    # 1.0.3 clients must send a header even to create a profile document.
    legacy = client.put("activities/profile", params={**activity, "profileId": "new"}, json={}, headers=V1)
    assert (legacy.status_code, legacy.json()["field"]) == (400, "If-None-Match")


def test_document_changes_travel_through_the_outbox(client: httpx.Client, module_lrs: LrsProcess) -> None:
    params = state_params(stateId="suspend_data")
    client.put("activities/state", params=params, json={"slide": 7})
    client.delete("activities/state", params=params)
    store = LrsStore(module_lrs.settings)
    try:
        rows = store.read("SELECT message_key, payload FROM outbox")
    finally:
        store.close()
    events = [orjson.loads(payload) for _, payload in rows if b"leerstroom_event" in payload]
    mine = [e for e in events if e.get("activityId") == params["activityId"]]
    assert [(e["resource"], e["action"], e["documentId"]) for e in mine] == [
        ("state", "put", "suspend_data"),
        ("state", "delete", "suspend_data"),
    ]
    assert mine[0]["content"] == {"slide": 7} and mine[0]["agent"] == LEARNER


def test_activities_resource_returns_the_canonical_definition(client: httpx.Client) -> None:
    activity_id = f"http://example.org/course/{uuid.uuid4()}"
    for language, name in (("en-US", "Safety"), ("nl-NL", "Veiligheid")):
        client.post(
            "statements",
            json={
                "actor": LEARNER,
                "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
                "object": {"id": activity_id, "definition": {"name": {language: name}}},
            },
        )
    got = client.get("activities", params={"activityId": activity_id}).json()
    assert got == {
        "objectType": "Activity",
        "id": activity_id,
        "definition": {"name": {"en-US": "Safety", "nl-NL": "Veiligheid"}},
    }
    assert client.get("activities").json()["field"] == "activityId"


def test_agents_resource_returns_a_person(client: httpx.Client) -> None:
    got = client.get("agents", params={"agent": json.dumps({**LEARNER, "name": "Kim"})})
    assert got.json() == {"objectType": "Person", "name": ["Kim"], "mbox": [LEARNER["mbox"]]}
    group = client.get("agents", params={"agent": json.dumps({"objectType": "Group", "mbox": "mailto:g@example.org"})})
    assert (group.status_code, group.json()["field"]) == (400, "agent")


def test_about_lists_both_versions_without_credentials(module_lrs: LrsProcess) -> None:
    about = httpx.get(f"{module_lrs.endpoint}about")
    assert about.json()["version"] == ["2.0.0", "1.0.3"]
