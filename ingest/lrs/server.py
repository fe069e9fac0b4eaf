"""Runs the LRS: uvicorn on settings.lrs_host:lrs_port, with the outbox relay in a background thread.

Several LRS processes serve one address in either of two ways: on several hosts behind a load
balancer, or on one host with LEERSTROOM_LRS_REUSE_PORT, where each process binds the same port
with SO_REUSEPORT and the kernel spreads new connections over them. Either way they share one
store (PostgreSQL for several hosts). Each process touches its own `lrs` heartbeat while it can
read its store.
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys
import threading

import uvicorn

from ingest.lrs.app import create_app
from ingest.lrs.connections import timed_protocol
from ingest.lrs.exceptions import StoreUnavailable
from ingest.lrs.store import LrsStore
from ingest.privacy.forgotten import ForgetList
from leerstroom import files, heartbeat, logs
from leerstroom.settings import Settings, get_settings

log = logging.getLogger(__name__)

RELAY_STOP_SECONDS = 15
HEARTBEAT_SECONDS = 1


def serve(settings: Settings, relay: bool = True) -> int:
    """Serve until SIGTERM or SIGINT (uvicorn handles both and drains requests), then stop the relay."""
    store = LrsStore(settings, forgotten=ForgetList(settings))
    config = uvicorn.Config(
        create_app(settings, store),
        host=settings.lrs_host,
        port=settings.lrs_port,
        log_config=None,
        access_log=False,
        lifespan="off",
        # The C HTTP parser and event loop: h11 and asyncio's loop cost a batch request noticeably more CPU.
        # With header and body read timeouts, so half-sent requests cannot hold connections.
        http=timed_protocol(settings.lrs_header_timeout_seconds, settings.lrs_body_timeout_seconds),
        loop="uvloop",
        timeout_graceful_shutdown=10,
    )
    server = uvicorn.Server(config)
    stop = threading.Event()
    relay_thread = _start_relay(settings, store, stop) if relay else None
    threading.Thread(target=_beat, args=(settings, store, stop), name="lrs-heartbeat", daemon=True).start()
    log.info(
        "LRS %s listening on %s (store %s, relay %s%s)",
        settings.instance_name,
        settings.lrs_base_url,
        store.where,
        "on" if relay else "off",
        ", port shared" if settings.lrs_reuse_port else "",
    )
    try:
        server.run(sockets=[_shared_socket(settings)] if settings.lrs_reuse_port else None)
    finally:
        stop.set()
        if relay_thread is not None:
            relay_thread.join(RELAY_STOP_SECONDS)
            if relay_thread.is_alive():
                log.warning("relay did not stop within %d s; its outbox entries stay pending", RELAY_STOP_SECONDS)
        store.close()
    return 0 if server.started else 1


def _shared_socket(settings: Settings) -> socket.socket:
    """The LRS port bound with SO_REUSEPORT: every process that binds it so gets a share of new connections."""
    family = socket.AF_INET6 if ":" in settings.lrs_host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((settings.lrs_host, settings.lrs_port))
    sock.set_inheritable(True)
    return sock


def _beat(settings: Settings, store: LrsStore, stop: threading.Event) -> None:
    """This process's `lrs` heartbeat, touched while it can read its store (`leerstroom health lrs`)."""
    while not stop.is_set():
        try:
            store.read_one("SELECT 1")
            heartbeat.beat(settings, "lrs", every=0)
        except StoreUnavailable as err:
            log.warning("the LRS store cannot be read, heartbeat held back: %s", err)
        stop.wait(HEARTBEAT_SECONDS)


def _start_relay(settings: Settings, store: LrsStore, stop: threading.Event) -> threading.Thread:
    # Imported here so the LRS runs (and is tested) without Kafka when the relay is off.
    from ingest.lrs.relay import Relay

    relay = Relay(settings, store=store)

    def run() -> None:
        try:
            relay.run(stop)
        except Exception:
            # The LRS keeps acknowledging: statements wait in the outbox until a relay publishes them.
            log.exception("outbox relay stopped with an error; statements stay in the outbox")

    thread = threading.Thread(target=run, name="outbox-relay", daemon=True)
    thread.start()
    return thread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.lrs.server", description="Run the xAPI LRS endpoint.")
    parser.add_argument("--no-relay", action="store_true", help="do not publish the outbox from this process")
    args = parser.parse_args(argv)
    logs.configure()
    files.keep_private(get_settings())
    return serve(get_settings(), relay=not args.no_relay)


if __name__ == "__main__":
    sys.exit(main())
