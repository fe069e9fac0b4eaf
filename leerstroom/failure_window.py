"""Failed sign-ins counted in a sliding window, per subject: the one limiter the LRS and the dashboards share.

A subject is whatever a caller counts failures of (a key from an address, a user name, an address).
Once `limit` failures of one subject fall within `window` seconds, it is refused until the oldest of
them leaves the window. Held in memory, per process: a restart forgets it, which only gives a guesser
one more window. Callers decide what their subjects are (ingest/lrs/auth.py, dashboards/sign_in_limit.py).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable


class FailureWindow:
    """At most `limit` failures per subject within `window` seconds; `limit` 0 or less turns the limit off."""

    MAX_SUBJECTS = 100_000  # past this many, expired subjects are dropped before adding one (a flood of made-up names)

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, subjects: Iterable[str]) -> int | None:
        """Seconds until none of these subjects is refused any more, or None when none is refused now."""
        if self.limit <= 0:
            return None
        now = self.clock()
        with self._lock:
            waits = [
                recent[0] + self.window - now
                for subject in subjects
                if (recent := self._recent(subject, now)) is not None and len(recent) >= self.limit
            ]
        return max(1, math.ceil(max(waits))) if waits else None

    def failed(self, subjects: Iterable[str]) -> None:
        if self.limit <= 0:
            return
        now = self.clock()
        with self._lock:
            if len(self._failures) >= self.MAX_SUBJECTS:
                for subject in list(self._failures):
                    self._recent(subject, now)
            for subject in subjects:
                self._failures.setdefault(subject, deque(maxlen=self.limit)).append(now)

    def forget(self, subject: str) -> None:
        """Clear one subject's failures (a good sign-in clears that name's, not its address's)."""
        with self._lock:
            self._failures.pop(subject, None)

    def _recent(self, subject: str, now: float) -> deque[float] | None:
        recent = self._failures.get(subject)
        if recent is None:
            return None
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        if not recent:
            del self._failures[subject]
            return None
        return recent
