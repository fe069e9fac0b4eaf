"""The statement search index: one statement_term_keys row per (term, statement), so queries become index walks.

A statement answers to its own terms (ingest/xapi/terms.py) and to the credential that stored
it. A StatementRef answers, besides, to the terms of the statement it refers to, followed down
a chain of references; when the target arrives after the reference, the reference gains its
terms then.

A term is indexed under a 64-bit key (the first 8 bytes of its BLAKE2b digest), not its text:
about nine rows per statement, each 16 bytes of key instead of some 60 of text, make every
insert and every index page cheaper on either engine. Two terms would have to share a key for
a query to return a statement it should not: with 10^8 distinct terms in a store, the chance
that a given term shares its key with any other is about 5·10^-12.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Iterable, Mapping

import orjson

from ingest.lrs.engine import Db
from ingest.lrs.prepared import Prepared
from ingest.xapi.terms import ACTOR_TYPES, credential_term, statement_terms

log = logging.getLogger(__name__)

# How deep StatementRef chains are followed when a referring statement inherits its target's terms.
REF_DEPTH = 10
# SQLite's IN lists are bounded; batches are looked up in slices of this size.
LOOKUP_SLICE = 500
TABLE = "statement_term_keys"
INSERT_IGNORING_KNOWN = f"INSERT INTO {TABLE} (term_key, seq) VALUES (?, ?) ON CONFLICT DO NOTHING"
# The text index of stores before migration 3 (SQLite only), which migration 1 may still have to fill.
LEGACY_INSERT = "INSERT INTO statement_terms (term, seq) VALUES (?, ?) ON CONFLICT DO NOTHING"


@functools.lru_cache(maxsize=1 << 16)
def term_key(term: str) -> int:
    """The signed 64-bit key a term is indexed under (verbs, tools and busy learners repeat: cached)."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "big", signed=True)


def person_term_keys(actor_keys: Iterable[str]) -> list[int]:
    """The keys of every agent term naming an actor with one of these actor keys (what `forget` removes)."""
    return sorted(
        {
            term_key(f"{kind} {object_type}|{key}")
            for key in actor_keys
            for kind in ("agent", "ragent")
            for object_type in ACTOR_TYPES
        }
    )


def inheritable(terms: Iterable[str]) -> set[str]:
    # Who stored a statement is not a property of statements referring to it.
    return {term for term in terms if not term.startswith("credential ")}


def index_fresh(db: Db, fresh: list[Prepared], seqs: Mapping[str, int], credential: str | None) -> None:
    """The term rows of newly stored statements, and the terms they give statements already referring to them."""
    by_id = {p.statement_id: p for p in fresh}
    own = credential_term(credential) if credential is not None else None
    rows: list[tuple[int, int]] = []
    for p in fresh:
        seq = seqs[p.statement_id]
        terms = p.terms
        if p.object_type == "StatementRef":
            terms = terms | target_terms(db, p.object_id, by_id)
        rows.extend((term_key(term), seq) for term in terms)
        if own is not None:
            rows.append((term_key(own), seq))
    # In key order the B-tree is walked once from left to right instead of jumping between pages.
    rows.sort()
    db.copy_rows(TABLE, ("term_key", "seq"), rows)
    spread_to_referrers(db, {p.statement_id: inheritable(p.terms) for p in fresh})


def target_terms(db: Db, target_id: str | None, batch: Mapping[str, Prepared]) -> set[str]:
    """The terms a StatementRef to `target_id` answers to: those of its target, followed down a chain."""
    terms: set[str] = set()
    seen: set[str] = set()
    for _ in range(REF_DEPTH):
        if target_id is None or target_id in seen:
            break
        seen.add(target_id)
        if target_id in batch:
            item = batch[target_id]
            terms |= inheritable(item.terms)
            target_id = item.object_id if item.object_type == "StatementRef" else None
            continue
        row = db.execute("SELECT object_type, object_id, payload FROM statements WHERE id = ?", (target_id,)).fetchone()
        if row is None:
            break
        object_type, object_id, payload = row
        terms |= inheritable(statement_terms(orjson.loads(payload)))
        target_id = object_id if object_type == "StatementRef" else None
    return terms


def spread_to_referrers(db: Db, new_terms: Mapping[str, set[str]]) -> None:
    """Give statements that refer (through StatementRef chains) to newly stored ones the terms of those."""
    frontier = dict(new_terms)
    for _ in range(REF_DEPTH):
        referrers: dict[str, set[str]] = {}
        rows: list[tuple[int, int]] = []
        targets = list(frontier)
        for start in range(0, len(targets), LOOKUP_SLICE):
            chunk = targets[start : start + LOOKUP_SLICE]
            for seq, referrer_id, target in db.execute(
                "SELECT seq, id, object_id FROM statements WHERE object_type = 'StatementRef' AND object_id IN "
                f"({','.join('?' * len(chunk))}) AND id <> object_id",
                chunk,
            ).fetchall():
                rows.extend((term_key(term), seq) for term in frontier[target])
                referrers.setdefault(referrer_id, set()).update(frontier[target])
        if not rows:
            return
        db.executemany(INSERT_IGNORING_KNOWN, rows)
        frontier = referrers


def index_existing_statements(db: Db) -> None:
    """Search terms (as text, in the index of that time) and voided flags for statements stored before the store had
    them: SQLite migration 1, for stores of the first release."""
    log.info("indexing statements stored before queries were supported; this runs once")
    rows = db.execute("SELECT seq, payload, credential FROM statements ORDER BY seq").fetchall()
    for seq, payload, credential in rows:
        statement = orjson.loads(payload)
        terms = statement_terms(statement)
        if credential is not None:
            terms.add(credential_term(credential))
        if statement["object"].get("objectType") == "StatementRef":
            terms |= target_terms(db, statement["object"]["id"].lower(), {})
        db.executemany(LEGACY_INSERT, [(term, seq) for term in terms])
    db.execute(
        "UPDATE statements SET voided = 1 WHERE voids IS NULL AND id IN "
        "(SELECT voids FROM statements WHERE voids IS NOT NULL)"
    )


def keys_from_text_index(db: Db) -> None:
    """SQLite migration 3: the text index of earlier stores becomes the key index, row for row."""
    (count,) = db.execute("SELECT count(*) FROM statement_terms").fetchone()
    if count:
        log.info("re-indexing %d search-term rows under 64-bit keys; this runs once", count)
    rows = db.execute("SELECT term, seq FROM statement_terms")
    while chunk := rows.fetchmany(100_000):  # a store of millions of statements is not read into memory at once
        db.executemany(INSERT_IGNORING_KNOWN, sorted((term_key(term), seq) for term, seq in chunk))
    db.execute("DROP TABLE statement_terms")
