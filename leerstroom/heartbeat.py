"""Heartbeat files: a long-running part touches one each loop, so a health check can tell it is alive and moving.

Each process has its own file, named by part and instance (LEERSTROOM_INSTANCE, by default the host name):
two sinks or two LRS processes sharing a data folder each prove their own liveness.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from leerstroom.settings import Settings

PREFIX = "heartbeat-"


# When this process last touched each heartbeat file.
_LAST_BEAT: dict[Path, float] = {}


def path(settings: Settings, part: str) -> Path:
    return settings.run_dir / f"{PREFIX}{part}-{settings.instance_name}"


def beat(settings: Settings, part: str, *, every: float = 1.0) -> None:
    """Touch the part's heartbeat file, at most once per `every` seconds (the loop may spin much faster)."""
    target = path(settings, part)
    now = time.monotonic()
    if now - _LAST_BEAT.get(target, -every) < every:
        return
    _LAST_BEAT[target] = now
    target.parent.mkdir(parents=True, exist_ok=True)
    target.touch()
    os.utime(target)


def age(settings: Settings, part: str) -> float | None:
    """Seconds since this instance's last beat of the part, or None when it never beat."""
    try:
        return max(0.0, time.time() - path(settings, part).stat().st_mtime)
    except FileNotFoundError:
        return None


def every_instance(settings: Settings, part: str) -> dict[str, float]:
    """Seconds since the last beat of each instance of the part that ever beat in this data folder."""
    found = {}
    for candidate in settings.run_dir.glob(f"{PREFIX}{part}-*"):
        try:
            found[candidate.name.removeprefix(f"{PREFIX}{part}-")] = max(0.0, time.time() - candidate.stat().st_mtime)
        except FileNotFoundError:
            continue
    return found
