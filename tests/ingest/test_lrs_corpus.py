"""Real tools' statements (Moodle's logstore, the cmi5 samples) go in over HTTP and come back unchanged."""

from __future__ import annotations

import httpx

from tests.fixtures.data import corpus_statements
from tests.fixtures.lrs import LrsProcess

VERSION = {"X-Experience-API-Version": "1.0.3"}
# The LRS overwrites these whatever the tool sent; the rest must come back as sent.
ALWAYS_ASSIGNED = ("stored", "authority")
ASSIGNED_IF_ABSENT = ("id", "timestamp", "version")
MULTI_CONTENT_ID = "8a69db4c-bb60-41fd-9740-e713dba8de2e"


def without_assigned(served: dict, sent: dict) -> dict:
    return {
        key: value
        for key, value in served.items()
        if key not in ALWAYS_ASSIGNED and not (key in ASSIGNED_IF_ABSENT and key not in sent)
    }


def sent_part(sent: dict) -> dict:
    return {key: value for key, value in sent.items() if key not in ALWAYS_ASSIGNED}


def test_corpus_round_trip(lrs: LrsProcess) -> None:
    moodle = corpus_statements("moodle-logstore-xapi.ndjson")
    cmi5 = corpus_statements("cmi5-spec-samples.ndjson")
    with httpx.Client(base_url=lrs.endpoint, auth=lrs.auth, headers=VERSION, timeout=30) as client:
        moodle_ids: list[str] = []
        for start in range(0, len(moodle), 50):
            response = client.post("statements", json=moodle[start : start + 50])
            assert response.status_code == 200, response.text
            moodle_ids += response.json()

        # First occurrence of every id in one request; each later one alone, as a tool re-sending would.
        first: dict[str, dict] = {}
        later: list[dict] = []
        for item in cmi5:
            if item["id"] in first:
                later.append(item)
            else:
                first[item["id"]] = item
        response = client.post("statements", json=list(first.values()))
        assert response.status_code == 200, response.text
        assert response.json() == list(first)

        conflicts = 0
        for item in later:
            response = client.post("statements", json=item)
            identical = sent_part(item) == sent_part(first[item["id"]])
            assert response.status_code == (200 if identical else 409), (item["id"], response.text)
            conflicts += not identical
        # The multi-content id comes with four contents: the first is stored, the three others refused.
        assert conflicts == 3
        assert {item["id"] for item in later if sent_part(item) != sent_part(first[item["id"]])} == {MULTI_CONTENT_ID}

        for statement_id, sent in [*zip(moodle_ids, moodle), *first.items()]:
            served = client.get("statements", params={"statementId": statement_id})
            assert served.status_code == 200
            assert without_assigned(served.json(), sent) == sent_part(sent)

    assert len(first) == 95
    assert lrs.counts() == {"statements": 190 + 95, "outbox": 190 + 95, "outbox_unpublished": 190 + 95}
