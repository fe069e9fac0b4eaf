"""Storing and reading statements over real HTTP, with the tincan client and with raw requests."""

from __future__ import annotations

import uuid

import httpx
import orjson
import pytest
from tincan import Activity, Agent, LanguageMap, RemoteLRS, Result, Score, Statement, Verb

from ingest.lrs.store import LrsStore
from leerstroom.settings import Settings
from tests.fixtures.data import free_port
from tests.fixtures.lrs import LrsProcess, on_every_engine
from tests.ingest.test_xapi_validation import INVALID

settings = on_every_engine()

VERSION = {"X-Experience-API-Version": "1.0.3"}
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def statement(**extra) -> dict:
    base = {
        "actor": {"objectType": "Agent", "name": "Lin", "mbox": "mailto:lin@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en": "answered"}},
        "object": {"objectType": "Activity", "id": "http://example.org/quiz/7/q1"},
    }
    return {**base, **extra}


@pytest.fixture(scope="module")
def shared_lrs(tmp_path_factory: pytest.TempPathFactory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("lrs-statements"), lrs_port=free_port())
    process = LrsProcess(settings).start()
    yield process
    process.stop()


@pytest.fixture
def client(shared_lrs: LrsProcess):
    with httpx.Client(base_url=shared_lrs.endpoint, auth=shared_lrs.auth, headers=VERSION, timeout=10) as http:
        yield http


def outbox_payloads(shared_lrs: LrsProcess) -> dict[str, bytes]:
    store = LrsStore(shared_lrs.settings)
    try:
        return {event_id: bytes(payload) for event_id, payload in store.read("SELECT event_id, payload FROM outbox")}
    finally:
        store.close()


def test_tincan_saves_and_retrieves_statements(lrs: LrsProcess) -> None:
    remote = RemoteLRS(endpoint=lrs.endpoint, username=lrs.key, password=lrs.secret, version="1.0.3")
    sent = Statement(
        actor=Agent(name="Noor", mbox="mailto:noor@example.org"),
        verb=Verb(id="http://adlnet.gov/expapi/verbs/passed", display=LanguageMap({"en-US": "passed"})),
        object=Activity(id="http://example.org/courses/safety"),
        result=Result(score=Score(scaled=0.9, raw=90, min=0, max=100), success=True, duration="PT12M"),
    )
    saved = remote.save_statement(sent)
    assert saved.success, saved.data
    batch = [
        Statement(
            actor=Agent(mbox=f"mailto:p{i}@example.org"),
            verb=Verb(id="http://adlnet.gov/expapi/verbs/experienced"),
            object=Activity(id=f"http://example.org/videos/{i}"),
        )
        for i in range(3)
    ]
    saved_batch = remote.save_statements(batch)
    assert saved_batch.success, saved_batch.data
    assert all(item.id for item in saved_batch.content)

    fetched = remote.retrieve_statement(sent.id)
    assert fetched.success, fetched.data
    assert fetched.content.result.score.raw == 90
    assert fetched.content.actor.mbox == "mailto:noor@example.org"
    assert fetched.content.authority.account.name == "test-tool"
    assert lrs.counts() == {"statements": 4, "outbox": 4, "outbox_unpublished": 4}


def test_post_answers_ids_in_order_and_fills_lrs_fields(client: httpx.Client) -> None:
    own_id = str(uuid.uuid4())
    response = client.post("statements", json=[statement(id=own_id), statement()])
    assert response.status_code == 200
    ids = response.json()
    assert ids[0] == own_id and uuid.UUID(ids[1]).version == 4
    stored = client.get("statements", params={"statementId": ids[1]}).json()
    assert stored["stored"].endswith("Z") and stored["timestamp"] == stored["stored"]
    assert stored["authority"]["account"]["name"] == "test-tool"
    assert stored["version"] == "1.0.0"


def test_outbox_payload_is_the_stored_statement(client: httpx.Client, shared_lrs: LrsProcess) -> None:
    statement_id = client.post("statements", json=statement()).json()[0]
    served = client.get("statements", params={"statementId": statement_id})
    assert orjson.loads(outbox_payloads(shared_lrs)[statement_id]) == served.json()
    assert served.headers["Last-Modified"].endswith("GMT")


@pytest.mark.parametrize("case, body, field, rule_words", INVALID, ids=[case[0] for case in INVALID])
def test_invalid_statement_is_400_and_nothing_is_stored(
    client: httpx.Client, shared_lrs: LrsProcess, case: str, body: dict, field: str, rule_words: str
) -> None:
    before = shared_lrs.counts()
    valid_first = statement(id=str(uuid.uuid4()))
    response = client.post("statements", json=[valid_first, body])
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["field"] == f"[1].{field}"
    assert rule_words in error["rule"] and error["field"] in error["error"]
    assert shared_lrs.counts() == before
    assert client.get("statements", params={"statementId": valid_first["id"]}).status_code == 404


