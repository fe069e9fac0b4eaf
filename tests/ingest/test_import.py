"""`leerstroom import`: history from NDJSON/JSON files and another LRS, through validation, store, outbox; resumable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import orjson

from ingest.lrs.importer import Importer
from leerstroom.settings import Settings
from tests.fixtures.data import REPO, free_port

VERSION = {"X-Experience-API-Version": "1.0.3"}


def statement(number: int) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"account": {"homePage": "http://lms.example.org", "name": f"u{number}"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": f"http://example.org/course/{number}"},
        "timestamp": "2023-09-01T08:00:00Z",
    }


def run_import(settings: Settings, *args: str) -> tuple[int, dict]:
    env = {**os.environ, "LEERSTROOM_DATA_DIR": str(settings.data_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "leerstroom.cli.main", "import", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def test_files_are_imported_once_with_their_ids_and_rejects_reported(
    settings: Settings, tmp_path: Path, lrs_process
) -> None:
    history = [statement(n) for n in range(5)]
    ndjson = tmp_path / "moodle.ndjson"
    bad = {
        "actor": {"mbox": "not-a-mailto"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "http://example.org/x"},
    }
    ndjson.write_text("\n".join(json.dumps(s) for s in [*history[:3], bad]) + "\n")
    result = tmp_path / "export.json"
    result.write_bytes(orjson.dumps({"statements": history[3:], "more": ""}))
    code, report = run_import(settings, str(ndjson), str(result))
    assert code == 1
    assert (report["read"], report["stored"], report["rejected"]) == (6, 5, 1)
    assert "moodle.ndjson:4: actor.mbox" in report["problems"][0]
    code, again = run_import(settings, str(result))
    assert (code, again["stored"], again["conflicts"]) == (0, 0, 0)

    lrs = lrs_process()
    with httpx.Client(base_url=lrs.endpoint, auth=lrs.auth, headers=VERSION) as client:
        got = client.get("statements", params={"statementId": history[0]["id"]}).json()
    assert got["timestamp"] == "2023-09-01T08:00:00Z" and got["object"] == history[0]["object"]
    assert got["authority"]["account"]["name"] == "leerstroom-import"
    assert lrs.counts() == {"statements": 5, "outbox": 5, "outbox_unpublished": 5}


def test_pull_from_another_lrs_follows_more_and_resumes(settings: Settings, tmp_path: Path, lrs_process) -> None:
    source = lrs_process(Settings(data_dir=tmp_path / "source", lrs_port=free_port()))
    with httpx.Client(base_url=source.endpoint, auth=source.auth, headers=VERSION) as client:
        first = [statement(n) for n in range(7)]
        assert client.post("statements", json=first).status_code == 200
        importer = Importer(settings)
        report = importer.import_remote(source.endpoint, source.key, source.secret, page_size=3)
        assert (report.read, report.stored) == (7, 7)
        later = [statement(n) for n in range(7, 9)]
        assert client.post("statements", json=later).status_code == 200
    resumed = Importer(settings, importer.store).import_remote(source.endpoint, source.key, source.secret, page_size=3)
    assert (resumed.read, resumed.stored) == (2, 2)
    code, cli_report = run_import(
        settings, "--from-lrs", source.endpoint, f"--key={source.key}", f"--secret={source.secret}"
    )
    assert (code, cli_report["read"]) == (0, 0)
    assert importer.store.counts()["statements"] == 9
    imported = {orjson.loads(row[0])["id"] for row in importer.store.read("SELECT payload FROM statements")}
    assert imported == {s["id"] for s in first + later}
    importer.store.close()
