"""`leerstroom dashboard` served for real and opened in headless Debian chromium through Playwright."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from leerstroom import lake
from tests.fixtures.data import REPO, free_port
from tests.transform.lake_rows import build_certified_lake

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "test-artifacts"


def wait_healthy(url: str, child: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            pytest.fail(f"`leerstroom dashboard` exited with {child.returncode} before serving")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    pytest.fail(f"dashboard not healthy at {url} after {timeout} s")


@pytest.mark.browser
def test_dashboard_in_a_real_browser_shows_the_certified_total(tmp_path: Path) -> None:
    built = build_certified_lake(tmp_path / "data")
    con = lake.connect(built.settings, snapshot=built.result.certified_snapshot_id)
    try:
        total = con.execute("SELECT sum(statement_count) FROM lake.marts.mart_daily_activity").fetchone()[0]
    finally:
        con.close()
    port = free_port()
    env = dict(os.environ, LEERSTROOM_DATA_DIR=str(built.settings.data_dir), LEERSTROOM_DASHBOARD_PORT=str(port))
    child = subprocess.Popen([str(Path(sys.executable).parent / "leerstroom"), "dashboard"], env=env, cwd=tmp_path)
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", child)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded")
                page.get_by_text("Per verb").wait_for(timeout=60_000)
                page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=30_000)
                # The per-verb table paints on a canvas after the rest; wait so the screenshot shows it.
                page.locator('[data-testid="stDataFrame"] canvas').first.wait_for(timeout=30_000)
                page.wait_for_timeout(500)
                metric_values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
                exceptions = page.locator('[data-testid="stException"]').count()
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "dashboard-activity.png"), full_page=True)
                caption = page.get_by_text(f"Certified snapshot {built.result.certified_snapshot_id} ").inner_text()
            finally:
                browser.close()
    finally:
        child.send_signal(signal.SIGTERM)
        exit_code = child.wait(timeout=30)

    assert exceptions == 0
    assert metric_values[0] == f"{total:,}"
    assert f"Certified snapshot {built.result.certified_snapshot_id}" in caption
    # SIGTERM reached Streamlit through `leerstroom dashboard`, which then ended on its own.
    assert exit_code in (0, -signal.SIGTERM, 128 + signal.SIGTERM)
