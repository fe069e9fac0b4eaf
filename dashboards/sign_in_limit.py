"""Failed dashboard sign-ins, counted per user name from one client address, and per client address.

Counting per user name alone would let anyone lock a reader out by typing their name with
wrong passwords. Counted per (name, address), a guesser is stopped at their own address
while the reader signs in from theirs; counted per address too, one address cannot spray
many names. Streamlit reports loopback clients as no address: they share one count per name.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class SignInLimit:
    """Refuse sign-ins for a while once `limit` failures of one name from one address, or of one address, fall
    within `window` seconds. Held in memory, per dashboard process."""

    MAX_TRACKED = 100_000  # past this many names and addresses, expired counts are dropped before adding one

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _counted(name: str, address: str | None) -> list[tuple[str, str]]:
        where = address or "local"
        return [("name", f"{where}\n{name}"), *([("address", address)] if address else [])]

    def _live(self, subject: tuple[str, str], now: float) -> list[float]:
        times = [at for at in self._failures.get(subject, ()) if at > now - self.window]
        if times:
            self._failures[subject] = times
        else:
            self._failures.pop(subject, None)
        return times

    def retry_after(self, name: str, address: str | None) -> int | None:
        """Seconds until this name may try again from this address, or None when it may now."""
        if self.limit <= 0:
            return None
        now = self.clock()
        with self._lock:
            waits = [times[-self.limit] + self.window - now for subject in self._counted(name, address)
                     if len(times := self._live(subject, now)) >= self.limit]
        return max(1, math.ceil(max(waits))) if waits else None

    def failed(self, name: str, address: str | None) -> None:
        if self.limit <= 0:
            return
        now = self.clock()
        with self._lock:
            if len(self._failures) >= self.MAX_TRACKED:
                for subject in list(self._failures):
                    self._live(subject, now)
            for subject in self._counted(name, address):
                self._failures.setdefault(subject, []).append(now)
                del self._failures[subject][:-self.limit]

    def succeeded(self, name: str, address: str | None) -> None:
        """A good sign-in clears that name's failures from that address (not the address's own count)."""
        with self._lock:
            self._failures.pop(self._counted(name, address)[0], None)
