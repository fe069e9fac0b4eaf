"""The dead-letter store: what a running LRS refuses with 400 is kept with its body, bounded, private and replayable.

The refused statements are real Open edX output (tests/fixtures/corpus/openedx-event-routing-backends).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from ingest.erasure import forget
from ingest.lrs import credentials, rejected, repairs, replay
from ingest.lrs.store import LrsStore
from ingest.privacy.forgotten import ForgetList
from ingest.xapi import formats
from leerstroom.settings import Settings
from tests.fixtures.data import REPO, corpus_statements
from tests.fixtures.lrs import LrsProcess, on_every_engine, stored_bytes

settings = on_every_engine()

VERSION = {"X-Experience-API-Version": "1.0.3"}
SCORE_MIN_IS_MAX, GROUPING_NOT_IRI, OBJECT_WITHOUT_ID = corpus_statements("openedx-refused.ndjson")
RULES = """
tools:
  {tool}:
    base_iri: https://courses.example.org/xapi/activities/
    repairs: [drop_invalid_score_range, prefix_non_iri_ids]
"""


def cli(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    env = {
        "LEERSTROOM_DATA_DIR": str(settings.data_dir),
        "LEERSTROOM_LRS_DATABASE": settings.lrs_database,
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "-m", "leerstroom.cli.main", "rejected", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def client(lrs: LrsProcess) -> httpx.Client:
    return httpx.Client(base_url=lrs.endpoint, auth=lrs.auth, headers=VERSION, timeout=10)


def letters(settings: Settings) -> list[rejected.Rejection]:
    store = LrsStore(settings)
    try:
        return rejected.listing(store, settings, limit=None)
    finally:
        store.close()


def test_a_statement_refused_with_400_is_kept_with_its_body_and_the_tool_still_gets_its_400(
    lrs: LrsProcess, settings: Settings
) -> None:
    sent = json.dumps(SCORE_MIN_IS_MAX, indent=1).encode()
    with client(lrs) as http:
        answer = http.post("statements", content=sent, headers={"Content-Type": "application/json"})
        batch = http.post("statements", json=[GROUPING_NOT_IRI, OBJECT_WITHOUT_ID])

    assert answer.status_code == 400
    assert answer.json() == {
        "error": "result.score.min: must be less than max",
        "field": "result.score.min",
        "rule": "must be less than max",
    }
    assert batch.status_code == 400 and batch.json()["field"] == "[0].context.contextActivities.grouping[0].id"
    listed = cli(settings, "list")
    assert listed.returncode == 0, listed.stderr
    lines = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [(line[2], line[3], line[4], line[5]) for line in lines] == [
        (
            "test-tool",
            "400",
            "POST /xapi/statements",
            "[0].context.contextActivities.grouping[0].id: "
            "must be an IRI with a scheme (e.g. http://...) and no spaces",
        ),
        ("test-tool", "400", "POST /xapi/statements", "result.score.min: must be less than max"),
    ]
    assert lines[1][6] == f"{len(sent)} bytes, body kept"
    shown = json.loads(cli(settings, "show", lines[1][0]).stdout)
    assert shown["body"] == SCORE_MIN_IS_MAX and shown["body_kept"] == "whole" and shown["tool"] == "test-tool"
    assert shown["body_sha256"] == hashlib.sha256(sent).hexdigest() and shown["version"] == "1.0.3"
    exported = [json.loads(line) for line in cli(settings, "export", "--statements").stdout.splitlines()]
    assert [e["body"] for e in exported] == [SCORE_MIN_IS_MAX, [GROUPING_NOT_IRI, OBJECT_WITHOUT_ID]]


def test_an_oversize_body_keeps_its_digest_and_first_bytes_and_other_refusals_keep_no_body(
    lrs_process, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEERSTROOM_LRS_REJECTED_BODY_BYTES", "2048")
    lrs = lrs_process()
    big = json.dumps([GROUPING_NOT_IRI] * 20).encode()
    with client(lrs) as http:
        assert http.post("statements", content=big, headers={"Content-Type": "application/json"}).status_code == 400
        assert http.get("statements", params={"since": "yesterday"}).status_code == 400
        assert (
            httpx.post(
                f"{lrs.endpoint}statements", content=big, auth=(lrs.key, "wrong"), headers=VERSION, timeout=10
            ).status_code
            == 401
        )

    wrong_secret, query, oversize = letters(settings)
    assert oversize.body_bytes == len(big) > 2048 and oversize.body_sha256 == hashlib.sha256(big).hexdigest()
    assert oversize.body == big[: rejected.HEAD_BYTES] and not oversize.has_whole_body
    assert "LEERSTROOM_LRS_REJECTED_BODY_BYTES" in oversize.body_note
    assert query.status == 400 and query.body is None and query.body_sha256 is None, "a read keeps no body"
    assert wrong_secret.status == 401 and wrong_secret.body is None
    with pytest.raises(replay.CannotReplay, match="not kept whole"):
        replay.prepare(oversize, None)


def test_refusals_expire_after_their_days_and_each_tool_keeps_only_its_newest(settings: Settings) -> None:
    settings = settings.model_copy(update={"lrs_rejected_per_tool": 100, "lrs_rejected_days": 30})
    store = LrsStore(settings)
    try:
        old = formats.format_timestamp(datetime.now(timezone.utc) - timedelta(days=31))
        with store.transaction() as db:
            db.execute(
                "INSERT INTO rejections (credential, at, request, status, reason) VALUES (?, ?, ?, ?, ?)",
                ("quiet-tool", old, "POST /xapi/statements", 400, "long ago"),
            )
        assert rejected.listing(store, settings, limit=None) == [], "an expired note is never shown"
        for number in range(105):
            rejected.record(
                store,
                settings,
                rejected.Refusal("busy-tool", "POST /xapi/statements", 400, f"refusal {number}", body=b"{}"),
            )
        kept = rejected.listing(store, settings, limit=None)
        rows = store.read("SELECT credential, count(*) FROM rejections GROUP BY 1")
        dropped = rejected.drops(store)
    finally:
        store.close()
    assert [r.reason for r in kept] == [f"refusal {n}" for n in range(104, 4, -1)]
    assert rows == [("busy-tool", 100)], "the expired note left the file too"
    # Dropped at the cap, never silently: counted per tool (the health page shows it); an expired note is not a drop.
    assert [(tool, count) for tool, count, _last in dropped] == [("busy-tool", 5)]


def test_forget_erases_the_dead_letters_naming_a_person_and_later_ones_keep_no_body(
    lrs: LrsProcess, settings: Settings
) -> None:
    ada = {
        **SCORE_MIN_IS_MAX,
        "id": "6f1c4f47-3d3c-4d43-9a5d-0c5d1a2b7e01",
        "actor": {"objectType": "Agent", "mbox": "mailto:ada.lovelace@example.org"},
    }
    with client(lrs) as http:
        assert http.post("statements", json=ada).status_code == 400
        assert http.post("statements", json=GROUPING_NOT_IRI).status_code == 400
        forget(settings, "ada.lovelace@example.org")
        assert http.post("statements", json=ada).status_code == 400

    later, other = letters(settings)
    assert later.body is None and later.body_sha256 and "forgotten" in later.body_note
    assert other.body is not None and b"ada.lovelace" not in other.body
    assert b"ada.lovelace" not in stored_bytes(settings)


def refused_by(lrs: LrsProcess, *bodies: object) -> list[rejected.Rejection]:
    """Send each body to the running LRS (each gets 400); their dead letters, oldest first."""
    with client(lrs) as http:
        for body in bodies:
            assert http.post("statements", json=body).status_code == 400
    return list(reversed(letters(lrs.settings)))


def test_replay_repairs_as_declared_keeps_the_original_and_never_stores_twice(
    lrs: LrsProcess, settings: Settings
) -> None:
    refused = refused_by(lrs, SCORE_MIN_IS_MAX, [GROUPING_NOT_IRI, SCORE_MIN_IS_MAX])
    settings.repair_rules_file.parent.mkdir(parents=True, exist_ok=True)  # the store may be on PostgreSQL
    settings.repair_rules_file.write_text(RULES.format(tool="test-tool"))
    rules = repairs.load(settings.repair_rules_file)["test-tool"]
    store = LrsStore(settings, forgotten=ForgetList(settings))  # as `leerstroom rejected replay` opens it
    try:
        first = [replay.replay(store, settings, letter, rules) for letter in refused]
        again = [replay.replay(store, settings, letter, rules) for letter in refused]
        marked = rejected.get(store, settings, refused[0].seq)
    finally:
        store.close()

    assert [o.status for o in first] == [200, 200]
    assert [o.statement_ids for o in first] == [o.statement_ids for o in again]
    assert lrs.counts()["statements"] == 2 and lrs.counts()["outbox"] == 2, "one statement in both: stored once"
    with client(lrs) as http:
        stored = http.get("statements", params={"statementId": SCORE_MIN_IS_MAX["id"]}).json()
        grouping = http.get("statements", params={"statementId": GROUPING_NOT_IRI["id"]}).json()
    assert stored["result"]["score"] == {"raw": 0.0, "scaled": 0.0}
    assert stored["context"]["extensions"][replay.REPLAYED] == {
        "originalSha256": hashlib.sha256(
            json.dumps(SCORE_MIN_IS_MAX, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest(),
        "repairs": [
            {"path": "result.score.min", "rule": "drop_invalid_score_range", "original": 0.0},
            {"path": "result.score.max", "rule": "drop_invalid_score_range", "original": 0.0},
        ],
    }
    assert stored["authority"]["account"]["name"] == "test-tool", "stored as the tool that sent it"
    assert grouping["context"]["contextActivities"]["grouping"][0]["id"] == (
        "https://courses.example.org/xapi/activities/438AD672-DE2C-4F0B-8876-35444E7DD746"
    )
    assert marked.replayed_at and marked.replayed_ids == [SCORE_MIN_IS_MAX["id"]]
    assert json.loads(marked.body) == SCORE_MIN_IS_MAX, "the dead letter keeps the original body"


def test_replay_without_a_rule_for_the_problem_is_refused_again_with_the_reason(
    lrs: LrsProcess, settings: Settings
) -> None:
    (letter,) = refused_by(lrs, OBJECT_WITHOUT_ID)
    settings.repair_rules_file.parent.mkdir(parents=True, exist_ok=True)  # the store may be on PostgreSQL
    settings.repair_rules_file.write_text(RULES.format(tool="test-tool"))

    replayed = cli(settings, "replay")

    assert replayed.returncode == 1
    assert replayed.stdout.strip() == f"{letter.seq}: refused again with 400: object.id: is required"
    assert "1 of 1 still refused" in replayed.stderr and "repair-rules.yml" in replayed.stderr
    noted = letters(settings)[0]
    assert noted.replay_note == "refused again with 400: object.id: is required" and noted.replayed_at is None
    assert lrs.counts()["statements"] == 0
    credentials.revoke(settings, "test-tool")
    revoked = cli(settings, "replay", str(letter.seq))
    assert revoked.returncode == 1 and "was revoked" in revoked.stderr


@pytest.mark.parametrize(
    "text, complaint",
    [
        ("tools: [a]", "expected a mapping `tools:`"),
        ("tools:\n  moodle:\n    repairs: [sharpen_scores]", "unknown repair 'sharpen_scores'"),
        ("tools:\n  moodle:\n    repairs: [prefix_non_iri_ids]", "tools.moodle.base_iri: prefix_non_iri_ids needs"),
        ("tools: {moodle: [", "is not valid YAML"),
    ],
)
def test_a_repair_rules_file_that_cannot_be_used_says_where(tmp_path: Path, text: str, complaint: str) -> None:
    path = tmp_path / "repair-rules.yml"
    path.write_text(text)
    with pytest.raises(repairs.RepairRulesInvalid, match=complaint.replace("[", r"\[").replace("(", r"\(")):
        repairs.load(path)
