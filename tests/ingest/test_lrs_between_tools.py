"""What one tool's credential can do to another tool's records: void its statements, read or delete its documents,
or fetch its attachments by their SHA-2. Each tool is fenced in; only an `admin` credential voids across tools."""

from __future__ import annotations

import hashlib
import json
import uuid

import httpx
import pytest

from ingest.lrs import credentials
from tests.fixtures.lrs import LrsProcess, on_every_engine
from tests.ingest.test_lrs_attachments import attachment_for, multipart_body

settings = on_every_engine()

VERSION = {"X-Experience-API-Version": "2.0.0"}
ACTIVITY = "https://lms.example.org/course/ethics"
AGENT = json.dumps({"mbox": "mailto:noor@example.org"})
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def statement(**extra) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": "mailto:noor@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": ACTIVITY},
        **extra,
    }


def voiding(target: str) -> dict:
    return {
        "actor": {"mbox": "mailto:admin@example.org"},
        "verb": {"id": VOIDED, "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": target},
    }


def tool(lrs: LrsProcess, name: str, *scopes: str) -> httpx.Client:
    credential = credentials.add(lrs.settings, f"{name}-{uuid.uuid4().hex[:6]}", list(scopes) or None)
    return httpx.Client(base_url=lrs.endpoint, auth=(credential.key, credential.secret), headers=VERSION, timeout=10)


def is_voided(reader: httpx.Client, statement_id: str) -> bool:
    if reader.get("statements", params={"statementId": statement_id}).status_code == 200:
        return False
    assert reader.get("statements", params={"voidedStatementId": statement_id}).status_code == 200, statement_id
    return True


def test_a_tool_voids_only_its_own_statements_and_cannot_tell_which_ids_exist(module_lrs: LrsProcess) -> None:
    with (
        tool(module_lrs, "lms") as lms,
        tool(module_lrs, "writer", "statements/write") as writer,
        tool(module_lrs, "reader", "statements/read") as reader,
    ):
        theirs = statement()
        assert lms.post("statements", json=theirs).status_code == 200
        unused = str(uuid.uuid4())

        on_theirs = writer.post("statements", json=voiding(theirs["id"]))
        on_unused = writer.post("statements", json=voiding(unused))
        assert on_theirs.status_code == 403, "a write-only tool must not void another tool's statement"
        assert on_unused.status_code == 403, "nor pre-void an id that another tool may use later"
        assert on_theirs.json()["error"] == on_unused.json()["error"], (
            "the answer is the same whether the target exists or not, so it confirms no id"
        )
        put = writer.put("statements", params={"statementId": str(uuid.uuid4())}, json=voiding(theirs["id"]))
        assert put.status_code == 403

        later = {**statement(), "id": unused}
        assert lms.post("statements", json=later).status_code == 200
        assert not is_voided(reader, theirs["id"]) and not is_voided(reader, unused)

        mine = statement()
        assert writer.post("statements", json=mine).status_code == 200
        assert writer.post("statements", json=voiding(mine["id"])).status_code == 200, "its own statement it may void"
        assert is_voided(reader, mine["id"])
        # In one batch: a statement and the statement voiding it, both from the same tool.
        batch = statement()
        assert writer.post("statements", json=[batch, voiding(batch["id"])]).status_code == 200
        assert is_voided(reader, batch["id"])


def test_an_admin_credential_voids_any_statement(module_lrs: LrsProcess) -> None:
    with (
        tool(module_lrs, "lms") as lms,
        tool(module_lrs, "registrar", "statements/write", "admin") as admin,
        tool(module_lrs, "reader", "statements/read") as reader,
    ):
        theirs = statement()
        assert lms.post("statements", json=theirs).status_code == 200
        assert admin.post("statements", json=voiding(theirs["id"])).status_code == 200
        assert is_voided(reader, theirs["id"])
        # As the spec asks, a voiding statement whose target has not arrived yet is accepted (from an admin).
        early = str(uuid.uuid4())
        assert admin.post("statements", json=voiding(early)).status_code == 200


DOCUMENTS = [
    ("activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark"}, "state"),
    ("activities/profile", {"activityId": ACTIVITY, "profileId": "syllabus"}, "profile"),
    ("agents/profile", {"agent": AGENT, "profileId": "preferences"}, "profile"),
]


@pytest.mark.parametrize("path,params,scope", DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_documents_belong_to_the_tool_that_stored_them(
    module_lrs: LrsProcess, path: str, params: dict, scope: str
) -> None:
    with tool(module_lrs, "lms", scope) as lms, tool(module_lrs, "curious", scope) as curious:
        create = {"If-None-Match": "*"}
        assert lms.put(path, params=params, json={"page": 7}, headers=create).status_code == 204
        listing = {k: v for k, v in params.items() if k not in ("stateId", "profileId")}

        assert curious.get(path, params=params).status_code == 404, "another tool cannot read it"
        assert curious.get(path, params=listing).json() == [], "nor see its id"
        if path == "activities/state":
            assert curious.delete(path, params=listing).status_code == 204
        else:
            assert curious.delete(path, params=params).status_code in (204, 404)
        assert curious.put(path, params=params, json={"page": 1}, headers=create).status_code == 204, (
            "the other tool stores its own document under the same id, beside the first"
        )
        assert curious.get(path, params=params).json() == {"page": 1}

        kept = lms.get(path, params=params)
        assert kept.status_code == 200 and kept.json() == {"page": 7}, "the first tool's document is untouched"
        assert lms.get(path, params=listing).json() == [params.get("stateId") or params.get("profileId")]


def test_an_attachment_is_returned_only_with_the_statements_it_was_sent_with(module_lrs: LrsProcess) -> None:
    """A tool that learns an attachment's SHA-2 cannot get its content by naming it in a statement of its own."""
    secret_text = f"Noor Haddad, Keizersgracht 12, Amsterdam ({uuid.uuid4()})".encode()
    with tool(module_lrs, "lms") as lms, tool(module_lrs, "mine", "statements/write", "statements/read/mine") as mine:
        essay = statement(attachments=[attachment_for(secret_text)])
        body, headers = multipart_body(essay, [secret_text])
        assert lms.post("statements", content=body, headers=headers).status_code == 200
        back = lms.get("statements", params={"statementId": essay["id"], "attachments": "true"})
        assert secret_text in back.content, "the tool that sent it gets it back"

        claim = statement(attachments=[{**attachment_for(secret_text), "fileUrl": "https://elsewhere.example.org/x"}])
        assert mine.post("statements", json=claim).status_code == 200
        got = mine.get("statements", params={"statementId": claim["id"], "attachments": "true"})
        assert got.status_code == 200
        assert secret_text not in got.content, "naming the SHA-2 is not enough to read another tool's attachment"
        listed = mine.get("statements", params={"attachments": "true"})
        assert secret_text not in listed.content
        assert hashlib.sha256(secret_text).hexdigest().encode() in got.content, "the statement itself still names it"
