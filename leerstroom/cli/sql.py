"""`leerstroom sql`: a read-only query on the lake, CSV on stdout."""

from __future__ import annotations

import csv
import sys

import duckdb

from leerstroom import lake
from leerstroom.errors import ConfigurationError
from leerstroom.settings import Settings


def run(settings: Settings, query: str, snapshot: int | None = None) -> int:
    con = lake.connect(settings, read_only=True, snapshot=snapshot)
    try:
        cursor = con.execute(query)
    except duckdb.Error as err:
        raise ConfigurationError(f"query failed: {err}") from err
    out = csv.writer(sys.stdout)
    if cursor.description:
        out.writerow([col[0] for col in cursor.description])
        while rows := cursor.fetchmany(10_000):
            out.writerows(rows)
    con.close()
    return 0
