"""dbt-duckdb plugin: dbt's connection reads the lake read-only, pinned to one raw snapshot.

`leerstroom transform` chooses the snapshot (LEERSTROOM_RAW_SNAPSHOT); a plain `dbt build`
pins the lake's latest snapshot when it connects.

dbt writes only into its own warehouse file. Writing models into the lake itself would
compete with the sink for the SQLite catalog's single writer slot and fail with
"database is locked"; reading the lake at a fixed snapshot never competes. The lake is
the one the profile names: the SQLite catalog in the data folder, or a PostgreSQL
catalog with its files on a shared folder or object storage.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from leerstroom import lake
from leerstroom.errors import ConfigurationError
from leerstroom.settings import Settings

log = logging.getLogger(__name__)


def parse_snapshot(value: Any) -> int | None:
    """The pinned raw snapshot from the profile; empty means the lake's latest state."""
    if value is None or str(value).strip() == "":
        return None
    try:
        return int(str(value).strip())
    except ValueError as err:
        raise ConfigurationError(f"LEERSTROOM_RAW_SNAPSHOT: {value!r} is not a snapshot id (an integer)") from err


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self.settings = Settings(
            data_dir=Path(str(plugin_config.get("data_dir") or "data")),
            lake_catalog=str(plugin_config.get("lake_catalog") or ""),
            lake_data_path=str(plugin_config.get("lake_data_path") or ""),
        )
        self.raw_snapshot = parse_snapshot(plugin_config.get("raw_snapshot"))

    def update_connection_config(self, creds: Any, config: dict[str, Any]) -> None:
        config.update(lake.duckdb_config())
        if creds.path and creds.path != ":memory:":
            # The warehouse file persists between runs (incremental models); make its folder on first use.
            Path(creds.path).parent.mkdir(parents=True, exist_ok=True)

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        snapshot = self.raw_snapshot
        if snapshot is None:
            # A plain `dbt build` pins the latest snapshot too: staging models are views, and
            # unpinned views would each see whatever the sink committed since the tables were built.
            lake.attach(conn, self.settings, read_only=True)
            snapshot = lake.current_snapshot(conn)
            conn.execute(f"DETACH {lake.LAKE}")
        lake.attach(conn, self.settings, read_only=True, snapshot=snapshot)
        log.info("lake attached read-only at snapshot %d", snapshot)
        if self.settings.transform_memory_limit:
            # DuckDB takes up to 80 % of RAM by default and spills to disk beyond the limit.
            conn.execute("SET memory_limit = ?", [self.settings.transform_memory_limit])
