"""How deeply a request's JSON may nest: deeper values are refused with 400, since they could be neither stored nor
streamed (orjson writes at most 254 levels, and a statement or document event wraps the sent JSON in a few more)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ingest.lrs.exceptions import BadRequest

MAX_DEPTH = 100


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when `value` nests objects and arrays more than `limit` levels deep; iterative, so any depth is safe."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def check(value: Any, field: str) -> Any:
    """`value`, or BadRequest naming `field` when it nests too deeply."""
    if too_deep(value):
        raise BadRequest(field, f"JSON must not nest objects and arrays more than {MAX_DEPTH} levels deep")
    return value
