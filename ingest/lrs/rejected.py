"""What the LRS refused: a note of every refused request, and the dead-letter store of refused statements.

Every request answered 4xx (but 404) leaves a note for the tool's admin: when, which request,
the status and the reason. A statement write refused with 400 also keeps its body, so that an
operator can read it, export it, repair it and replay it (`leerstroom rejected`, ingest/lrs/replay.py):

- a body up to LEERSTROOM_LRS_REJECTED_BODY_BYTES is kept whole; a larger one keeps its SHA-256
  and its first HEAD_BYTES only;
- a body naming a person who was forgotten is not kept at all, and `leerstroom forget` erases every
  note whose request, reason or body names the person (ingest/erasure.py);
- notes are deleted after LEERSTROOM_LRS_REJECTED_DAYS, and at most LEERSTROOM_LRS_REJECTED_PER_TOOL
  are kept per credential (the oldest go first); reads never show an expired one.

The answer to the tool never depends on any of this: a store too busy to keep a note is logged and the
tool still gets its 400.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import orjson

from ingest.lrs.engine import Db
from ingest.lrs.exceptions import StoreUnavailable
from ingest.xapi import formats

if TYPE_CHECKING:
    from ingest.lrs.store import LrsStore
    from leerstroom.settings import Settings

log = logging.getLogger(__name__)

HEAD_BYTES = 4096
_AT_CAP: set[str] = set()  # tools whose oldest notes this process has started to drop
STATEMENTS_PATH = "/xapi/statements"


@dataclass(frozen=True)
class Refusal:
    """One refused request as the endpoint saw it; `body` only for a statement write refused with 400."""

    credential: str
    request: str
    status: int
    reason: str
    field: str | None = None
    rule: str | None = None
    version: str | None = None
    content_type: str | None = None
    body: bytes | None = None


@dataclass(frozen=True)
class Rejection:
    seq: int
    at: str
    credential: str
    request: str
    status: int
    reason: str
    field: str | None
    rule: str | None
    version: str | None
    content_type: str | None
    body: bytes | None
    body_bytes: int | None
    body_sha256: str | None
    body_note: str | None
    replayed_at: str | None
    replayed_ids: list[str]
    replay_note: str | None

    @property
    def has_whole_body(self) -> bool:
        return self.body is not None and self.body_bytes == len(self.body)

    @property
    def method(self) -> str:
        return self.request.split(" ", 1)[0]

    @property
    def query(self) -> str:
        target = self.request.split(" ", 1)[1] if " " in self.request else ""
        return target.split("?", 1)[1] if "?" in target else ""

    @property
    def is_dead_letter(self) -> bool:
        """A statement write refused with 400: what replay can re-submit."""
        return (
            self.status == 400
            and self.method in ("POST", "PUT")
            and self.request.split(" ", 1)[-1].split("?", 1)[0].endswith(STATEMENTS_PATH)
        )

    def as_dict(self, *, with_body: bool = True) -> dict[str, Any]:
        found: dict[str, Any] = {
            "id": self.seq,
            "at": self.at,
            "tool": self.credential,
            "request": self.request,
            "status": self.status,
            "reason": self.reason,
            "field": self.field,
            "rule": self.rule,
            "version": self.version,
            "content_type": self.content_type,
            "body_bytes": self.body_bytes,
            "body_sha256": self.body_sha256,
            "body_kept": "whole" if self.has_whole_body else ("first bytes" if self.body is not None else "none"),
            "body_note": self.body_note,
            "replayed_at": self.replayed_at,
            "replayed_ids": self.replayed_ids,
            "replay_note": self.replay_note,
        }
        if with_body and self.body is not None:
            try:
                found["body"] = orjson.loads(self.body) if self.has_whole_body else self.body.decode()
            except (orjson.JSONDecodeError, UnicodeDecodeError):
                found["body"] = self.body.decode("utf-8", errors="replace")
        return found


COLUMNS = (
    "seq, at, credential, request, status, reason, field, rule, version, content_type, body, body_bytes, "
    "body_sha256, body_note, replayed_at, replayed_ids, replay_note"
)


def _row(row: tuple) -> Rejection:
    values = dict(zip(COLUMNS.split(", "), row, strict=True))
    values["body"] = bytes(values["body"]) if values["body"] is not None else None
    values["replayed_ids"] = orjson.loads(values["replayed_ids"]) if values["replayed_ids"] else []
    return Rejection(**values)


def is_statement_write(method: str, path: str) -> bool:
    return method in ("POST", "PUT") and path.endswith(STATEMENTS_PATH)


def _kept_body(store: LrsStore, settings: Settings, body: bytes) -> tuple[bytes | None, str | None]:
    """What of a refused body may be kept, and why not all of it."""
    about = store.names_forgotten_person()
    if about is not None:
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError:
            document = None
        if document is not None and about(document, None):
            return None, "not kept: it names a person who was forgotten"
    if len(body) > settings.lrs_rejected_body_bytes:
        return body[:HEAD_BYTES], (
            f"only the first {HEAD_BYTES} bytes kept: the body exceeds "
            f"LEERSTROOM_LRS_REJECTED_BODY_BYTES ({settings.lrs_rejected_body_bytes})"
        )
    return body, None


def cutoff(settings: Settings, now: datetime | None = None) -> str:
    """Notes from before this instant have expired."""
    return formats.format_timestamp((now or datetime.now(timezone.utc)) - timedelta(days=settings.lrs_rejected_days))


def record(store: LrsStore, settings: Settings, refusal: Refusal) -> None:
    """Keep one refusal; a store too busy to keep it never changes the answer to the tool."""
    body, note = (None, None)
    size = digest = None
    if refusal.body is not None:
        body, note = _kept_body(store, settings, refusal.body)
        size, digest = len(refusal.body), hashlib.sha256(refusal.body).hexdigest()
    try:
        with store.transaction() as db:
            db.execute(
                "INSERT INTO rejections (credential, at, request, status, reason, field, rule, version, content_type, "
                "body, body_bytes, body_sha256, body_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    refusal.credential,
                    formats.format_timestamp(datetime.now(timezone.utc)),
                    refusal.request[:500],
                    refusal.status,
                    refusal.reason[:1000],
                    refusal.field,
                    refusal.rule,
                    refusal.version,
                    refusal.content_type,
                    body,
                    size,
                    digest,
                    note,
                ),
            )
            _prune(db, settings, refusal.credential)
    except StoreUnavailable:
        log.warning("could not keep a refused request of %s", refusal.credential, exc_info=True)


def _prune(db: Db, settings: Settings, credential: str) -> None:
    db.execute("DELETE FROM rejections WHERE at < ?", (cutoff(settings),))
    dropped = db.execute(
        "DELETE FROM rejections WHERE credential = ? AND seq <= "
        "(SELECT seq FROM rejections WHERE credential = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)",
        (credential, credential, settings.lrs_rejected_per_tool),
    ).rowcount
    if dropped:
        db.execute(
            "INSERT INTO rejection_drops (credential, dropped, last_dropped_at) VALUES (?, ?, ?) "
            "ON CONFLICT (credential) DO UPDATE SET dropped = rejection_drops.dropped + excluded.dropped, "
            "last_dropped_at = excluded.last_dropped_at",
            (credential, dropped, formats.format_timestamp(datetime.now(timezone.utc))),
        )
        # Once per tool and process at warning level: a tool at its cap drops one note with every refusal.
        level = logging.DEBUG if credential in _AT_CAP else logging.WARNING
        _AT_CAP.add(credential)
        log.log(
            level,
            "dropped the oldest %d refused requests of %s: LEERSTROOM_LRS_REJECTED_PER_TOOL (%d) reached",
            dropped,
            credential,
            settings.lrs_rejected_per_tool,
        )


def expire(store: LrsStore, settings: Settings) -> int:
    """Delete the notes older than the retention period; returns how many went."""
    with store.transaction() as db:
        return db.execute("DELETE FROM rejections WHERE at < ?", (cutoff(settings),)).rowcount


def listing(
    store: LrsStore,
    settings: Settings,
    *,
    credential: str | None = None,
    dead_letters_only: bool = False,
    pending_only: bool = False,
    limit: int | None = 100,
) -> list[Rejection]:
    """Unexpired notes, newest first; filters: one tool, statements refused with 400, not yet replayed."""
    where: list[str] = ["at >= ?"]
    params: list[Any] = [cutoff(settings)]
    if credential is not None:
        where.append("credential = ?")
        params.append(credential)
    if dead_letters_only:
        where.append("status = 400 AND body_sha256 IS NOT NULL")
    if pending_only:
        where.append("replayed_at IS NULL")
    sql = f"SELECT {COLUMNS} FROM rejections WHERE {' AND '.join(where)} ORDER BY seq DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_row(row) for row in store.read(sql, params)]


def get(store: LrsStore, settings: Settings, seq: int) -> Rejection | None:
    rows = store.read(f"SELECT {COLUMNS} FROM rejections WHERE seq = ? AND at >= ?", (seq, cutoff(settings)))
    return _row(rows[0]) if rows else None


def recent(store: LrsStore, settings: Settings, credential: str, limit: int = 100) -> list[Rejection]:
    """One tool's newest refusals first (`leerstroom credentials rejected`)."""
    return listing(store, settings, credential=credential, limit=limit)


