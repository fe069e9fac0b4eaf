"""`leerstroom demo`, the quick start's first command, run as a user runs it: twice on one data folder, then Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from leerstroom import lake
from leerstroom.settings import Settings
from tests.fixtures.data import free_port

pytestmark = [pytest.mark.broker, pytest.mark.slow]


def run_demo_until_ready(settings: Settings, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "LEERSTROOM_DATA_DIR": str(settings.data_dir),
        "LEERSTROOM_LRS_PORT": str(settings.lrs_port),
        "LEERSTROOM_DASHBOARD_PORT": str(settings.dashboard_port),
    }
    out = log.open("w")
    demo = subprocess.Popen(
        [sys.executable, "-m", "leerstroom.cli.main", "demo", "--employees", "12", "--months", "1"],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 600
    while "Press Ctrl-C" not in log.read_text():
        assert demo.poll() is None, f"the demo exited early:\n{log.read_text()[-4000:]}"
        assert time.monotonic() < deadline, f"the demo never became ready:\n{log.read_text()[-4000:]}"
        time.sleep(1)
    return demo


def stop_with_ctrl_c(demo: subprocess.Popen, log: Path) -> None:
    demo.send_signal(signal.SIGINT)
    assert demo.wait(timeout=60) == 0, log.read_text()[-4000:]


def lake_counts(settings: Settings) -> tuple[int, int, int | None]:
    con = lake.connect(settings, read_only=True)
    try:
        total, distinct = con.execute(
            "SELECT count(*), count(DISTINCT statement_id) FROM lake.raw.statements"
        ).fetchone()
        certified = lake.last_certified(con)
    finally:
        con.close()
    return total, distinct, certified["snapshot_id"] if certified else None


def test_demo_runs_twice_on_one_data_folder_and_stops_cleanly(tmp_path: Path):
    settings = Settings(data_dir=tmp_path / "data", lrs_port=free_port(), dashboard_port=free_port())

    demo = run_demo_until_ready(settings, tmp_path / "first.log")
    try:
        credential_file = settings.data_dir / "demo-credentials.json"
        assert stat.S_IMODE(credential_file.stat().st_mode) == 0o600
        credential = json.loads(credential_file.read_text())
        assert set(credential) == {"endpoint", "key", "secret"}
        assert credential["endpoint"] == f"http://127.0.0.1:{settings.lrs_port}/xapi/"
        output = (tmp_path / "first.log").read_text()
        assert credential["secret"] in output, "the credential is printed for the user"
        assert f"http://127.0.0.1:{settings.dashboard_port}/" in output
        logins = json.loads((settings.data_dir / "demo-dashboard-users.json").read_text())
        assert set(logins) == {"demo-executive", "demo-hr-analyst", "demo-admin"}
        total, distinct, first_certified = lake_counts(settings)
        assert total == distinct > 0 and first_certified is not None
    finally:
        stop_with_ctrl_c(demo, tmp_path / "first.log")

    # The embedded broker starts empty the second time; the data folder is reused and nothing doubles.
    demo = run_demo_until_ready(settings, tmp_path / "second.log")
    try:
        assert json.loads(credential_file.read_text()) == credential, "the working credential is reused"
        again_total, again_distinct, second_certified = lake_counts(settings)
        assert (again_total, again_distinct) == (total, distinct)
        assert second_certified > first_certified
    finally:
        stop_with_ctrl_c(demo, tmp_path / "second.log")
