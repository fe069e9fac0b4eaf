"""Delivery end to end: `leerstroom deliver` as a process, a real SMTP server (aiosmtpd) and a real HTTP webhook
receiver on loopback, a lake of a generated organisation through the real transform.

A month's briefing reaches each recipient exactly once across restarts; a drop injected into one
department's learning raises exactly one alert, and the same drop in a department under k none; a
webhook that is down fails, shows as failing, and goes through on a later round.
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from email.message import EmailMessage as Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from aiosmtpd.controller import Controller

from dashboards import privacy, roles
from dashboards.briefing.figures import shown_months
from leerstroom import lake
from leerstroom.delivery import store
from leerstroom.net import free_port
from leerstroom.settings import Settings
from tests.fixtures.briefing_org import SMALL_DEPARTMENT, BriefingOrg
from tests.fixtures.broker import wait_until
from transform.runner import run_transform

OCTOBER = (datetime(2026, 10, 1, tzinfo=timezone.utc), datetime(2026, 11, 1, tzinfo=timezone.utc))


class Mailbox:
    """aiosmtpd's handler: every message the server accepts, parsed."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


class Receiver(BaseHTTPRequestHandler):
    received: list[dict] = []
    refuse = False

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if type(self).refuse:
            self.send_response(503)
            self.end_headers()
            return
        type(self).received.append(
            {"path": self.path, "key": self.headers["Idempotency-Key"], "body": json.loads(body)}
        )
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def webhooks() -> Iterator[tuple[type[Receiver], int]]:
    handler = type("Hooks", (Receiver,), {"received": [], "refuse": False})
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield handler, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def deliver(settings: Settings, env: dict) -> subprocess.CompletedProcess:
    """One round of `leerstroom deliver` as its own process: each call is a restart."""
    return subprocess.run(
        [sys.executable, "-m", "leerstroom.cli.main", "deliver"],
        capture_output=True,
        text=True,
        env={**os.environ, "LEERSTROOM_DATA_DIR": str(settings.data_dir), **env},
        timeout=300,
    )


def shown_drops(settings: Settings) -> pd.DataFrame:
    """Each department's change in October as an executive sees it (what the alert rules read)."""
    latest = lake.connect(settings, read_only=True)
    try:
        snapshot = lake.last_certified(latest)["snapshot_id"]
    finally:
        latest.close()
    con = lake.connect(settings, snapshot=snapshot)
    try:
        rows = shown_months(con, privacy.audience(roles.EXECUTIVE), settings.privacy_k)
    finally:
        con.close()
    rows["month_start"] = pd.to_datetime(rows["month_start"]).dt.date
    return rows[(rows["unit_level"] == "department") & (rows["month_start"] == OCTOBER[0].date())]


def without_october_learning(settings: Settings, org: BriefingOrg, department: str) -> int:
    """Take one department's October statements out of the lake, as if its tools went quiet for a month."""
    people = [e.employee_id for e in org.people if e.department == department]
    con = lake.connect(settings)
    try:
        actors = [
            key
            for (key,) in con.execute(
                "SELECT DISTINCT actor_key FROM lake.raw.roster_identities WHERE employee_id IN (SELECT unnest(?))",
                [people],
            ).fetchall()
        ]

        def delete(c) -> int:
            return c.execute(
                "DELETE FROM lake.raw.statements WHERE actor_key IN (SELECT unnest(?)) AND "
                "statement_timestamp >= ? AND statement_timestamp < ?",
                [actors, *OCTOBER],
            ).fetchone()[0]

        return lake.write_transaction(con, delete, settings=settings)
    finally:
        con.close()


def attachments(message: Message) -> list[tuple[str | None, Any]]:
    return [(part.get_filename(), part.get_payload(decode=True)) for part in message.walk() if part.get_filename()]


