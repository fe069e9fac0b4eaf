"""`leerstroom dashboard`: serve the Streamlit app as a child process on the configured loopback address."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

from leerstroom.settings import Settings

log = logging.getLogger(__name__)

APP = Path(__file__).resolve().parent / "app.py"  # the Streamlit script (AppTest runs this one)
SERVED = APP.parent / "web.py"  # what is served: APP behind the download middleware


def streamlit_command(settings: Settings) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(SERVED),
        "--server.address",
        settings.dashboard_host,
        "--server.port",
        str(settings.dashboard_port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        # Served code does not change while it runs; watching files only costs inotify handles.
        "--server.fileWatcherType",
        "none",
        # Readers of the dashboards have no use for the developer toolbar (Deploy, rerun, settings).
        "--client.toolbarMode",
        "viewer",
        # A table leaves the dashboards only through the audited, role-checked downloads (dashboards/downloads.py),
        # never through a table's own CSV export or copy.
        "--client.disableDataExport",
        "true",
    ]


def run(settings: Settings) -> int:
    """Run Streamlit until it exits or this process gets SIGINT/SIGTERM (passed on to the child)."""
    env = dict(os.environ)
    # The app reads its settings from the environment; point it at the same data folder as ours.
    env["LEERSTROOM_DATA_DIR"] = str(settings.data_dir.resolve())
    child = subprocess.Popen(streamlit_command(settings), env=env)
    log.info("dashboard on http://%s:%d (pid %d)", settings.dashboard_host, settings.dashboard_port, child.pid)

    def forward(signum: int, _frame: object) -> None:
        child.send_signal(signum)

    previous = {signum: signal.signal(signum, forward) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        code = child.wait()
        # Served through st.App, Streamlit ends on SIGTERM by the signal itself: report it as a shell would (128+n).
        return 128 - code if code < 0 else code
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
