"""Statement queries over real HTTP: every filter, more paging, formats, HEAD, voiding and StatementRef rules."""

from __future__ import annotations

import json
import time
import uuid
from email.utils import parsedate_to_datetime

import httpx
import pytest

from ingest.xapi import formats
from tests.fixtures.lrs import LrsProcess

VERSION = {"X-Experience-API-Version": "2.0.0"}
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
RUN = uuid.uuid4().hex[:8]


def agent(name: str) -> dict:
    return {"objectType": "Agent", "mbox": f"mailto:{name}-{RUN}@example.org", "name": name.title()}


def statement(who: str, verb: str, activity: str, **extra) -> dict:
    return {
        "actor": agent(who),
        "verb": {"id": f"http://example.org/verbs/{verb}-{RUN}", "display": {"en-US": verb}},
        "object": {
            "id": f"http://example.org/act/{activity}-{RUN}",
            "definition": {"name": {"en-US": activity, "nl-NL": f"{activity}-nl"}},
        },
        **extra,
    }


@pytest.fixture(scope="module")
def client(module_lrs: LrsProcess):
    with httpx.Client(base_url=module_lrs.base_url, auth=module_lrs.auth, headers=VERSION, timeout=10) as http:
        yield http


@pytest.fixture(scope="module")
def stored(client: httpx.Client) -> dict[str, str]:
    """A small history: ann and bob, two verbs, a registration, a context parent, a group, a SubStatement."""
    registration = str(uuid.uuid4())
    sent = {
        "ann_read": statement("ann", "read", "book"),
        "ann_passed": statement(
            "ann",
            "passed",
            "quiz",
            context={
                "registration": registration,
                "instructor": agent("teacher"),
                "contextActivities": {"parent": [{"id": f"http://example.org/act/course-{RUN}"}]},
            },
        ),
        "bob_read": statement("bob", "read", "book"),
        "bob_about_ann": {
            "actor": agent("bob"),
            "verb": {"id": f"http://example.org/verbs/mentored-{RUN}"},
            "object": agent("ann"),
        },
        "sub": {
            "actor": agent("carl"),
            "verb": {"id": f"http://example.org/verbs/planned-{RUN}"},
            "object": {
                "objectType": "SubStatement",
                "actor": agent("dora"),
                "verb": {"id": f"http://example.org/verbs/read-{RUN}"},
                "object": {"id": f"http://example.org/act/atlas-{RUN}"},
            },
        },
    }
    ids = {}
    for name, body in sent.items():
        response = client.post("/xapi/statements", json=body)
        assert response.status_code == 200, response.text
        ids[name] = response.json()[0]
        time.sleep(0.005)
    ids["registration"] = registration
    return ids


def query_ids(client: httpx.Client, **params) -> list[str]:
    response = client.get("/xapi/statements", params=params)
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()["statements"]]


def test_agent_filter_matches_actor_or_object_only(client: httpx.Client, stored: dict) -> None:
    found = query_ids(client, agent=json.dumps({"mbox": agent("ann")["mbox"]}))
    assert found == [stored["bob_about_ann"], stored["ann_passed"], stored["ann_read"]]
    teacher = json.dumps({"mbox": agent("teacher")["mbox"]})
    assert query_ids(client, agent=teacher) == []
    assert query_ids(client, agent=teacher, related_agents="true") == [stored["ann_passed"]]
    dora = json.dumps({"mbox": agent("dora")["mbox"]})
    assert query_ids(client, agent=dora, related_agents="true") == [stored["sub"]]


def test_verb_activity_and_registration_filters(client: httpx.Client, stored: dict) -> None:
    read = f"http://example.org/verbs/read-{RUN}"
    assert query_ids(client, verb=read) == [stored["bob_read"], stored["ann_read"]]
    assert query_ids(client, verb=read, agent=json.dumps(agent("bob"))) == [stored["bob_read"]]
    course = f"http://example.org/act/course-{RUN}"
    assert query_ids(client, activity=course) == []
    assert query_ids(client, activity=course, related_activities="true") == [stored["ann_passed"]]
    atlas = f"http://example.org/act/atlas-{RUN}"
    assert query_ids(client, activity=atlas, related_activities="true") == [stored["sub"]]
    assert query_ids(client, registration=stored["registration"]) == [stored["ann_passed"]]


def test_since_until_and_ascending(client: httpx.Client, stored: dict) -> None:
    read = f"http://example.org/verbs/read-{RUN}"
    first = client.get("/xapi/statements", params={"statementId": stored["ann_read"]}).json()["stored"]
    assert query_ids(client, verb=read, since=first) == [stored["bob_read"]]
    assert query_ids(client, verb=read, until=first) == [stored["ann_read"]]
    assert query_ids(client, verb=read, ascending="true") == [stored["ann_read"], stored["bob_read"]]


