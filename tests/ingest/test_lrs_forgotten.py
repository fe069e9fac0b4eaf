"""The right to erasure at the LRS: a running LRS refuses statements about a person forgotten since, storing nothing.

`leerstroom forget` runs as its own process while the LRS serves; here it runs in the test
process, beside the LRS subprocess, as an operator's command would.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from ingest.erasure import forget
from ingest.lrs.importer import Importer
from ingest.lrs.store import LrsStore
from leerstroom.settings import Settings
from tests.fixtures.lrs import LrsProcess, on_every_engine
from tests.reliability.test_privacy import (
    ADA,
    VERSION,
    files_naming,
    identity_traces,
    statement,
)

settings = on_every_engine()

GRACE = "grace@example.org"
MENTORED = {"id": "http://id.tincanapi.com/verb/mentored", "display": {"en-US": "mentored"}}


def client(lrs: LrsProcess) -> httpx.Client:
    return httpx.Client(base_url=lrs.endpoint, auth=lrs.auth, headers=VERSION, timeout=10)


def stored_naming(settings: Settings, person: str) -> dict[str, int]:
    """Statements and outbox entries in the LRS store whose bytes name `person`, read as another process would."""
    store = LrsStore(settings)
    try:
        return {
            table: sum(person.encode() in bytes(payload) for (payload,) in store.read(f"SELECT payload FROM {table}"))
            for table in ("statements", "outbox")
        }
    finally:
        store.close()


def test_a_running_lrs_refuses_statements_about_a_person_forgotten_meanwhile(
    lrs: LrsProcess, settings: Settings
) -> None:
    sha1 = hashlib.sha1(f"mailto:{ADA}".encode()).hexdigest()
    with client(lrs) as http:
        assert http.post("statements", json=statement(ADA)).status_code == 200, "before forget, she is accepted"

        forget(settings, ADA)  # no restart of the LRS follows

        refused = http.post("statements", json=statement(ADA))
        assert refused.status_code == 403
        body = refused.json()
        assert "erased at their request" in body["error"] and "right to erasure" in body["error"], body
        assert body["field"] == "[0]"
        assert ADA not in refused.text and sha1 not in refused.text, "the answer never names her"

        # Her other identity form, and her as the object of someone else's statement, are hers too.
        by_sha1 = {**statement(GRACE), "actor": {"mbox_sha1sum": sha1}}
        mentoring = {**statement(GRACE), "verb": MENTORED, "object": {"objectType": "Agent", "mbox": f"mailto:{ADA}"}}
        assert http.post("statements", json=by_sha1).status_code == 403
        assert http.put("statements", params={"statementId": mentoring["id"]}, json=mentoring).status_code == 403

        # A batch is atomic: one statement naming her (as instructor) refuses all three, and says which one.
        batch = [
            statement(GRACE),
            statement("linus@example.org"),
            statement(GRACE, context={"instructor": {"mbox": f"mailto:{ADA}"}}),
        ]
        refused = http.post("statements", json=batch)
        assert refused.status_code == 403
        assert refused.json()["field"] == "[2]" and "statement [2]" in refused.json()["error"]
        assert http.get("statements", params={"statementId": batch[0]["id"]}).status_code == 404

        other = statement(GRACE)
        assert http.post("statements", json=other).status_code == 200, "everyone else is still accepted"
        assert http.get("statements", params={"statementId": other["id"]}).status_code == 200

    assert lrs.counts() == {"statements": 1, "outbox": 1, "outbox_unpublished": 1}
    assert stored_naming(settings, ADA) == {"statements": 0, "outbox": 0}
    # Store, WAL, outbox, rejection notes, the LRS's own log: no file under the data folder names her.
    assert files_naming(settings.data_dir, identity_traces(ADA)) == []


def test_a_running_lrs_refuses_documents_about_a_forgotten_person_and_notes_the_refusal_without_her(
    lrs: LrsProcess, settings: Settings
) -> None:
    her = json.dumps({"mbox": f"mailto:{ADA}"})
    state = {"activityId": "http://example.org/course/1", "agent": her, "stateId": "bookmark"}
    profile = {"agent": her, "profileId": "preferences"}
    with client(lrs) as http:
        assert http.put("activities/state", params=state, json={"page": 3}).status_code == 204, "before forget"

        forget(settings, ADA)  # no restart of the LRS follows

        for resource, params, method in (
            ("activities/state", state, "put"),
            ("activities/state", state, "post"),
            ("agents/profile", profile, "post"),
        ):
            refused = getattr(http, method)(resource, params=params, json={"page": 4})
            assert refused.status_code == 403, (resource, method, refused.text)
            assert refused.json()["field"] == "agent" and "erased at their request" in refused.json()["error"]
            assert ADA not in refused.text
        assert http.get("activities/state", params=state).status_code == 404, "forget removed it, nothing came back"
        other = {**state, "agent": json.dumps({"mbox": f"mailto:{GRACE}"})}
        assert http.put("activities/state", params=other, json={"page": 1}).status_code == 204, "others still can"

    # The refusals are noted for the operator (`leerstroom credentials rejected`), by path only.
    store = LrsStore(settings)
    try:
        notes = store.read("SELECT request, status FROM rejections")
    finally:
        store.close()
    assert [status for _, status in notes].count(403) == 3 and all("?" not in request for request, _ in notes)
    assert files_naming(settings.data_dir, identity_traces(ADA)) == []


def test_forgetting_her_while_a_tool_keeps_sending_about_her_leaves_nothing_of_her_in_the_store(
    lrs: LrsProcess, settings: Settings
) -> None:
    stop = threading.Event()
    answers: Counter[int] = Counter()

    def tool() -> None:
        with client(lrs) as http:
            while not stop.is_set():
                answers[http.post("statements", json=[statement(GRACE), statement(ADA)]).status_code] += 1

    tools = [threading.Thread(target=tool) for _ in range(2)]
    for thread in tools:
        thread.start()
    try:
        deadline = time.monotonic() + 30
        while answers[200] < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        forget(settings, ADA)
        time.sleep(1)
    finally:
        stop.set()
        for thread in tools:
            thread.join(15)

    assert answers[200] >= 10 and answers[403] > 0, answers
    assert set(answers) == {200, 403}, answers
    # What was acknowledged before `forget` cleaned the store went with it; nothing of hers got in afterwards,
    # and a refused batch stored nothing at all: one statement (Grace's) stays of each acknowledged batch.
    assert stored_naming(settings, ADA) == {"statements": 0, "outbox": 0}
    assert lrs.counts()["statements"] == answers[200]


def test_history_import_leaves_out_statements_about_a_forgotten_person(settings: Settings, tmp_path: Path) -> None:
    forget(settings, ADA)
    history = [statement(GRACE), statement(ADA), statement(GRACE, context={"instructor": {"mbox": f"mailto:{ADA}"}})]
    ndjson = tmp_path / "history.ndjson"
    ndjson.write_text("\n".join(json.dumps(s) for s in history) + "\n")

    report = Importer(settings).import_files([ndjson])

    assert (report.read, report.stored, report.rejected) == (3, 1, 2)
    assert all("erased at their request" in problem and ADA not in problem for problem in report.problems)
    assert stored_naming(settings, ADA) == {"statements": 0, "outbox": 0}