def counts(store: LrsStore, since: str) -> list[tuple]:
    """(tool, status, field, rule, reason, refused, replayed, newest) per tool and reason since `since`."""
    return store.read(
        "SELECT credential, status, field, rule, CASE WHEN field IS NULL THEN reason END, count(*), "
        "count(replayed_at), max(at) FROM rejections WHERE at >= ? "
        "GROUP BY credential, status, field, rule, CASE WHEN field IS NULL THEN reason END",
        (since,),
    )


def drops(store: LrsStore) -> list[tuple]:
    """(tool, refused requests dropped at LEERSTROOM_LRS_REJECTED_PER_TOOL, when the last went), most first."""
    return store.read(
        "SELECT credential, dropped, last_dropped_at FROM rejection_drops ORDER BY dropped DESC, credential"
    )


def mark_replayed(store: LrsStore, seq: int, statement_ids: list[str], note: str) -> None:
    with store.transaction() as db:
        db.execute(
            "UPDATE rejections SET replayed_at = ?, replayed_ids = ?, replay_note = ? WHERE seq = ?",
            (formats.format_timestamp(datetime.now(timezone.utc)), orjson.dumps(statement_ids).decode(), note, seq),
        )


def note_replay_refused(store: LrsStore, seq: int, note: str) -> None:
    with store.transaction() as db:
        db.execute("UPDATE rejections SET replay_note = ? WHERE seq = ?", (note[:1000], seq))
