"""Historical import: statements from NDJSON/JSON files or another LRS, through the same validation, store and outbox.

Imported statements keep their id, timestamp and content; this LRS assigns `stored`
and an authority naming the import. Re-importing is harmless (identical statements are
no-ops by id), and a pull from another LRS resumes from its checkpoint file.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ingest.lrs import activities
from ingest.lrs.exceptions import PersonForgotten, StatementConflict
from ingest.lrs.store import LrsStore
from ingest.privacy.forgotten import ForgetList
from ingest.xapi.exceptions import StatementInvalid
from ingest.xapi.validation import validate_statement
from leerstroom.errors import TerminalError, TransientError
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

BATCH = 500
IMPORT_NAME = "leerstroom-import"
# How many rejected statements the report lists in full; the count covers all of them.
REPORTED_REJECTIONS = 20
REMOTE_VERSION = "1.0.3"
REMOTE_TIMEOUT = 30


class ImportFailed(TerminalError):
    """A file or a remote LRS could not be read as statements at all."""


class RemoteUnavailable(TransientError):
    """The remote LRS did not answer; the checkpoint keeps what was imported, so run the import again."""


@dataclass
class Report:
    read: int = 0
    stored: int = 0
    rejected: int = 0
    conflicts: int = 0
    problems: list[str] = field(default_factory=list)

    def note(self, where: str, problem: str) -> None:
        if len(self.problems) < REPORTED_REJECTIONS:
            self.problems.append(f"{where}: {problem}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "stored": self.stored,
            "rejected": self.rejected,
            "conflicts": self.conflicts,
            "problems": self.problems,
        }


class Importer:
    def __init__(self, settings: Settings, store: LrsStore | None = None) -> None:
        self.settings = settings
        self.store = store or LrsStore(settings, forgotten=ForgetList(settings))
        self.authority = {"objectType": "Agent", "account": {"homePage": settings.lrs_base_url, "name": IMPORT_NAME}}
        self.report = Report()

    def import_files(self, paths: Iterable[Path]) -> Report:
        for path in paths:
            batch: list[tuple[str, Any]] = []
            for where, statement in _read_file(Path(path)):
                batch.append((where, statement))
                if len(batch) >= BATCH:
                    self._save(batch)
                    batch = []
            self._save(batch)
        return self.report

    def import_remote(self, endpoint: str, key: str, secret: str, page_size: int = BATCH) -> Report:
        """Pull every statement the remote LRS holds (oldest first), checkpointing after each page."""
        checkpoint = Checkpoint(self.settings.data_dir / "import" / (_digest(endpoint) + ".json"))
        base = endpoint.rstrip("/") + "/"
        url = checkpoint.more or base + "statements?" + urllib.parse.urlencode(
            {"ascending": "true", "limit": str(page_size), **({"since": checkpoint.since} if checkpoint.since else {})}
        )
        auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        while url:
            page = _fetch(url, auth)
            statements = page.get("statements")
            if not isinstance(statements, list):
                raise ImportFailed(f"{url}: answer has no statements array")
            self._save([(f"{url} [{index}]", statement) for index, statement in enumerate(statements)])
            more = page.get("more") or ""
            next_url = urllib.parse.urljoin(base, more) if more else ""
            newest = max((s.get("stored", "") for s in statements if isinstance(s, dict)), default="")
            checkpoint.save(since=newest or checkpoint.since, more=next_url or None)
            url = next_url
        return self.report

    def _save(self, batch: list[tuple[str, Any]]) -> None:
        valid = []
        for where, statement in batch:
            self.report.read += 1
            try:
                validate_statement(statement, allow_2_0=True)
            except StatementInvalid as err:
                self.report.rejected += 1
                self.report.note(where, str(err))
                continue
            valid.append((where, statement))
        for chunk in _without_duplicate_ids(valid):
            self._store(chunk)

    def _store(self, chunk: list[tuple[str, dict]]) -> None:
        statements = [statement for _, statement in chunk]
        before = self.store.counts()["statements"]
        try:
            # An operator's import: voiding statements of the other LRS void what they voided there.
            self.store.save(
                statements,
                self.authority,
                credential=IMPORT_NAME,
                on_commit=lambda db: activities.merge_definitions(db, statements),
                may_void_any=True,
            )
        except (StatementConflict, StatementInvalid, PersonForgotten) as err:
            if len(chunk) > 1:
                # One bad statement must not cost its batch: store the others one by one.
                for item in chunk:
                    self._store([item])
                return
            where, statement = chunk[0]
            if isinstance(err, PersonForgotten):
                self.report.rejected += 1
                self.report.note(where, "is about a person erased at their request (right to erasure); not imported")
                return
            self.report.conflicts += 1
            self.report.note(where, f"statement {statement.get('id')} is stored here already with other content")
            return
        self.report.stored += self.store.counts()["statements"] - before


class Checkpoint:
    """Where a pull from another LRS got to: the next `more` link and the newest `stored` imported."""

    def __init__(self, path: Path) -> None:
        self.path = path
        state = orjson.loads(path.read_bytes()) if path.exists() else {}
        self.since: str | None = state.get("since")
        self.more: str | None = state.get("more")

    def save(self, *, since: str | None, more: str | None) -> None:
        self.since, self.more = since, more
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".tmp")
        partial.write_bytes(orjson.dumps({"since": since, "more": more}))
        partial.replace(self.path)


def _read_file(path: Path) -> Iterator[tuple[str, Any]]:
    """(where, statement) from NDJSON, a JSON array, one statement, or a StatementResult."""
    try:
        text = path.read_bytes()
    except OSError as err:
        raise ImportFailed(f"{path}: cannot be read ({err})") from err
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError:
        document = None
    if isinstance(document, dict) and isinstance(document.get("statements"), list):
        document = document["statements"]
    if isinstance(document, list):
        yield from ((f"{path}[{index}]", statement) for index, statement in enumerate(document))
        return
    if isinstance(document, dict):
        yield f"{path}", document
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield f"{path}:{number}", orjson.loads(line)
        except orjson.JSONDecodeError as err:
            yield f"{path}:{number}", f"not JSON ({err})"


def _without_duplicate_ids(items: list[tuple[str, dict]]) -> Iterator[list[tuple[str, dict]]]:
    """Slices of at most BATCH statements in which no id occurs twice (the store refuses that in one call)."""
    chunk: list[tuple[str, dict]] = []
    ids: set[str] = set()
    for where, statement in items:
        statement_id = str(statement.get("id", "")).lower()
        if (statement_id and statement_id in ids) or len(chunk) >= BATCH:
            yield chunk
            chunk, ids = [], set()
        chunk.append((where, statement))
        if statement_id:
            ids.add(statement_id)
    if chunk:
        yield chunk


def _fetch(url: str, auth: str) -> dict:
    request = urllib.request.Request(
        url, headers={"Authorization": auth, "X-Experience-API-Version": REMOTE_VERSION, "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=REMOTE_TIMEOUT) as response:
            body = response.read()
    except urllib.error.HTTPError as err:
        detail = err.read()[:300].decode("utf-8", "replace")
        if err.code >= 500:
            raise RemoteUnavailable(f"{url}: HTTP {err.code} {detail}") from err
        raise ImportFailed(f"{url}: HTTP {err.code} {detail}") from err
    except (urllib.error.URLError, TimeoutError, ConnectionError) as err:
        raise RemoteUnavailable(f"{url}: {err}") from err
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as err:
        raise ImportFailed(f"{url}: answer is not JSON ({err})") from err


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]
