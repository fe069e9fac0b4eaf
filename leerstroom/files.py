"""Files at rest: everything a Leerstroom process writes under the data folder is readable by its owner only."""

from __future__ import annotations

import logging
import os
import stat

from leerstroom.settings import Settings

log = logging.getLogger(__name__)

# New folders 0700 and files 0600: SQLite stores, Parquet, logs, keys. Child processes (dbt, Streamlit, the broker)
# inherit it.
PRIVATE_UMASK = 0o077


def keep_private(settings: Settings) -> None:
    """Set this process's umask, and close a data folder that an older version left open to others.

    Closing the folder alone is enough for the files in it that were made 0644 before: nobody
    else can reach them.
    """
    os.umask(PRIVATE_UMASK)
    folder = settings.data_dir
    try:
        mode = stat.S_IMODE(folder.stat().st_mode)
    except FileNotFoundError:
        return  # whoever creates it creates it 0700, under the umask
    if mode & 0o077:
        try:
            folder.chmod(mode & 0o700)
            log.info("closed the data folder %s to other users (it was %o, now %o)", folder, mode, mode & 0o700)
        except PermissionError:
            log.warning(
                "the data folder %s is open to other users (%o) and this process cannot change that", folder, mode
            )
