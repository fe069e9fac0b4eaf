"""`leerstroom health PART [PART ...]`: exit 0 when every part named is healthy, else 1 and why (docker-compose).

lrs and dashboard answer over HTTP (an LRS process also beats while it reaches its store); the relay and
the sink prove they are looping through their heartbeat files, one per instance (leerstroom/heartbeat.py);
the broker by accepting connections; the transform by a recent run in the lake and a snapshot certified
within LEERSTROOM_CERTIFICATION_MAX_AGE_HOURS; deliver by a round completed within two of its intervals.
"""

from __future__ import annotations

import json
import socket
import sys
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

from leerstroom import heartbeat
from leerstroom.settings import Settings

HTTP_TIMEOUT = 3


def _http(url: str) -> tuple[bool, str]:
    try:
        with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT) as response:
            return response.status == 200, f"{url} answered {response.status}"
    except (urllib.error.URLError, OSError) as err:
        return False, f"{url} did not answer: {err}"


def _heartbeat(settings: Settings, part: str) -> tuple[bool, str]:
    age = heartbeat.age(settings, part)
    if age is None:
        return False, f"{part} has not completed a loop yet ({heartbeat.path(settings, part)} missing)"
    healthy = age <= settings.heartbeat_stale_seconds
    return healthy, f"{part} last completed a loop {age:.0f} s ago (limit {settings.heartbeat_stale_seconds:g} s)"


def _broker(settings: Settings) -> tuple[bool, str]:
    if settings.external_kafka:
        target = settings.kafka_bootstrap.split(",")[0].strip()
    elif settings.broker_file.exists():
        target = json.loads(settings.broker_file.read_text())["bootstrap"]
    else:
        return False, f"no embedded broker announced in {settings.broker_file}"
    host, _, port = target.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=HTTP_TIMEOUT):
            return True, f"broker {target} accepts connections"
    except OSError as err:
        return False, f"broker {target} refuses connections: {err}"


def _transform(settings: Settings) -> tuple[bool, str]:
    from leerstroom import lake
    from transform.status import certification_health

    now = datetime.now(timezone.utc)

    def look(con):
        row = con.execute("SELECT max(started_at) FROM lake.meta.transform_runs").fetchone()
        return row, (certification_health(con, settings, now) if row[0] is not None else None)

    row, certification = lake.read(settings, look)
    if row[0] is None:
        return False, "no transform has run yet"
    # A scheduled transform starts one run per interval; two missed intervals mean the schedule stopped.
    limit = timedelta(seconds=2 * settings.transform_interval_seconds + 600)
    age = now - row[0]
    running = f"last transform started {age.total_seconds():.0f} s ago (limit {limit.total_seconds():.0f} s)"
    return age <= limit and certification.healthy, f"{running}; {certification.message()}"


def _deliver(settings: Settings) -> tuple[bool, str]:
    # A scheduled deliverer completes one round per interval; two missed intervals mean the schedule stopped.
    limit = 2 * settings.delivery_interval_seconds + 600
    age = heartbeat.age(settings, "deliver")
    if age is None:
        return False, f"deliver has not completed a round yet ({heartbeat.path(settings, 'deliver')} missing)"
    return age <= limit, f"deliver last completed a round {age:.0f} s ago (limit {limit} s)"


def _local(host: str) -> str:
    # A server bound to every interface (in a container) is probed on loopback.
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def check(settings: Settings, part: str) -> tuple[bool, str]:
    if part == "lrs":
        # Several LRS processes may share the port, so any of them answers; the heartbeat is this instance's own.
        answered, reason = _http(f"http://{_local(settings.lrs_host)}:{settings.lrs_port}/health")
        alive, beat = _heartbeat(settings, "lrs")
        return answered and alive, f"{reason}; {beat}"
    if part == "dashboard":
        return _http(f"http://{_local(settings.dashboard_host)}:{settings.dashboard_port}/_stcore/health")
    if part == "broker":
        return _broker(settings)
    if part == "transform":
        return _transform(settings)
    if part == "deliver":
        return _deliver(settings)
    return _heartbeat(settings, part)


def run(settings: Settings, parts: list[str]) -> int:
    """Check every part named; exit 1 when any is unhealthy (each prints its reason)."""
    every_healthy = True
    for part in parts:
        healthy, reason = check(settings, part)
        print(f"{part}: {'healthy' if healthy else 'UNHEALTHY'}: {reason}", file=sys.stdout if healthy else sys.stderr)
        every_healthy = every_healthy and healthy
    return 0 if every_healthy else 1
