"""Runs the LRS: uvicorn on settings.lrs_host:lrs_port, with the outbox relay in a background thread."""

from __future__ import annotations

import argparse
import logging
import sys
import threading

import uvicorn

from ingest.lrs.app import create_app
from ingest.lrs.connections import timed_protocol
from ingest.lrs.store import LrsStore
from ingest.privacy.forgotten import ForgetList
from leerstroom import files, logs
from leerstroom.settings import Settings, get_settings

log = logging.getLogger(__name__)

RELAY_STOP_SECONDS = 15


def serve(settings: Settings, relay: bool = True) -> int:
    """Serve until SIGTERM or SIGINT (uvicorn handles both and drains requests), then stop the relay."""
    store = LrsStore(settings.lrs_db, forgotten=ForgetList(settings))
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
    log.info("LRS listening on %s (relay %s)", settings.lrs_base_url, "on" if relay else "off")
    try:
        server.run()
    finally:
        stop.set()
        if relay_thread is not None:
            relay_thread.join(RELAY_STOP_SECONDS)
            if relay_thread.is_alive():
                log.warning("relay did not stop within %d s; its outbox entries stay pending", RELAY_STOP_SECONDS)
        store.close()
    return 0 if server.started else 1


def _start_relay(settings: Settings, store: LrsStore, stop: threading.Event) -> threading.Thread:
    # Imported here so the LRS runs (and is tested) without Kafka when the relay is off.
    from ingest.relay import Relay

    relay = Relay(settings, store_lock=store.write_lock)

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
