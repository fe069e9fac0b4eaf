"""`leerstroom deliver`: the monthly briefing once per recipient after the first certified run of a new month, and
the alerts each certified snapshot raises, by e-mail and webhook, retried with backoff until they are through.

Each round: read the newest certified snapshot; owe its last complete month's briefing to every
briefing recipient (once: the lake's meta schema remembers); raise the alerts its rules find
(once per rule, unit and period) and owe each to every alert recipient; then send whatever is
owed and due. A delivery is recorded as owed before it is sent and as sent after, so a
restart never sends what was sent. A crash between a send and its record can repeat that one
message: it carries the same Message-ID (e-mail) and Idempotency-Key (webhook) as before, so
a receiver can drop the repeat.
"""

from __future__ import annotations

import base64
import fcntl
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import duckdb

from dashboards.briefing import alerts as alert_rules
from dashboards.briefing import story
from dashboards.briefing.build import Made, make
from dashboards.briefing.figures import MART, Snapshot, complete_months
from dashboards.briefing.texts import text
from leerstroom import heartbeat, lake
from leerstroom.cli.briefing import certified
from leerstroom.delivery import channels, recipients, store
from leerstroom.delivery.recipients import EMAIL, Recipient
from leerstroom.errors import ConfigurationError, LeerstroomError
from leerstroom.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Round:
    snapshot: int | None = None
    month: str | None = None
    owed: int = 0
    alerts: list[str] = field(default_factory=list)
    sent: int = 0
    failed: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"deliver: snapshot {self.snapshot}, month {self.month}: {self.owed} newly owed, "
            f"{len(self.alerts)} alerts raised, {self.sent} sent, {len(self.failed)} failed"
            + (f" ({'; '.join(self.failed)})" if self.failed else "")
        )


@contextmanager
def one_at_a_time(settings: Settings) -> Iterator[None]:
    """Only one `deliver` per data folder: two would race to send what is owed."""
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.run_dir / "deliver.lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise ConfigurationError("another `leerstroom deliver` is running on this data folder") from err
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def briefing_key(month: str, recipient: Recipient) -> str:
    return f"briefing/{month}/{recipient.unit}/{recipient.language}"


def _last_complete_month(con: duckdb.DuckDBPyConnection) -> date | None:
    try:
        rows = con.execute(f"SELECT unit_level, month_start, is_complete FROM lake.marts.{MART}").df()
    except duckdb.CatalogException:
        return None
    rows["month_start"] = rows["month_start"].map(lambda d: d if isinstance(d, date) else d.date())
    months = complete_months(rows)
    return months[-1] if months else None


def run_round(settings: Settings) -> Round:
    done = Round()
    who = recipients.load(settings)
    if who is None:
        log.info("no recipients file at %s: nothing to deliver", settings.recipients_file)
        return done
    try:
        snapshot = certified(settings)
    except ConfigurationError as err:
        log.info("nothing to deliver yet: %s", err)
        return done
    done.snapshot = snapshot.snapshot_id
    con = lake.connect(settings, snapshot=snapshot.snapshot_id)
    try:
        month = _last_complete_month(con)
        if month is not None:
            done.month = f"{month:%Y-%m}"
            done.owed += len(
                store.owe(
                    settings,
                    [
                        store.Target(
                            briefing_key(done.month, r),
                            store.BRIEFING,
                            r.channel,
                            r.address,
                            r.language,
                            snapshot.snapshot_id,
                        )
                        for r in who.briefing
                    ],
                )
            )
        raised = store.raise_alerts(
            settings,
            [a.as_row() for a in alert_rules.evaluate(con, settings, alert_rules.load_rules(settings))],
            snapshot.snapshot_id,
        )
        done.alerts = [a["alert_key"] for a in raised]
        done.owed += len(
            store.owe(
                settings,
                [
                    store.Target(
                        f"alert/{a['alert_key']}", store.ALERT, r.channel, r.address, r.language, snapshot.snapshot_id
                    )
                    for a in raised
                    for r in who.alerts
                ],
            )
        )
        _send_due(settings, con, snapshot, done)
    finally:
        con.close()
    return done


