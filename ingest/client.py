"""Send statements to an LRS as a learning tool does: through the `tincan` xAPI client, in batches."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

import orjson
from tincan import RemoteLRS, Statement

from leerstroom.errors import TransientError

log = logging.getLogger(__name__)


class LrsRejected(TransientError):
    """The LRS did not acknowledge a batch; the message carries its status and answer."""


def remote_lrs(endpoint: str, key: str, secret: str, version: str = "1.0.3") -> RemoteLRS:
    # tincan 1.0.0 speaks 1.0.x; Leerstroom serves 1.0.3 and 2.0.0.
    return RemoteLRS(endpoint=endpoint, username=key, password=secret, version=version)


def _batches(statements: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for stmt in statements:
        batch.append(stmt)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def send(lrs: RemoteLRS, statements: Iterable[dict], batch_size: int = 100, progress=None) -> list[str]:
    """POST statements in batches; returns the ids the LRS acknowledged. `progress(n)` is told each batch."""
    acknowledged: list[str] = []
    for batch in _batches(statements, batch_size):
        objects = [Statement.from_json(orjson.dumps(s).decode()) for s in batch]
        response = lrs.save_statements(objects)
        if not response.success:
            status = getattr(response.response, "status", "?")
            raise LrsRejected(f"LRS answered {status}: {response.data!r}"[:500])
        acknowledged.extend(str(s.id) for s in response.content)
        if progress is not None:
            progress(len(batch))
    return acknowledged
