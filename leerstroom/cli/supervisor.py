"""Runs the pipeline's parts as child processes, restarts one that dies, and stops them all cleanly."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass
class Child:
    """One supervised part: `leerstroom <command>`, with a readiness check."""

    name: str
    command: list[str]
    ready: Callable[[], bool] = lambda: True
    log_path: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    restarts: int = 0

    def start(self) -> None:
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115 - kept by the child
        self.process = subprocess.Popen(
            [sys.executable, "-m", "leerstroom.cli.main", *self.command],
            env={**os.environ, **self.env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the supervisor only; it stops children in order
        )
        log.info("started %s (pid %d)", self.name, self.process.pid)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.process.returncode}; see {self.log_path}")
            if self.ready():
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} was not ready after {timeout:.0f} s; see {self.log_path}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: the crash a power cut or the OOM killer causes."""
        if self.alive():
            assert self.process is not None
            self.process.kill()
            self.process.wait()

    def stop(self, timeout: float = 10.0) -> None:
        if not self.alive():
            return
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop in %.0f s; killing it", self.name, timeout)
            self.process.kill()
            self.process.wait()


class Supervisor:
    """Starts children in order, watches them, restarts any that dies, stops them in reverse order."""

    def __init__(self, children: list[Child], ready_timeout: float = 60.0) -> None:
        self.children = children
        self.ready_timeout = ready_timeout
        self._stop = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="supervisor", daemon=True)

    def start(self) -> None:
        for child in self.children:
            child.start()
            child.wait_ready(self.ready_timeout)
        self._watcher.start()

    def _watch(self) -> None:
        while not self._stop.wait(1.0):
            for child in self.children:
                if not child.alive() and not self._stop.is_set():
                    code = child.process.returncode if child.process else None
                    child.restarts += 1
                    log.warning("%s exited (code %s); restarting it (restart #%d)", child.name, code, child.restarts)
                    time.sleep(min(5.0, 0.5 * child.restarts))
                    child.start()

    def stop(self) -> None:
        self._stop.set()
        for child in reversed(self.children):
            child.stop()