def _send_due(settings: Settings, con: duckdb.DuckDBPyConnection, snapshot: Snapshot, done: Round) -> None:
    made: dict[str, Made] = {}
    for target, attempts in store.due(settings):
        attempt = attempts + 1
        try:
            if target.kind == store.BRIEFING:
                _send_briefing(settings, con, snapshot, target, made)
            else:
                _send_alert(settings, con, target)
        except (LeerstroomError, duckdb.Error, OSError, ValueError) as err:
            log.warning(
                "delivery %s to %s %s failed (attempt %d): %s",
                target.delivery_key,
                target.channel,
                target.recipient,
                attempt,
                err,
            )
            store.record(settings, target, attempt, str(err)[:500])
            done.failed.append(f"{target.delivery_key} to {target.recipient}: {err}")
            continue
        store.record(settings, target, attempt, None)
        done.sent += 1
        log.info("delivered %s to %s %s", target.delivery_key, target.channel, target.recipient)


def _send_briefing(
    settings: Settings, con: duckdb.DuckDBPyConnection, snapshot: Snapshot, target: store.Target, made: dict[str, Made]
) -> None:
    _, month, rest = target.delivery_key.split("/", 2)
    unit, language = rest.rsplit("/", 1)  # a team's name holds a slash itself
    if target.delivery_key not in made:
        made[target.delivery_key] = make(
            settings, con, snapshot, month=date.fromisoformat(month + "-01"), unit=unit, language=language
        )
    briefing = made[target.delivery_key]
    summary = _summary(briefing, language, settings)
    subject = (
        f"{text(language, 'title')}: {story.unit_label(briefing.briefing, language)}, "
        f"{story.month_label(briefing.briefing, language)}"
    )
    name = briefing.file_name(language)
    if target.channel == EMAIL:
        channels.send_email(
            settings, target.recipient, subject, summary, target.delivery_key, channels.Attachment(name, briefing.pdf)
        )
    else:
        channels.post_webhook(
            settings,
            target.recipient,
            {
                "kind": "briefing",
                "month": month,
                "unit": briefing.briefing.unit_name,
                "language": language,
                "snapshot_id": snapshot.snapshot_id,
                "text": f"{subject}\n{summary}",
                "file_name": name,
                "pdf_base64": base64.b64encode(briefing.pdf).decode(),
            },
            target.delivery_key,
        )


def _summary(made: Made, language: str, settings: Settings) -> str:
    briefing = made.briefing
    lines = [story.outlook(briefing, language)]
    if briefing.lci is not None and not briefing.lci_withheld:
        change = "" if briefing.lci_change is None else f" ({briefing.lci_change:+.1f})"
        lines.insert(0, f"{text(language, 'lci')}: {briefing.lci:.1f}{change}")
        lines[1:1] = story.what_moved(briefing, language)
    lines.append(f"{settings.dashboard_url.rstrip('/')}/overview")
    return "\n\n".join(lines) + "\n"


def _send_alert(settings: Settings, con: duckdb.DuckDBPyConnection, target: store.Target) -> None:
    key = target.delivery_key.removeprefix("alert/")
    raised = lake.read(settings, lambda latest: store.alert(latest, key))
    if raised is None:
        raise ConfigurationError(f"alert {key} is not in lake.meta.alerts")
    subject, body = alert_rules.message(raised, target.language)
    if target.channel == EMAIL:
        channels.send_email(settings, target.recipient, subject, body, target.delivery_key)
    else:
        channels.post_webhook(
            settings,
            target.recipient,
            {
                "kind": "alert",
                "rule": raised["rule"],
                "unit_level": raised["unit_level"],
                "unit": raised["unit_name"],
                "period": raised["period"],
                "figures": raised["figures"],
                "link": raised["link"],
                "text": f"{subject}\n{body}",
            },
            target.delivery_key,
        )


def run(settings: Settings, every: int | None = None) -> int:
    with one_at_a_time(settings):
        if every is None:
            done = run_round(settings)
            print(done.line())
            return 1 if done.failed else 0
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        while not stop.is_set():
            try:
                print(run_round(settings).line(), flush=True)
                # `leerstroom health deliver` reads it: a round completed (deliveries that failed are retried and
                # shown on the health page; a round that could not run does not beat).
                heartbeat.beat(settings, "deliver", every=0)
            except (LeerstroomError, duckdb.Error) as err:
                # A schedule keeps its rhythm through a lake that is briefly unavailable or a file being edited.
                log.error("delivery round failed: %s", err)
            stop.wait(every)
        return 0
