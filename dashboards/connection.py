"""The dashboards' lake connections: read-only, and for marts always at a certified snapshot."""

from __future__ import annotations

import duckdb
import streamlit as st

from leerstroom import lake
from leerstroom.settings import get_settings


@st.cache_resource(max_entries=4)
def certified_lake(catalog: str, snapshot_id: int) -> duckdb.DuckDBPyConnection:
    """Read-only, pinned to one certified snapshot: what every chart and table reads."""
    return lake.connect(get_settings(), snapshot=snapshot_id)


def catalog_key() -> str:
    """Identifies the lake in cache keys, so two lakes served by one process never share cached rows."""
    return lake.identity(get_settings())
