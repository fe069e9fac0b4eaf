"""Reading statements back: by id, pages of a statement query through the search index, attachments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ingest.lrs.search_terms import TABLE, term_key


@dataclass(frozen=True)
class StatementQuery:
    """A statement query as the store runs it: every term must match; times compare with `stored`."""

    terms: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    ascending: bool = False
    limit: int = 100
    cursor: int | None = None  # the seq the previous page ended at
    through_seq: int | None = None  # statements after this seq (stored after the first page) are left out


BY_ID = {
    "payload": "SELECT payload FROM statements WHERE id = ?",
    "voided": "SELECT voided FROM statements WHERE id = ?",
}
ATTACHMENT = (
    "SELECT a.content_type, a.content FROM statement_attachments l JOIN attachments a ON a.sha2 = l.sha2 "
    "WHERE l.statement_id = ? AND l.sha2 = ?"
)
LAST_SEQ = "SELECT max(seq) FROM statements"


def query_sql(query: StatementQuery, *, postgres: bool = False) -> tuple[str, list[Any]]:
    """Statements matching every term of `query`, not voided, as (seq, payload) in the asked order.

    The first term drives the scan through its index rows in seq order, so a page costs
    about `limit` lookups however many statements match overall.
    """
    order = "ASC" if query.ascending else "DESC"
    params: list[Any] = []
    if query.terms:
        first, *rest = query.terms
        # SQLite's CROSS JOIN keeps the term's rows as the outer loop; PostgreSQL's planner finds that itself.
        join = "JOIN" if postgres else "CROSS JOIN"
        sql = (
            f"SELECT s.seq, s.payload FROM {TABLE} t {join} statements s ON s.seq = t.seq "
            "WHERE t.term_key = ? AND s.voided = 0"
        )
        params.append(term_key(first))
        seq_column = "t.seq"
    else:
        sql, rest, seq_column = "SELECT s.seq, s.payload FROM statements s WHERE s.voided = 0", [], "s.seq"
    for term in rest:
        sql += f" AND EXISTS (SELECT 1 FROM {TABLE} x WHERE x.term_key = ? AND x.seq = s.seq)"
        params.append(term_key(term))
    if query.cursor is not None:
        sql += f" AND {seq_column} {'>' if query.ascending else '<'} ?"
        params.append(query.cursor)
    if query.through_seq is not None:
        sql += f" AND {seq_column} <= ?"
        params.append(query.through_seq)
    if query.since is not None:
        sql += " AND s.stored > ?"
        params.append(query.since)
    if query.until is not None:
        sql += " AND s.stored <= ?"
        params.append(query.until)
    sql += f" ORDER BY {seq_column} {order} LIMIT ?"
    params.append(query.limit)
    return sql, params