def test_more_pages_through_everything_once(client: httpx.Client, stored: dict) -> None:
    everything = query_ids(client, limit="0")
    seen: list[str] = []
    page = client.get("/xapi/statements", params={"limit": "2"}).json()
    while True:
        seen += [s["id"] for s in page["statements"]]
        assert len(page["statements"]) <= 2
        if not page["more"]:
            break
        assert page["more"].startswith("/xapi/statements?")
        page = client.get(page["more"]).json()
    assert seen == everything and len(set(seen)) == len(seen)


def test_formats_ids_and_canonical(client: httpx.Client, stored: dict) -> None:
    params = {"verb": f"http://example.org/verbs/passed-{RUN}"}
    ids = client.get("/xapi/statements", params={**params, "format": "ids"}).json()["statements"][0]
    assert ids["actor"] == {"objectType": "Agent", "mbox": agent("ann")["mbox"]}
    assert ids["verb"] == {"id": params["verb"]} and ids["object"] == {"id": f"http://example.org/act/quiz-{RUN}"}
    canonical = client.get(
        "/xapi/statements", params={**params, "format": "canonical"}, headers={"Accept-Language": "nl-NL, en;q=0.5"}
    ).json()["statements"][0]
    assert canonical["object"]["definition"]["name"] == {"nl-NL": "quiz-nl"}
    assert canonical["verb"]["display"] == {"en-US": "passed"}
    wrong = client.get("/xapi/statements", params={"format": "full"})
    assert (wrong.status_code, wrong.json()["field"]) == (400, "format")


def test_head_answers_like_get_without_a_body(client: httpx.Client, stored: dict) -> None:
    head = client.head("/xapi/statements", params={"statementId": stored["ann_read"]})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Last-Modified"] and head.headers["X-Experience-API-Consistent-Through"]


def test_headers_consistent_through_and_last_modified(client: httpx.Client, stored: dict) -> None:
    response = client.get("/xapi/statements", params={"statementId": stored["bob_read"]})
    modified = parsedate_to_datetime(response.headers["Last-Modified"])
    assert abs(modified.timestamp() - formats.parse_timestamp(response.json()["stored"]).timestamp()) < 1
    through = formats.parse_timestamp(response.headers["X-Experience-API-Consistent-Through"])
    assert through >= formats.parse_timestamp(response.json()["stored"])


@pytest.mark.parametrize(
    "params, field",
    [
        ({"agent": "{not json"}, "agent"),
        ({"agent": json.dumps({"name": "no identifier"})}, "agent"),
        ({"verb": "not an iri"}, "verb"),
        ({"registration": "123"}, "registration"),
        ({"since": "yesterday"}, "since"),
        ({"limit": "-1"}, "limit"),
        ({"ascending": "yes"}, "ascending"),
        ({"Verb": "http://example.org/v"}, "Verb"),
    ],
)
def test_bad_query_parameters_are_400_naming_the_parameter(client: httpx.Client, params: dict, field: str) -> None:
    response = client.get("/xapi/statements", params=params)
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_voiding_and_statement_refs(client: httpx.Client, stored: dict) -> None:
    target = client.post("/xapi/statements", json=statement("eve", "tried", "lab")).json()[0]
    ref = client.post(
        "/xapi/statements",
        json={
            "actor": agent("fay"),
            "verb": {"id": "http://example.org/verbs/liked"},
            "object": {"objectType": "StatementRef", "id": target},
        },
    ).json()[0]
    eve = json.dumps({"mbox": agent("eve")["mbox"]})
    # A statement referring to a match matches too (Filter Conditions for StatementRefs).
    assert query_ids(client, agent=eve) == [ref, target]
    voiding = client.post(
        "/xapi/statements",
        json={"actor": agent("eve"), "verb": {"id": VOIDED}, "object": {"objectType": "StatementRef", "id": target}},
    ).json()[0]
    assert query_ids(client, agent=eve) == [voiding, ref]
    assert client.get("/xapi/statements", params={"statementId": target}).status_code == 404
    assert client.get("/xapi/statements", params={"voidedStatementId": target}).json()["id"] == target
    not_voided = client.get("/xapi/statements", params={"voidedStatementId": ref})
    assert not_voided.status_code == 404
    bad = client.post(
        "/xapi/statements",
        json={"actor": agent("eve"), "verb": {"id": VOIDED}, "object": {"id": "http://example.org/act/x"}},
    )
    assert (bad.status_code, bad.json()["field"]) == (400, "object.objectType")
