"""`forget` in the LRS store and the files beside it: attachment data, other tools' documents, logs and exports, and a
file it cannot clean reported instead of passed over. The whole pipeline is in tests/reliability/test_privacy.py."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson

from ingest.erasure import forget
from ingest.lrs import document_store
from ingest.lrs.store import LrsStore
from leerstroom.settings import Settings
from tests.fixtures.broker import part_environment

REPO = Path(__file__).resolve().parents[2]
AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://lrs.example.org/", "name": "lms"}}
ADA = "ada@example.org"


def statement(mbox: str, *attachments: bytes) -> dict:
    found: dict[str, Any] = {
        "actor": {"mbox": f"mailto:{mbox}"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "https://lms.example.org/course/1"},
    }
    if attachments:
        found["attachments"] = [
            {
                "usageType": "http://example.org/essay",
                "display": {"en-US": "essay"},
                "contentType": "text/plain",
                "length": len(data),
                "sha2": hashlib.sha256(data).hexdigest(),
            }
            for data in attachments
        ]
    return found


def sent(*data: bytes) -> dict[str, tuple[str, bytes]]:
    return {hashlib.sha256(item).hexdigest(): ("text/plain", item) for item in data}


def test_her_attachments_and_every_tools_documents_about_her_go_and_shared_data_stays(settings: Settings) -> None:
    hers, shared = b"Ada King's motivation letter", b"Course certificate template"
    store = LrsStore(settings)
    store.save([statement(ADA, hers, shared)], AUTHORITY, credential="lms", attachments=sent(hers, shared))
    (kept,) = store.save(
        [statement("grace@example.org", shared)], AUTHORITY, credential="lms", attachments=sent(shared)
    )
    agent = {"mbox": f"mailto:{ADA}"}
    create = document_store.Preconditions(None, "*", blind_overwrite=False)
    for owner in ("lms", "quiz-tool"):
        scope = document_store.Scope("agent_profile", json.dumps(agent), {"agent": agent}, owner=owner)
        document_store.put(store, scope, "cv", orjson.dumps({"born": 1815}), "application/json", create)
    store.close()

    report = forget(settings, ADA)
    assert report.removed["lrs statements"] == 1
    assert report.removed["lrs attachments"] == 1, "her letter goes; the shared template stays for Grace"
    assert report.removed["lrs documents"] == 2, "whichever tool stored a document about her"
    store = LrsStore(settings)
    try:
        assert store.attachment(kept, hashlib.sha256(shared).hexdigest()) == ("text/plain", shared)
    finally:
        store.close()
    content = b"".join(p.read_bytes() for p in settings.lrs_dir.iterdir())
    assert hers not in content and ADA.encode() not in content


def test_logs_and_exports_lose_the_lines_naming_her_and_other_files_are_reported(settings: Settings) -> None:
    logs = settings.data_dir / "logs"
    logs.mkdir(parents=True)
    (logs / "sink.log").write_text(
        f"2026-11-27 INFO started\n2026-11-27 WARNING dead letter: mailto:{ADA} bad\n2026-11-27 INFO stopped\n"
    )
    (settings.data_dir / "roster.csv").write_text(f"employee_id,identities\nE1,mailto:{ADA}\nE2,mailto:g@example.org\n")
    (settings.data_dir / "notes.json").write_text(json.dumps({"owner": ADA}))

    done = subprocess.run(
        [sys.executable, "-m", "leerstroom.cli.main", "forget", ADA, "--no-transform"],
        cwd=REPO,
        env=part_environment(settings),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, "a file it could not clean makes forget fail"
    assert "notes.json" in done.stderr and "cleaned by hand" in done.stderr
    assert json.loads(done.stdout.split("\n\n")[0].split("dashboards")[0])["remaining"] == ["notes.json"]
    assert (logs / "sink.log").read_text() == "2026-11-27 INFO started\n2026-11-27 INFO stopped\n"
    assert (settings.data_dir / "roster.csv").read_text() == "employee_id,identities\nE2,mailto:g@example.org\n"
