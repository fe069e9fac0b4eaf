"""The embedded broker: it starts, announces itself, forgets its log on restart, and `leerstroom broker` runs it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from ingest import kafka
from ingest.broker import EmbeddedBroker
from leerstroom.cli.main import main
from leerstroom.errors import ConfigurationError
from leerstroom.settings import Settings, get_settings
from tests.fixtures.broker import REPO, ensure_topic, part_environment, wait_until

pytestmark = pytest.mark.broker


def accepts(bootstrap: str) -> bool:
    host, port = bootstrap.split(":")
    try:
        socket.create_connection((host, int(port)), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_broker_announces_itself_and_serves_a_topic(broker: EmbeddedBroker, settings: Settings) -> None:
    announced = json.loads(settings.broker_file.read_text())
    assert announced == {"bootstrap": broker.bootstrap, "pid": broker.process.pid}
    assert broker.bootstrap.startswith("127.0.0.1:")
    assert kafka.bootstrap(settings) == broker.bootstrap

    created = ensure_topic(settings, broker.bootstrap)
    assert created
    assert ensure_topic(settings, broker.bootstrap) == created, "a second ensure must not recreate it"
    assert kafka.topic_id(settings, broker.bootstrap) == created


def test_restart_gives_an_empty_log_with_a_new_identity(broker: EmbeddedBroker, settings: Settings) -> None:
    before = ensure_topic(settings, broker.bootstrap)
    bootstrap = broker.bootstrap

    broker.restart()

    assert broker.bootstrap == bootstrap, "clients reconnect to the same address"
    assert kafka.topic_id(settings, bootstrap) is None, "the in-memory log is gone"
    after = ensure_topic(settings, bootstrap)
    assert after != before


def test_stop_ends_the_process_and_forgets_the_announcement(settings: Settings) -> None:
    broker = EmbeddedBroker(settings)
    with broker:
        assert accepts(broker.bootstrap)
    assert broker.process.poll() is not None
    assert not settings.broker_file.exists()
    assert not accepts(broker.bootstrap)


def test_cli_runs_the_broker_until_sigterm(settings: Settings) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "leerstroom.cli.main", "broker"],
        cwd=REPO,
        env=part_environment(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        printed = process.stdout.readline().strip()
        assert printed.startswith("127.0.0.1:"), process.stderr.read() if process.poll() is not None else printed
        wait_until(settings.broker_file.exists, 5, "the broker file")
        assert json.loads(settings.broker_file.read_text())["bootstrap"] == printed
        assert ensure_topic(settings, printed)
        process.terminate()
        assert process.wait(10) == 0
    finally:
        process.kill()
    assert not settings.broker_file.exists()
    assert not accepts(printed)


def test_cli_refuses_when_kafka_is_external(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LEERSTROOM_KAFKA_BOOTSTRAP", "kafka.internal:9092")
    get_settings.cache_clear()

    assert main(["broker"]) == 2

    message = capsys.readouterr().err
    assert "kafka.internal:9092" in message and "no embedded broker" in message
    assert not settings.broker_file.exists()


def test_missing_broker_is_reported_with_what_to_start(settings: Settings) -> None:
    with pytest.raises(ConfigurationError, match="start `leerstroom broker` or `leerstroom demo`"):
        kafka.bootstrap(settings, wait_seconds=0.2)
