"""Privacy: pseudonyms in the lake under a key, and `leerstroom forget` leaving no trace of a person in any file."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

import duckdb
import httpx
import orjson
import pytest

from ingest import kafka
from ingest.privacy.pseudonyms import PSEUDONYM_HOME, roster_actor_key
from leerstroom import lake
from leerstroom.errors import ConfigurationError
from tests.fixtures.broker import part_environment

pytestmark = [pytest.mark.broker, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
ADA = "ada.lovelace@example.org"
VERSION = {"X-Experience-API-Version": "1.0.3"}
KEY = "test-only-pseudonymisation-key-3c1f"


def statement(mbox: str, **extra) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:{mbox}", "name": "Someone"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-US": "experienced"}},
        "object": {"id": "https://lms.example.org/course/privacy"},
        **extra,
    }


def wait_for(pipeline, ids: list[str]) -> None:
    """Wait for the sink's first connection to create the lake (a half-made catalog cannot be read), then for ids."""
    deadline = time.monotonic() + 60
    while True:
        try:
            lake_rows(pipeline.settings, "SELECT 1")
            break
        except (duckdb.Error, ConfigurationError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    pipeline.wait_for_lake(ids)


def lake_rows(settings, sql: str) -> list[tuple]:
    con = lake.connect(settings, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def pseudonymised(monkeypatch: pytest.MonkeyPatch) -> str:
    """The key the pipeline's processes read from their environment, as in production (never from the repo)."""
    monkeypatch.setenv("LEERSTROOM_PSEUDONYMISATION_KEY", KEY)
    return KEY


def test_the_lake_holds_pseudonyms_while_the_lrs_returns_statements_as_sent(pseudonymised, pipeline) -> None:
    sent = [statement(ADA), statement("grace@example.org", context={"instructor": {"mbox": f"mailto:{ADA}"}})]
    auth = (pipeline.key, pipeline.secret)
    with httpx.Client(base_url=pipeline.endpoint, auth=auth, headers=VERSION, timeout=10) as http:
        assert http.post("statements", json=sent).status_code == 200
        back = http.get("statements", params={"statementId": sent[0]["id"]}).json()
    assert back["actor"]["mbox"] == f"mailto:{ADA}", "the LRS keeps the statement as the tool sent it"
    wait_for(pipeline, [s["id"] for s in sent])

    rows = lake_rows(pipeline.settings, "SELECT statement_id, actor_key, payload FROM lake.raw.statements")
    assert all(key.startswith(f"account:{PSEUDONYM_HOME}::") for _, key, _ in rows)
    assert not any(ADA in payload or "grace@" in payload or "Someone" in payload for _, _, payload in rows)
    ada_key = {sid: key for sid, key, _ in rows}[sent[0]["id"]]
    roster_settings = pipeline.settings.model_copy(update={"pseudonymisation_key": KEY})
    assert roster_actor_key(f"mbox:mailto:{ADA}", roster_settings) == ada_key, "roster identities join the lake"
    assert ada_key.rsplit("::", 1)[1] in {sid: payload for sid, _, payload in rows}[sent[1]["id"]], (
        "the instructor gets the same pseudonym"
    )


def test_manager_touchpoints_join_the_roster_with_pseudonymisation_on(pseudonymised, pipeline, tmp_path) -> None:
    """Both kinds of touchpoint reach int_manager_touchpoints when the lake holds only pseudonyms.

    Mara manages Rik: she mentors him (Rik is the statement's object), and she is the
    instructor of his own learning. Ivo, not his manager, mentors him too: no touchpoint.
    """
    from ingest.roster import import_roster
    from tests.ingest.test_roster import HEADER, write_csv
    from tests.transform.test_metrics_lake import Warehouse, dbt_build

    settings = pipeline.settings.model_copy(update={"pseudonymisation_key": pseudonymised})
    mara, rik, ivo = (f"{name}@example.org" for name in ("mara", "rik", "ivo"))
    import_roster(
        settings,
        write_csv(
            tmp_path,
            [
                f"E1,Mara,mailto:{mara},Sales,North,,Manager,Utrecht,2019-03-01,,,,,,",
                f"E2,Rik,mailto:{rik},Sales,North,E1,Account executive,Utrecht,2021-06-15,,,,,,",
                f"E3,Ivo,mailto:{ivo},Sales,North,E1,Account executive,Utrecht,2021-06-15,,,,,,",
            ],
            header=HEADER,
        ),
    )
    mentored: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:{mara}"},
        "verb": {"id": "http://id.tincanapi.com/verb/mentored", "display": {"en-US": "mentored"}},
        "object": {"objectType": "Agent", "mbox": f"mailto:{rik}"},
    }
    by_a_peer = {**mentored, "id": str(uuid.uuid4()), "actor": {"mbox": f"mailto:{ivo}"}}
    instructed = statement(rik, context={"instructor": {"mbox": f"mailto:{mara}"}})
    auth = (pipeline.key, pipeline.secret)
    with httpx.Client(base_url=pipeline.endpoint, auth=auth, headers=VERSION, timeout=10) as http:
        assert http.post("statements", json=[mentored, by_a_peer, instructed]).status_code == 200
    wait_for(pipeline, [mentored["id"], by_a_peer["id"], instructed["id"]])
    rows = lake_rows(settings, "SELECT * FROM lake.raw.statements")
    assert not any("@example.org" in str(value) for row in rows for value in row), "no column names a person"

    dbt_build(settings, "--select", "+int_manager_touchpoints", with_tests=False)
    warehouse = Warehouse(settings)
    try:
        touchpoints = warehouse.query(
            "SELECT statement_id, person_id, manager_id FROM intermediate.int_manager_touchpoints"
        )
    finally:
        warehouse.close()
    assert sorted(touchpoints) == sorted([(mentored["id"], "E2", "E1"), (instructed["id"], "E2", "E1")])


def identity_traces(person: str) -> list[bytes]:
    """Every form a person's identity takes in stored bytes: address, actor key, SHA-1 IFI, URL-encoded."""
    mailto = f"mailto:{person}"
    return [
        person.encode(),
        f"mbox:{mailto}".encode(),
        hashlib.sha1(mailto.encode()).hexdigest().encode(),
        urllib.parse.quote(person, safe="").encode(),
        urllib.parse.quote(mailto, safe="").encode(),
    ]


def files_naming(folder: Path, traces: list[bytes]) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            found += [f"{path.relative_to(folder)}: {t.decode()}" for t in traces if t in content]
    return found


def test_forget_leaves_no_trace_of_the_person_in_any_file_and_drops_late_statements(pipeline) -> None:
    from ingest.lrs.credentials import add
    from tests.ingest.test_lrs_attachments import attachment_for, multipart_body
    from transform.runner import run_transform

    settings = pipeline.settings
    others = [statement(f"learner{n}@example.org") for n in range(30)]
    ada = [statement(ADA) for _ in range(20)] + [
        statement("grace@example.org", context={"instructor": {"mbox": f"mailto:{ADA}"}})
    ]
    letter = b"Motivation letter of Ada King, Countess of Lovelace, 12 St James's Square, London"
    essay = statement(ADA, attachments=[attachment_for(letter)])
    auth = (pipeline.key, pipeline.secret)
    agent = f'{{"mbox": "mailto:{ADA}"}}'
    other_tool = add(settings, "another-tool")
    snoop = add(settings, "read-mine-tool", ["statements/write", "statements/read/mine"])
    with httpx.Client(base_url=pipeline.endpoint, auth=auth, headers=VERSION, timeout=10) as http:
        assert http.post("statements", json=others + ada).status_code == 200
        body, headers = multipart_body(essay, [letter])
        assert http.post("statements", content=body, headers=headers).status_code == 200
        assert (
            http.put(
                "activities/state",
                params={"activityId": "https://lms.example.org/course/privacy", "agent": agent, "stateId": "bookmark"},
                json={"page": 7},
            ).status_code
            == 204
        )
        # A refused request about her leaves a rejection note naming her: it must go too.
        assert http.get("statements", params={"agent": agent, "bogus": "1"}).status_code == 400
        # A refused statement about her (a future dead letter, kept to show a tool why) must go as well.
        refused = {**statement(ADA), "verb": {"id": "not an IRI"}}
        assert http.post("statements", json=refused).status_code == 400
    with httpx.Client(
        base_url=pipeline.endpoint, auth=(other_tool.key, other_tool.secret), headers=VERSION, timeout=10
    ) as http:
        assert (
            http.put(
                "agents/profile",
                params={"agent": agent, "profileId": "cv"},
                json={"born": 1815},
                headers={"If-None-Match": "*"},
            ).status_code
            == 204
        )
    wait_for(pipeline, [s["id"] for s in others + ada + [essay]])
    # HR's export lists her (name, employee id, identity) beside a colleague; it lives outside the data folder.
    from ingest.roster import import_roster
    from tests.ingest.test_roster import HEADER, write_csv

    hr = settings.data_dir.parent / "hr"
    hr.mkdir()
    export = write_csv(
        hr,
        [
            f"E-ADA-1815,Ada King,mailto:{ADA},Research,Engines,,Analyst,London,2019-03-01,,,,,,",
            "E-GRACE-1906,Grace Hopper,mailto:grace@example.org,Research,Engines,,Engineer,London,2020-01-06,,,,,,",
        ],
        header=HEADER,
    )
    import_roster(settings, export)
    assert run_transform(settings).certified
    traces = identity_traces(ADA) + [letter, b"Ada King", b"E-ADA-1815"]
    assert files_naming(settings.data_dir, traces), "before forgetting, her identity is stored (the test can see it)"

    forgotten = subprocess.run(
        [sys.executable, "-m", "leerstroom.cli.main", "forget", ADA, "--no-transform"],
        check=False,
        cwd=REPO,
        env=part_environment(settings),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert forgotten.returncode == 0, forgotten.stdout + forgotten.stderr
    assert '"lrs statements": 22' in forgotten.stdout, forgotten.stdout
    assert '"lrs attachments": 1' in forgotten.stdout, forgotten.stdout
    assert '"remaining": []' in forgotten.stdout, forgotten.stdout

    assert files_naming(settings.data_dir, traces) == [], "no file under the data folder may name her"
    assert lake_rows(settings, "SELECT DISTINCT employee_id FROM lake.raw.roster") == [("E-GRACE-1906",)]
    # HR's next export still lists her: the import leaves her out, and says so.
    again = import_roster(settings, export)
    assert again.employees == 1 and again.left_out_erased == 1
    assert files_naming(settings.data_dir, traces) == [], "the next roster import brought nothing of her back"
    ids = {row[0] for row in lake_rows(settings, "SELECT statement_id FROM lake.raw.statements")}
    assert ids == {s["id"] for s in others}, "everyone else's statements stay, hers (and those naming her) go"
    assert lake_rows(settings, "SELECT count(*) FROM lake.meta.transform_runs WHERE status = 'certified'") == [(0,)], (
        "the certified snapshot held her data and is gone; the next transform certifies the cleaned lake"
    )

    late, bystander = statement(ADA), statement("learner1@example.org")
    with httpx.Client(base_url=pipeline.endpoint, auth=auth, headers=VERSION, timeout=10) as http:
        assert http.post("statements", json=late).status_code == 403, "the LRS refuses a late statement about her"
        assert http.post("statements", json=bystander).status_code == 200
    # Second line of defence: a statement about her already on its way (here put straight on the topic) is dropped.
    in_flight = {**statement(ADA), "stored": "2025-01-06T09:00:00Z", "timestamp": "2025-01-06T09:00:00Z"}
    producer = kafka.producer(settings, pipeline.broker.bootstrap)
    try:
        sent = producer.send(
            settings.kafka_topic, key=f"mbox:mailto:{ADA}".encode(), value=orjson.dumps(in_flight)
        ).get(timeout=10)
    finally:
        producer.close()
    wait_for(pipeline, [bystander["id"]])
    deadline = time.monotonic() + 60
    while (
        lake_rows(
            settings,
            "SELECT coalesce(max(next_offset), 0) FROM lake.raw.consumer_offsets "
            f"WHERE kafka_partition = {sent.partition}",
        )[0][0]
        <= sent.offset
    ):
        assert time.monotonic() < deadline, "the sink never read past the statement put on the topic"
        time.sleep(0.2)
    ids = {row[0] for row in lake_rows(settings, "SELECT statement_id FROM lake.raw.statements")}
    assert in_flight["id"] not in ids, "the sink drops a statement about a forgotten person"
    assert files_naming(settings.data_dir, traces) == [], "the refused and the dropped statement left no trace"
    # A tool that kept the attachment's SHA-2 cannot get the letter back by naming it in a statement of its own.
    claim = statement("snoop@example.org", attachments=[{**attachment_for(letter), "fileUrl": "https://x.example/l"}])
    with httpx.Client(base_url=pipeline.endpoint, auth=(snoop.key, snoop.secret), headers=VERSION, timeout=10) as http:
        assert http.post("statements", json=claim).status_code == 200
        got = http.get("statements", params={"statementId": claim["id"], "attachments": "true"})
    assert got.status_code == 200 and letter not in got.content
