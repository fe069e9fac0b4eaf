"""`leerstroom backup DEST` / `leerstroom restore SRC`: a consistent copy of the data folder while the services run.

Consistency: the lake is copied under its writer lock (no commit can land meanwhile), its
SQLite catalog through SQLite's online backup API, its Parquet files as they are (written
once, never changed). The LRS store is copied after the lake, also through the online
backup API, so it holds at least every statement the copied lake holds; the restored
outbox republishes whatever the lake lacks. The warehouse is a build cache and is left
out: the first transform after a restore rebuilds it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from leerstroom import lake
from leerstroom.errors import ConfigurationError
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the data folder's layout changes; docs/operations.md lists the upgrades
MANIFEST = "BACKUP.json"
# Rebuilt or recreated by the services; copying them would restore stale pids, locks and heartbeats.
SKIPPED = {"run", "logs", "warehouse"}


def _sqlite_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=60)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst, pages=4096)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no WAL beside it


def _empty_folder(folder: Path, role: str) -> None:
    if folder.exists() and any(folder.iterdir()):
        raise ConfigurationError(f"{role} {folder} is not empty; give a new or empty folder")
    folder.mkdir(parents=True, exist_ok=True)


def _copy_other_files(settings: Settings, destination: Path) -> int:
    """Small state beside the stores (forget list, dashboard users, audit log): copied as they are."""
    copied = 0
    handled = {settings.lrs_dir, settings.lake_dir}
    for entry in settings.data_dir.iterdir():
        if entry.name in SKIPPED or entry in handled:
            continue
        for path in [entry] if entry.is_file() else [p for p in entry.rglob("*") if p.is_file()]:
            target = destination / path.relative_to(settings.data_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix in (".sqlite", ".db"):
                _sqlite_copy(path, target)
            elif not path.name.endswith(("-wal", "-shm")):
                shutil.copy2(path, target)
            copied += 1
    return copied


def backup(settings: Settings, destination: str | Path) -> int:
    destination = Path(destination).resolve()
    _empty_folder(destination, "backup destination")
    manifest: dict = {"format": FORMAT, "started_at": datetime.now(timezone.utc).isoformat()}
    if lake.on_postgres(settings) or settings.lake_data_path.strip():
        # A shared catalog and shared files are backed up where they live, consistently with each other.
        manifest["lake"] = (
            f"not in this backup: the lake at {lake.identity(settings)} is backed up with "
            "pg_dump and the object store's or shared folder's own copies (docs/operations.md)"
        )
        log.warning("%s", manifest["lake"])
    elif lake.exists(settings):
        con = lake.connect(settings, read_only=True)
        try:
            with lake.writer_lock(settings):
                manifest["lake_snapshot"] = lake.current_snapshot(con)
                catalog = settings.lake_catalog_file
                _sqlite_copy(catalog, destination / "lake" / catalog.name)
                if settings.lake_data.exists():
                    shutil.copytree(settings.lake_data, destination / "lake" / settings.lake_data.name)
        finally:
            con.close()
    if settings.lrs_on_postgres:
        manifest["lrs"] = (
            "not in this backup: the LRS store is in PostgreSQL (LEERSTROOM_LRS_DATABASE), backed up "
            "with pg_dump (docs/operations.md)"
        )
        log.warning("%s", manifest["lrs"])
    elif settings.lrs_db.exists():
        _sqlite_copy(settings.lrs_db, destination / "lrs" / settings.lrs_db.name)
    manifest["other_files"] = _copy_other_files(settings, destination)
    manifest["finished_at"] = datetime.now(timezone.utc).isoformat()
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2))
    log.info("backup of %s written to %s", settings.data_dir, destination)
    print(json.dumps({"backup": str(destination), **manifest}))
    return 0


def restore(settings: Settings, source: str | Path) -> int:
    """Copy a backup into an empty data folder; the services must be stopped (they will start from it)."""
    source = Path(source).resolve()
    manifest_path = source / MANIFEST
    if not manifest_path.exists():
        raise ConfigurationError(f"{source} holds no {MANIFEST}: not a Leerstroom backup")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise ConfigurationError(f"backup format {manifest.get('format')} is not {FORMAT}; see docs/operations.md")
    target = settings.data_dir.resolve()
    _empty_folder(target, "data folder")
    shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(MANIFEST))
    log.info("restored %s into %s", source, target)
    print(json.dumps({"restored": str(target), "lake_snapshot": manifest.get("lake_snapshot")}))
    return 0
