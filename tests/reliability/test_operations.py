"""Operating Leerstroom: health checks for every part; a backup taken while statements flow restores consistent."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from ingest.broker import EmbeddedBroker
from leerstroom.settings import Settings
from tests.fixtures.broker import (
    RelayProcess,
    SinkProcess,
    lake_ids,
    outbox_size,
    part_environment,
    wait_until,
)
from tests.fixtures.data import free_port
from tests.reliability.chaos import Tool
from tests.reliability.stored import readable_lake_ids

pytestmark = [pytest.mark.broker, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]


def leerstroom(settings: Settings, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "leerstroom.cli.main", *args],
        check=False,
        cwd=REPO,
        env=part_environment(settings),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def store_ids(settings: Settings) -> set[str]:
    with contextlib.closing(sqlite3.connect(f"file:{settings.lrs_db}?mode=ro", uri=True)) as db:
        return {row[0] for row in db.execute("SELECT id FROM statements")}


def test_health_commands_tell_running_parts_from_dead_ones(pipeline) -> None:
    settings = pipeline.settings.model_copy(update={"heartbeat_stale_seconds": 3})
    pipeline.send(
        [
            {
                "actor": {"mbox": "mailto:h@example.org"},
                "verb": {"id": "http://x.org/v"},
                "object": {"id": "http://x.org/o"},
            }
        ]
    )
    wait_until(lambda: leerstroom(settings, "health", "sink").returncode == 0, 30, "the sink's first heartbeat")
    for part in ("lrs", "relay", "broker"):
        result = leerstroom(settings, "health", part)
        assert result.returncode == 0, result.stderr
        assert "healthy" in result.stdout
    assert leerstroom(settings, "health", "lrs", "relay", "sink").returncode == 0
    never_ran = leerstroom(settings, "health", "transform")
    assert never_ran.returncode == 1 and "no transform has run yet" in never_ran.stderr
    assert leerstroom(settings, "health", "dashboard").returncode == 1, "no dashboard runs in this test"

    pipeline.sink.kill()
    time.sleep(4)
    stale = leerstroom(settings, "health", "sink")
    assert stale.returncode == 1 and "UNHEALTHY" in stale.stderr
    pipeline.lrs.kill()
    assert leerstroom(settings, "health", "lrs").returncode == 1
    time.sleep(4)
    # The relay ran inside the LRS process: its heartbeat is stale now, and a combined check fails on it.
    relay = leerstroom(settings, "health", "broker", "relay")
    assert relay.returncode == 1 and "relay: UNHEALTHY" in relay.stderr and "broker: healthy" in relay.stdout


def test_a_backup_taken_while_statements_flow_restores_to_a_consistent_pipeline(pipeline, tmp_path: Path) -> None:
    tool = Tool(pipeline.endpoint, pipeline.key, pipeline.secret, seed=3, batch=50, pause=0.01)
    tool.start()
    wait_until(lambda: len(readable_lake_ids(pipeline.settings)) > 500, 60, "statements in the lake before the backup")
    destination = tmp_path / "backup"
    taken = leerstroom(pipeline.settings, "backup", str(destination))
    assert taken.returncode == 0, taken.stderr
    time.sleep(1)
    tool.halt.set()
    tool.join(60)
    assert len(tool.acknowledged) > len(set(lake_ids(pipeline.settings))) / 2

    restored = Settings(data_dir=tmp_path / "restored", lrs_port=free_port(), sink_batch_seconds=0.5)
    put_back = leerstroom(restored, "restore", str(destination))
    assert put_back.returncode == 0, put_back.stderr

    in_lake, in_store = Counter(lake_ids(restored)), store_ids(restored)
    assert in_lake, "the restored lake can be queried and holds statements"
    assert max(in_lake.values()) == 1, "nothing doubled in the copy"
    assert set(in_lake) <= in_store, "every statement in the restored lake is in the restored LRS store"
    assert set(in_store) <= set(tool.acknowledged), "the store holds only acknowledged statements"

    # The proof that the copy is whole: a pipeline started on it brings the lake level with the store, exactly once.
    broker = EmbeddedBroker(restored).start()
    parts = [RelayProcess(restored).start(), SinkProcess(restored).start()]
    try:
        wait_until(
            lambda: set(lake_ids(restored)) == in_store and outbox_size(restored) == 0,
            90,
            "the restored lake to catch up with the restored store",
        )
        assert max(Counter(lake_ids(restored)).values()) == 1
    finally:
        for part in parts:
            part.stop()
        broker.stop()
        broker.forget()


def test_restore_refuses_a_data_folder_in_use(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "BACKUP.json").write_text('{"format": 1}')
    settings.lrs_dir.mkdir(parents=True)
    (settings.lrs_dir / "lrs.sqlite").write_bytes(b"")
    refused = leerstroom(settings, "restore", str(tmp_path / "backup"))
    assert refused.returncode == 2 and "not empty" in refused.stderr


def test_maintain_deletes_raw_statements_past_the_retention_period(settings: Settings) -> None:
    from leerstroom import lake

    con = lake.connect(settings)
    try:

        def load(con) -> None:
            for n, age_days in enumerate((400, 200, 10, 1)):
                con.execute(
                    "INSERT INTO lake.raw.statements VALUES (?, 'mbox:mailto:r@example.org', 'http://x.org/v', "
                    "'http://x.org/o', 'Activity', NULL, NULL, now() - ?::INTERVAL, now() - ?::INTERVAL, now(), "
                    "'topic', 0, ?, '{}')",
                    [f"id-{age_days}", f"{age_days} days", f"{age_days} days", n],
                )

        lake.write_transaction(con, load, settings=settings)
    finally:
        con.close()
    kept = settings.model_copy(update={"raw_retention_days": 180})
    result = leerstroom(kept, "maintain")
    assert result.returncode == 0, result.stderr
    assert '"raw_statements_deleted": 2' in result.stdout
    assert sorted(lake_ids(kept)) == ["id-1", "id-10"]
