"""Loopback networking helpers: Leerstroom's servers listen on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import socket


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (the embedded broker, tests and benchmarks pick one this way)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]
