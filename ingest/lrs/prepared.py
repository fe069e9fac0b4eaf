"""A statement ready to insert: validated, with the fields the LRS assigns and what its index and 409 rule need.

Its own module because both the writes (ingest/lrs/statement_writes.py) and the search index
(ingest/lrs/search_terms.py) read it, and the writes call the index.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Prepared:
    """A validated statement with the LRS-assigned fields, ready to insert."""

    statement_id: str
    payload: bytes
    content_hash: str
    sent_instant: str | None
    timestamp_instant: str
    stored: str
    actor_key: str
    verb_id: str
    object_type: str
    object_id: str | None
    registration: str | None
    voids: str | None
    terms: frozenset[str]
    attachment_sha2s: frozenset[str] = frozenset()
    document: dict | None = None  # the statement as stored, for checks that need it before the commit