@pytest.mark.slow
def test_briefing_once_across_restarts_one_alert_for_one_dropped_unit_none_under_k(
    briefing_org: BriefingOrg, smtp, webhooks, tmp_path: Path
) -> None:
    mailbox, smtp_port = smtp
    hooks, hook_port = webhooks
    settings = briefing_org.copy(tmp_path / "data")
    k = settings.privacy_k

    # The alert rule: a department's index falling more than the largest fall the organisation had this month
    # (so the untouched lake raises nothing). Departments only: the injected fall pulls the organisation down too.
    before = shown_drops(settings).dropna(subset=["lci_change"])
    threshold = float(max(0.0, -before["lci_change"].min())) + 1.0
    # The drop goes into the largest department whose index an executive sees (a department's one or two leads
    # withhold the others' T4, and with it their index).
    dropped = before.sort_values(["headcount", "unit_name"]).iloc[-1]["unit_name"]
    rules = tmp_path / "rules.yml"
    rules.write_text(yaml.safe_dump({"rules": [{"rule": "lci_drop", "points": threshold, "levels": ["department"]}]}))
    recipients = settings.data_dir / "delivery" / "recipients.yml"
    recipients.parent.mkdir(parents=True)
    recipients.write_text(
        yaml.safe_dump(
            {
                "briefing": [
                    {"email": "cpo@example.org", "language": "en"},
                    {"webhook": "leadership", "language": "nl"},
                ],
                "alerts": [{"email": "hr-analytics@example.org", "language": "en"}, {"webhook": "hr"}],
            }
        )
    )
    env = {
        "LEERSTROOM_SMTP_HOST": "127.0.0.1",
        "LEERSTROOM_SMTP_PORT": str(smtp_port),
        "LEERSTROOM_SMTP_SECURITY": "none",
        "LEERSTROOM_SMTP_SENDER": "leerstroom@example.org",
        "LEERSTROOM_DELIVERY_WEBHOOKS__LEADERSHIP": f"http://127.0.0.1:{hook_port}/leadership",
        "LEERSTROOM_DELIVERY_WEBHOOKS__HR": f"http://127.0.0.1:{hook_port}/hr",
        "LEERSTROOM_ALERT_RULES_FILE": str(rules),
        "LEERSTROOM_DELIVERY_RETRY_SECONDS": "0.1",
        "LEERSTROOM_DASHBOARD_URL": "https://dashboards.example.org",
    }

    first = deliver(settings, env)
    assert first.returncode == 0, first.stderr
    # October's briefing, once to each recipient: the PDF by e-mail, and in the webhook's JSON.
    assert [m["To"] for m in mailbox.messages] == ["cpo@example.org"]
    ((name, pdf),) = attachments(mailbox.messages[0])
    assert name == "leerstroom-briefing-2026-10-organisation-en.pdf" and pdf.startswith(b"%PDF")
    assert (
        "2026" in mailbox.messages[0]["Subject"]
        and "https://dashboards.example.org/overview" in mailbox.messages[0].get_body(("plain",)).get_content()
    )
    assert [(h["path"], h["body"]["kind"], h["body"]["month"]) for h in hooks.received] == [
        ("/leadership", "briefing", "2026-10")
    ]
    assert base64.b64decode(hooks.received[0]["body"]["pdf_base64"]).startswith(b"%PDF")

    # A restart (a new process, the same lake) sends nothing again, and neither does a third.
    for _ in range(2):
        again = deliver(settings, env)
        assert again.returncode == 0, again.stderr
    assert len(mailbox.messages) == 1 and len(hooks.received) == 1

    # A month's drop in one department and in the department under k, through the real transform.
    assert without_october_learning(settings, briefing_org, dropped) > 0
    assert without_october_learning(settings, briefing_org, SMALL_DEPARTMENT) > 0
    # Raw statements are only ever appended (and voided); taking rows out needs a full rebuild of the models.
    assert run_transform(settings, full_refresh=True).certified
    after = shown_drops(settings).set_index("unit_name")
    assert after.at[dropped, "lci_change"] < -threshold, "the injection made a drop the rule sees"
    assert SMALL_DEPARTMENT not in after.index, f"{SMALL_DEPARTMENT} has fewer than {k} people: never shown"

    hooks.refuse = True  # the HR channel's webhook is down for the first round
    down = deliver(settings, env)
    assert down.returncode == 1 and "webhook hr: HTTP 503" in down.stdout
    alerts = [m for m in mailbox.messages if m["To"] == "hr-analytics@example.org"]
    assert len(alerts) == 1
    body = alerts[0].get_body(("plain",)).get_content()
    assert dropped in alerts[0]["Subject"] and "lci_drop" in alerts[0]["Subject"]
    assert f"{-after.at[dropped, 'lci_change']:.1f} points" in body
    assert "https://dashboards.example.org/overview" in body
    assert SMALL_DEPARTMENT not in body
    con = lake.connect(settings, read_only=True)
    try:
        raised = store.alerts(con)
        failing = store.deliveries(con)
    finally:
        con.close()
    assert raised[["rule", "unit_name", "period"]].values.tolist() == [["lci_drop", dropped, "2026-10"]]
    assert failing.iloc[0]["status"] == "failed" and failing.iloc[0]["recipient"] == "hr"
    assert "HTTP 503" in failing.iloc[0]["error"]

    hooks.refuse = False  # back up: the next round (after the backoff) delivers what failed, and only that
    retried = deliver(settings, env)
    assert retried.returncode == 0, retried.stdout + retried.stderr
    hr = [h for h in hooks.received if h["path"] == "/hr"]
    assert len(hr) == 1 and hr[0]["body"]["rule"] == "lci_drop" and hr[0]["body"]["unit"] == dropped
    assert hr[0]["key"] == f"alert/lci_drop|department|{dropped}|2026-10"
    assert len(mailbox.messages) == 2 and len(hooks.received) == 2  # the briefing was not sent again

    # On a schedule (docker-compose's deliver service): `leerstroom health deliver` is unhealthy until a round
    # completes, then healthy; the one-off rounds above never claim a schedule is running.
    command = [sys.executable, "-m", "leerstroom.cli.main"]
    environment = {**os.environ, "LEERSTROOM_DATA_DIR": str(settings.data_dir), **env}
    health = subprocess.run(
        [*command, "health", "deliver"], capture_output=True, text=True, env=environment, check=False
    )
    assert health.returncode == 1 and "has not completed a round yet" in health.stderr
    scheduled = subprocess.Popen(
        [*command, "deliver", "--every", "3600"],
        env=environment,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until(
            lambda: subprocess.run([*command, "health", "deliver"], env=environment, check=False).returncode == 0,
            120,
            "the scheduled deliverer's first round",
        )
    finally:
        scheduled.terminate()
        out, err = scheduled.communicate(timeout=60)
    assert scheduled.returncode == 0, err
    assert "0 newly owed, 0 alerts raised, 0 sent, 0 failed" in out, "each round says what it did"
    assert len(mailbox.messages) == 2 and len(hooks.received) == 2, "the schedule sent nothing twice"
