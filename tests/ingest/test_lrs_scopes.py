"""Credentials for tool admins: scopes enforced (401 vs 403), authority per credential, rotate, revoke, refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import httpx

from ingest.lrs import credentials
from leerstroom.settings import Settings
from tests.fixtures.data import REPO
from tests.fixtures.lrs import LrsProcess

VERSION = {"X-Experience-API-Version": "1.0.3"}


def statement() -> dict:
    return {
        "actor": {"mbox": f"mailto:{uuid.uuid4().hex[:8]}@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "http://example.org/v/1"},
    }


def cli(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "LEERSTROOM_DATA_DIR": str(settings.data_dir),
        "LEERSTROOM_LRS_PORT": str(settings.lrs_port),
        "LEERSTROOM_LRS_DATABASE": settings.lrs_database,
    }
    return subprocess.run(
        [sys.executable, "-m", "leerstroom.cli.main", "credentials", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def tool(module_lrs: LrsProcess, *scopes: str) -> httpx.Client:
    credential = credentials.add(module_lrs.settings, f"tool-{uuid.uuid4().hex[:6]}", list(scopes))
    return httpx.Client(
        base_url=module_lrs.endpoint, auth=(credential.key, credential.secret), headers=VERSION, timeout=10
    )


def test_write_only_tool_cannot_read_and_gets_403(module_lrs: LrsProcess) -> None:
    with tool(module_lrs, "statements/write") as writer:
        assert writer.post("statements", json=statement()).status_code == 200
        read = writer.get("statements")
        assert (read.status_code, read.json()["rule"]) == (403, "needs scope statements/read")
        state = writer.put(
            "activities/state",
            params={
                "activityId": "http://example.org/a",
                "stateId": "s",
                "agent": json.dumps({"mbox": "mailto:a@example.org"}),
            },
            json={},
        )
        assert state.status_code == 403


def test_read_mine_sees_only_its_own_statements(module_lrs: LrsProcess) -> None:
    with (
        tool(module_lrs, "statements/write", "statements/read/mine") as mine,
        tool(module_lrs, "statements/write") as other,
    ):
        own = mine.post("statements", json=statement()).json()[0]
        foreign = other.post("statements", json=statement()).json()[0]
        listed = {s["id"] for s in mine.get("statements", params={"limit": "0"}).json()["statements"]}
        assert own in listed and foreign not in listed
        assert mine.get("statements", params={"statementId": foreign}).status_code == 404


def test_all_read_reads_everything_but_writes_nothing(module_lrs: LrsProcess) -> None:
    with tool(module_lrs, "all/read") as reader:
        assert reader.get("statements").status_code == 200
        assert reader.get("agents", params={"agent": json.dumps({"mbox": "mailto:a@example.org"})}).status_code == 200
        assert reader.post("statements", json=statement()).status_code == 403


def test_state_scope_covers_the_state_resource_only(module_lrs: LrsProcess) -> None:
    params = {
        "activityId": "http://example.org/a",
        "stateId": "s",
        "agent": json.dumps({"mbox": "mailto:a@example.org"}),
    }
    with tool(module_lrs, "state") as content:
        assert content.put("activities/state", params=params, json={"x": 1}).status_code == 204
        assert content.get("activities/state", params=params).json() == {"x": 1}
        assert content.post("statements", json=statement()).status_code == 403
        assert (
            content.put(
                "activities/profile",
                params={"activityId": "http://example.org/a", "profileId": "p"},
                json={},
                headers={"If-None-Match": "*"},
            ).status_code
            == 403
        )


def test_authority_names_the_credential(module_lrs: LrsProcess) -> None:
    credential = credentials.add(module_lrs.settings, "moodle-prod", ["all"])
    with httpx.Client(
        base_url=module_lrs.endpoint, auth=(credential.key, credential.secret), headers=VERSION
    ) as moodle:
        statement_id = moodle.post("statements", json=statement()).json()[0]
        stored = moodle.get("statements", params={"statementId": statement_id}).json()
    assert stored["authority"]["account"] == {"homePage": module_lrs.endpoint, "name": "moodle-prod"}


def test_rotate_revoke_and_rejected_from_the_command_line(module_lrs: LrsProcess) -> None:
    settings = module_lrs.settings
    added = json.loads(cli(settings, "add", "h5p-site", "--scope", "statements/write").stdout)
    assert added["scopes"] == ["statements/write"]
    old = (added["key"], added["secret"])
    assert (
        httpx.post(f"{module_lrs.endpoint}statements", json=statement(), auth=old, headers=VERSION).status_code == 200
    )
    rotated = json.loads(cli(settings, "rotate", "h5p-site").stdout)
    assert rotated["key"] == added["key"] and rotated["secret"] != added["secret"]
    refused = httpx.post(f"{module_lrs.endpoint}statements", json=statement(), auth=old, headers=VERSION)
    assert refused.status_code == 401
    new = (rotated["key"], rotated["secret"])
    bad = httpx.post(f"{module_lrs.endpoint}statements", json={"verb": {"id": "x"}}, auth=new, headers=VERSION)
    assert bad.status_code == 400
    assert httpx.get(f"{module_lrs.endpoint}statements", auth=new, headers=VERSION).status_code == 403
    assert json.loads(cli(settings, "revoke", "h5p-site").stdout)["revoked_at"]
    assert (
        httpx.post(f"{module_lrs.endpoint}statements", json=statement(), auth=new, headers=VERSION).status_code == 401
    )
    rejected = json.loads(cli(settings, "rejected", "h5p-site").stdout)
    assert [r["status"] for r in rejected] == [401, 403, 400, 401]
    assert "revoked" in rejected[0]["reason"] and "wrong secret" in rejected[3]["reason"]
    assert "actor" in rejected[2]["reason"] and rejected[2]["request"] == "POST /xapi/statements"
    listed = {c["name"]: c for c in json.loads(cli(settings, "list").stdout)}
    assert listed["h5p-site"]["revoked_at"] and "secret" not in listed["h5p-site"]
    unknown = cli(settings, "rejected", "nobody")
    assert unknown.returncode == 2 and "nobody" in unknown.stderr
    bad_scope = cli(settings, "add", "x", "--scope", "statements/everything")
    assert bad_scope.returncode == 2 and "unknown scope" in bad_scope.stderr