@pytest.mark.parametrize(
    "body, field",
    [
        (b"{not json", "body"),
        (b"[]", "body"),
        (b"42", "body"),
    ],
)
def test_unusable_bodies_are_400(client: httpx.Client, body: bytes, field: str) -> None:
    response = client.post("statements", content=body, headers={"Content-Type": "application/json"})
    assert (response.status_code, response.json()["field"]) == (400, field)


def test_wrong_content_type_is_400(client: httpx.Client) -> None:
    response = client.post("statements", content=orjson.dumps(statement()), headers={"Content-Type": "text/plain"})
    assert (response.status_code, response.json()["field"]) == (400, "Content-Type")


def test_same_id_twice_in_one_request_rejects_the_request(client: httpx.Client, shared_lrs: LrsProcess) -> None:
    before = shared_lrs.counts()
    same = str(uuid.uuid4())
    response = client.post("statements", json=[statement(id=same), statement(id=same)])
    assert response.status_code == 400
    assert response.json()["field"] == "[1].id"
    assert shared_lrs.counts() == before


def test_identical_resend_is_harmless(client: httpx.Client, shared_lrs: LrsProcess) -> None:
    sent = statement(id=str(uuid.uuid4()), timestamp="2024-03-01T10:00:00+01:00")
    assert client.post("statements", json=sent).status_code == 200
    before = shared_lrs.counts()
    # Same instant in another zone and another verb display: the spec says these do not count as different.
    again = dict(sent, timestamp="2024-03-01T09:00:00.000Z", verb={**sent["verb"], "display": {"de": "beantwortet"}})
    response = client.post("statements", json=again)
    assert (response.status_code, response.json()) == (200, [sent["id"]])
    assert client.put("statements", params={"statementId": sent["id"]}, json=sent).status_code == 204
    assert shared_lrs.counts() == before


def test_same_id_with_other_content_is_409_and_the_batch_is_dropped(
    client: httpx.Client, shared_lrs: LrsProcess
) -> None:
    taken = str(uuid.uuid4())
    assert client.post("statements", json=statement(id=taken)).status_code == 200
    before = shared_lrs.counts()
    newcomer = statement(id=str(uuid.uuid4()))
    response = client.post("statements", json=[newcomer, statement(id=taken, result={"success": False})])
    assert response.status_code == 409
    assert taken in response.json()["error"]
    assert shared_lrs.counts() == before
    assert client.get("statements", params={"statementId": newcomer["id"]}).status_code == 404
    put = client.put("statements", params={"statementId": taken}, json=statement(result={"success": False}))
    assert put.status_code == 409


def test_put_stores_under_the_given_id(client: httpx.Client) -> None:
    statement_id = str(uuid.uuid4())
    assert client.put("statements", params={"statementId": statement_id}, json=statement()).status_code == 204
    assert client.get("statements", params={"statementId": statement_id}).json()["id"] == statement_id
    mismatch = client.put("statements", params={"statementId": str(uuid.uuid4())}, json=statement(id=statement_id))
    assert (mismatch.status_code, mismatch.json()["field"]) == (400, "id")
    missing = client.put("statements", json=statement())
    assert (missing.status_code, missing.json()["field"]) == (400, "statementId")


def test_get_rules_for_single_statements(client: httpx.Client) -> None:
    unknown = client.get("statements", params={"statementId": str(uuid.uuid4())})
    assert unknown.status_code == 404
    assert client.get("statements", params={"statementId": "nope"}).json()["field"] == "statementId"
    both = client.get("statements", params={"statementId": str(uuid.uuid4()), "voidedStatementId": str(uuid.uuid4())})
    assert both.status_code == 400
    extra = client.get("statements", params={"statementId": str(uuid.uuid4()), "limit": "1"})
    assert (extra.status_code, extra.json()["field"]) == (400, "limit")
    wrong_case = client.get("statements", params={"StatementId": str(uuid.uuid4())})
    assert (wrong_case.status_code, wrong_case.json()["field"]) == (400, "StatementId")


def test_voiding_hides_the_target_and_cannot_be_voided_itself(client: httpx.Client) -> None:
    target = client.post("statements", json=statement()).json()[0]
    voiding = statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target})
    voiding_id = client.post("statements", json=voiding).json()[0]
    assert client.get("statements", params={"statementId": target}).status_code == 404
    assert client.get("statements", params={"voidedStatementId": target}).json()["id"] == target
    assert client.get("statements", params={"statementId": voiding_id}).status_code == 200
    page_ids = {s["id"] for s in client.get("statements", params={"limit": "50"}).json()["statements"]}
    assert voiding_id in page_ids and target not in page_ids
    again = statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": voiding_id})
    response = client.post("statements", json=again)
    assert (response.status_code, response.json()["field"]) == (400, "object.id")


def test_recent_page_links_to_more(client: httpx.Client) -> None:
    for _ in range(3):
        client.post("statements", json=statement())
    first = client.get("statements", params={"limit": "2"}).json()
    assert len(first["statements"]) == 2 and first["more"]
    second = client.get(first["more"].removeprefix("/xapi/")).json()
    assert not {s["id"] for s in second["statements"]} & {s["id"] for s in first["statements"]}
