"""Crash rounds on the running pipeline: a tool keeps posting while LRS, relay, sink, transform and broker die.

Shared by tests/reliability/test_crash_rounds.py (sized for CI) and bench/crash_soak.py
(the long run). Every part is a real process; the tool is a real HTTP client that, like
any xAPI tool, sends a batch again until it is acknowledged with a 2xx.
"""

from __future__ import annotations

import logging
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ingest.broker import EmbeddedBroker
from ingest.lrs import credentials
from leerstroom import lake
from leerstroom.settings import Settings
from tests.fixtures.broker import lake_ids, outbox_size, part_environment

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
VICTIMS = ("lrs", "relay", "sink", "transform", "broker")


def victims(scale: int) -> tuple[str, ...]:
    """Every process of a pipeline with `scale` LRS, relays and sinks: lrs, lrs-2, relay, relay-2, sink, sink-2, ..."""
    if scale == 1:
        return VICTIMS
    return tuple(
        f"{part}{suffix}"
        for part in ("lrs", "relay", "sink")
        for suffix in ("", *(f"-{n}" for n in range(2, scale + 1)))
    ) + ("transform", "broker")


class Part:
    """`leerstroom <args>` as a child process that can be SIGKILLed and started again."""

    def __init__(self, settings: Settings, name: str, args: list[str], ready=lambda: True) -> None:
        self.settings, self.name, self.args, self.ready = settings, name, args, ready
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.log_path = settings.run_dir / f"chaos-{name}.log"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, ready_seconds: float = 30) -> Part:
        self.settings.run_dir.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        with open(self.log_path, "ab") as out:
            out.write(f"--- start {self.starts}\n".encode())
            out.flush()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "leerstroom.cli.main", *self.args],
                cwd=REPO,
                env=part_environment(self.settings),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + ready_seconds
        while not self.ready():
            if not self.running:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} not ready after {ready_seconds:g}s; see {self.log_path}")
            time.sleep(0.05)
        return self

    def kill(self) -> bool:
        """SIGKILL, as the OOM killer or a power cut would; True when it was running."""
        if not self.running:
            return False
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        return True

    def stop(self, timeout: float = 20) -> None:
        if self.running:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def statement(rng: random.Random) -> dict:
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "actor": {"mbox": f"mailto:learner{rng.randint(1, 200)}@chaos.example"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-US": "experienced"}},
        "object": {"id": f"https://learn.chaos.example/item/{rng.randint(1, 40)}"},
        "timestamp": "2026-03-02T10:00:00Z",
    }


class Tool(threading.Thread):
    """Posts batches until told to stop; a batch not answered 2xx (refused connection, 5xx) is sent again."""

    def __init__(
        self, endpoint: str, key: str, secret: str, *, seed: int, batch: int = 50, pause: float = 0.02
    ) -> None:
        super().__init__(daemon=True, name="chaos-tool")
        self.endpoint, self.auth = endpoint, (key, secret)
        self.rng, self.batch, self.pause = random.Random(seed), batch, pause
        self.acknowledged: list[str] = []
        self.acknowledged_at: list[tuple[float, str]] = []  # (wall-clock time, first id) per batch, for freshness
        self.retries = 0
        self.refusals: Counter = Counter()
        self.halt = threading.Event()

    def run(self) -> None:
        headers = {"X-Experience-API-Version": "1.0.3"}
        with httpx.Client(base_url=self.endpoint, auth=self.auth, headers=headers, timeout=10) as http:
            while not self.halt.is_set():
                statements = [statement(self.rng) for _ in range(self.batch)]
                # A batch once sent is sent until acknowledged: the tool cannot know whether a dead LRS committed it.
                while True:
                    try:
                        response = http.post("statements", json=statements)
                    except httpx.HTTPError:
                        response = None
                    if response is not None and response.status_code == 200:
                        ids = response.json()
                        self.acknowledged.extend(ids)
                        self.acknowledged_at.append((time.time(), ids[0]))
                        break
                    if response is not None and response.status_code < 500:
                        self.refusals[response.status_code] += 1
                        break
                    self.retries += 1
                    time.sleep(0.1)
                time.sleep(self.pause)


@dataclass
class Outcome:
    seed: int
    kills: Counter = field(default_factory=Counter)
    acknowledged: int = 0
    in_lake: int = 0
    lost: int = 0
    unexpected: int = 0
    doubled: int = 0
    tool_retries: int = 0
    refusals: Counter = field(default_factory=Counter)
    seconds: float = 0.0


