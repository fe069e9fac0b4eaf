"""Heartbeat files: a long-running part touches one each loop, so a health check can tell it is alive and moving."""

from __future__ import annotations

import os
import time
from pathlib import Path

from leerstroom.settings import Settings


def path(settings: Settings, part: str) -> Path:
    return settings.run_dir / f"heartbeat-{part}"


def beat(settings: Settings, part: str, *, every: float = 1.0, _last: dict[str, float] = {}) -> None:  # noqa: B006
    """Touch the part's heartbeat file, at most once per `every` seconds (the loop may spin much faster)."""
    now = time.monotonic()
    if now - _last.get(part, -every) < every:
        return
    _last[part] = now
    target = path(settings, part)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.touch()
    os.utime(target)


def age(settings: Settings, part: str) -> float | None:
    """Seconds since the part's last beat, or None when it never beat."""
    try:
        return max(0.0, time.time() - path(settings, part).stat().st_mtime)
    except FileNotFoundError:
        return None
