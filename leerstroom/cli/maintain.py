"""`leerstroom maintain`: apply the raw-data retention period and compact the lake's files.

Raw statements stored longer ago than LEERSTROOM_RAW_RETENTION_DAYS are deleted (0 keeps
them forever); then small files are merged, snapshots older than the retention period
expired and unreferenced files removed, so deleted data really leaves the disk. Refused requests kept
longer than LEERSTROOM_LRS_REJECTED_DAYS leave the LRS store.
"""

from __future__ import annotations

import json
import logging

import duckdb

from ingest.lrs import rejected
from ingest.lrs import store as lrs_store
from ingest.lrs.store import LrsStore
from leerstroom import lake
from leerstroom.settings import Settings

log = logging.getLogger(__name__)


def maintain(settings: Settings) -> int:
    con = lake.connect(settings)
    removed = 0
    try:
        if settings.raw_retention_days:
            days = int(settings.raw_retention_days)

            def expire_raw(con: duckdb.DuckDBPyConnection) -> int:
                return con.execute(
                    f"DELETE FROM lake.raw.statements WHERE stored_at < now() - INTERVAL {days} DAY"
                ).fetchone()[0]

            removed = lake.write_transaction(con, expire_raw, settings=settings)
        with lake.writer_lock(settings):
            con.execute("CALL ducklake_rewrite_data_files('lake')")
            con.execute("CALL ducklake_merge_adjacent_files('lake')")
            if settings.raw_retention_days:
                con.execute(
                    f"CALL ducklake_expire_snapshots('lake', older_than => now() - INTERVAL "
                    f"{int(settings.raw_retention_days)} DAY)"
                )
            con.execute("CALL ducklake_cleanup_old_files('lake', cleanup_all => true)")
        files = con.execute(
            "SELECT count(*) FROM ducklake_list_files('lake', 'statements', schema => 'raw')"
        ).fetchone()[0]
    finally:
        con.close()
    log.info("maintenance: %d raw statements past retention deleted", removed)
    print(
        json.dumps(
            {
                "raw_statements_deleted": removed,
                "raw_statement_files": files,
                "retention_days": settings.raw_retention_days,
                "refused_requests_expired": _expire_refusals(settings),
            }
        )
    )
    return 0


def _expire_refusals(settings: Settings) -> int:
    """Refused requests and their bodies past LEERSTROOM_LRS_REJECTED_DAYS leave the LRS store."""
    if not lrs_store.exists(settings):
        return 0
    store = LrsStore(settings)
    try:
        return rejected.expire(store, settings)
    finally:
        store.close()