class Chaos:
    """The pipeline as separate processes: broker, LRS (no relay inside), relay, sink, and a transform started in turn.

    With `scale` > 1 there are that many LRS processes on one port (SO_REUSEPORT), relays and sinks (one consumer
    group); the store and the lake's catalog should then be PostgreSQL, where they publish and commit side by side.
    """

    def __init__(self, settings: Settings, seed: int, scale: int = 1) -> None:
        if scale > 1:
            settings = settings.model_copy(update={"lrs_reuse_port": True, "sink_group": "chaos-sinks"})
        self.settings, self.seed, self.rng = settings, seed, random.Random(seed)
        self.victims = victims(scale)
        self.broker = EmbeddedBroker(settings)
        health = f"http://{settings.lrs_host}:{settings.lrs_port}/health"
        self.parts = {}
        for name in self.victims:
            if name == "broker":
                continue
            part = name.split("-")[0]
            own = settings.model_copy(update={"instance": name})
            args = {"lrs": ["lrs", "--no-relay"], "relay": ["relay"], "sink": ["sink"], "transform": ["transform"]}
            ready = (lambda: http_ok(health)) if part == "lrs" else (lambda: True)
            self.parts[name] = Part(own, name, args[part], ready=ready)
        self.tool: Tool | None = None

    def start(self) -> None:
        self.broker.start()
        credential = credentials.add(self.settings, "chaos-tool")
        for name, part in self.parts.items():
            if name != "transform":
                part.start()
        self.tool = Tool(self.settings.lrs_base_url, credential.key, credential.secret, seed=self.seed)
        self.tool.start()

    def _kill(self, victim: str) -> bool:
        if victim == "broker":
            self.broker.kill()
            time.sleep(self.rng.uniform(0.0, 0.5))
            self.broker.start()  # same port, empty log: what the embedded broker promises after a crash
            return True
        part = self.parts[victim]
        if victim == "transform" and not part.running:
            # A transform is a run that ends; start one so the kill lands somewhere inside it.
            part.start()
            time.sleep(self.rng.uniform(0.5, 4.0))
        hit = part.kill()
        time.sleep(self.rng.uniform(0.0, 0.5))
        if victim != "transform":
            part.start()
        return hit

    def rounds(self, count: int, pause: tuple[float, float] = (0.5, 2.0)) -> Counter:
        """`count` SIGKILLs, spread evenly over VICTIMS in a seeded random order; returns the kills that hit."""
        schedule = [self.victims[n % len(self.victims)] for n in range(count)]
        self.rng.shuffle(schedule)
        kills: Counter = Counter()
        for victim in schedule:
            time.sleep(self.rng.uniform(*pause))
            if self._kill(victim):
                kills[victim] += 1
            log.info("chaos: killed %s (%s)", victim, dict(kills))
        return kills

    def settle(self, timeout: float) -> Outcome:
        """Stop the tool after its batch in flight, let the pipeline drain, and compare acknowledged with the lake."""
        assert self.tool is not None
        self.tool.halt.set()
        self.tool.join(120)
        acknowledged = set(self.tool.acknowledged)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if acknowledged <= set(lake_ids(self.settings)) and outbox_size(self.settings) == 0:
                break
            time.sleep(0.5)
        counts = Counter(lake_ids(self.settings))
        return Outcome(
            seed=self.seed,
            acknowledged=len(acknowledged),
            in_lake=len(counts),
            lost=len(acknowledged - set(counts)),
            unexpected=len(set(counts) - acknowledged),
            doubled=sum(1 for n in counts.values() if n > 1),
            tool_retries=self.tool.retries,
            refusals=self.tool.refusals,
        )

    def stop(self) -> None:
        if self.tool is not None:
            self.tool.halt.set()
        for part in self.parts.values():
            part.stop()
        self.broker.stop()
        self.broker.forget()

    def logs(self, tail: int = 4000) -> str:
        return "\n".join(
            f"==== {p.name}\n{p.log_path.read_text(errors='replace')[-tail:]}"
            for p in self.parts.values()
            if p.log_path.exists()
        )


def lake_snapshot_count(settings: Settings) -> int:
    con = lake.connect(settings, read_only=True)
    try:
        return lake.current_snapshot(con)
    finally:
        con.close()
