"""Failed dashboard sign-ins, counted per user name from one client address, and per client address.

Counting per user name alone would let anyone lock a reader out by typing their name with
wrong passwords. Counted per (name, address), a guesser is stopped at their own address
while the reader signs in from theirs; counted per address too, one address cannot spray
many names. Streamlit reports loopback clients as no address: they share one count per name.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from leerstroom.failure_window import FailureWindow


class SignInLimit:
    """Refuse sign-ins for a while once `limit` failures of one name from one address, or of one address, fall
    within `window` seconds (leerstroom/failure_window.py). Held in memory, per dashboard process."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.failures = FailureWindow(limit, window, clock)

    @staticmethod
    def _counted(name: str, address: str | None) -> list[str]:
        return [f"name:{address or 'local'}\n{name}", *([f"address:{address}"] if address else [])]

    def retry_after(self, name: str, address: str | None) -> int | None:
        """Seconds until this name may try again from this address, or None when it may now."""
        return self.failures.retry_after(self._counted(name, address))

    def failed(self, name: str, address: str | None) -> None:
        self.failures.failed(self._counted(name, address))

    def succeeded(self, name: str, address: str | None) -> None:
        """A good sign-in clears that name's failures from that address (not the address's own count)."""
        self.failures.forget(self._counted(name, address)[0])
