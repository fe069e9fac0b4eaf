"""A statement refused with 400 is never silently lost: listed with its body, repaired, replayed into the lake once.

Real parts throughout: the embedded broker, the LRS with its relay and the sink as processes, a tool posting
real Open edX output over HTTP, and the operator's `leerstroom rejected` commands as their own processes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections import Counter

import httpx
import pytest

from ingest.lrs.store import LrsStore
from tests.fixtures.data import REPO, corpus_statements

pytestmark = [pytest.mark.broker, pytest.mark.slow]

SCORE_MIN_IS_MAX, GROUPING_NOT_IRI, OBJECT_WITHOUT_ID = corpus_statements("openedx-refused.ndjson")
RULES = """
tools:
  pipeline-test:
    base_iri: https://courses.example.org/xapi/activities/
    repairs: [drop_invalid_score_range, prefix_non_iri_ids]
"""


def rejected(pipeline, *args: str) -> subprocess.CompletedProcess:
    env = {"LEERSTROOM_DATA_DIR": str(pipeline.settings.data_dir), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "leerstroom.cli.main", "rejected", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def stored_statements(pipeline) -> int:
    """Statements in the LRS store; each new one also enters the outbox, in the same transaction."""
    store = LrsStore(pipeline.settings)
    try:
        return store.counts()["statements"]
    finally:
        store.close()


def test_a_refused_statement_is_listed_repaired_replayed_and_lands_in_the_lake_exactly_once(pipeline) -> None:
    auth = (pipeline.key, pipeline.secret)
    headers = {"X-Experience-API-Version": "1.0.3"}
    with httpx.Client(base_url=pipeline.endpoint, auth=auth, headers=headers, timeout=30) as tool:
        answers = [tool.post("statements", json=s) for s in (SCORE_MIN_IS_MAX, GROUPING_NOT_IRI, OBJECT_WITHOUT_ID)]
    assert [a.status_code for a in answers] == [400, 400, 400], "a conformant LRS says 400, replay or not"

    listed = rejected(pipeline, "list", "--statements")
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [(r[2], r[3], r[5]) for r in rows] == [
        ("pipeline-test", "400", "object.id: is required"),
        (
            "pipeline-test",
            "400",
            "context.contextActivities.grouping[0].id: must be an IRI with a scheme (e.g. http://...) and no spaces",
        ),
        ("pipeline-test", "400", "result.score.min: must be less than max"),
    ]
    ids = {r[5].split(":")[0]: r[0] for r in rows}
    assert json.loads(rejected(pipeline, "show", ids["result.score.min"]).stdout)["body"] == SCORE_MIN_IS_MAX

    pipeline.settings.repair_rules_file.write_text(RULES)
    replayed = rejected(pipeline, "replay")

    assert replayed.returncode == 1, "the object without an id has no repair: it stays, with its reason"
    assert replayed.stdout.splitlines() == [
        f"{ids['result.score.min']}: stored 1 statement(s) after 2 change(s) ({SCORE_MIN_IS_MAX['id']})",
        f"{ids['context.contextActivities.grouping[0].id']}: stored 1 statement(s) after 1 change(s) "
        f"({GROUPING_NOT_IRI['id']})",
        f"{ids['object.id']}: refused again with 400: object.id: is required",
    ]
    landed = [SCORE_MIN_IS_MAX["id"], GROUPING_NOT_IRI["id"]]
    found = Counter(pipeline.wait_for_lake(landed))
    assert [found[i] for i in landed] == [1, 1]

    before = stored_statements(pipeline)
    second = rejected(pipeline, "replay")
    assert f"{ids['result.score.min']}: replayed already at" in second.stdout
    forced = rejected(
        pipeline, "replay", "--again", ids["result.score.min"], ids["context.contextActivities.grouping[0].id"]
    )
    assert forced.returncode == 0 and forced.stdout.count("stored 1 statement(s)") == 2
    assert stored_statements(pipeline) == before, "the second replay stored nothing, so it published nothing"
    marker = str(uuid.uuid4())
    pipeline.send(
        [
            {
                "id": marker,
                "actor": {"mbox": "mailto:marker@example.org"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                "object": {"id": "https://courses.example.org/xapi/activities/marker"},
            }
        ]
    )
    found = Counter(pipeline.wait_for_lake([marker]))
    assert [found[i] for i in landed] == [1, 1]
    payload = pipeline_payload(pipeline, SCORE_MIN_IS_MAX["id"])
    repairs = payload["context"]["extensions"]["urn:leerstroom:extension:replayed"]["repairs"]
    assert [r["original"] for r in repairs] == [0.0, 0.0], "the lake's copy says what was changed, and from what"


def pipeline_payload(pipeline, statement_id: str) -> dict:
    from leerstroom import lake

    con = lake.connect(pipeline.settings, read_only=True)
    try:
        return json.loads(
            con.execute("SELECT payload FROM lake.raw.statements WHERE statement_id = ?", [statement_id]).fetchone()[0]
        )
    finally:
        con.close()
