"""Driving the served dashboards in headless Debian chromium: serve, sign in through the form, open pages, wait."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Page

from dashboards import i18n
from dashboards.deep_dives import DEEP_DIVES
from leerstroom.errors import ConfigurationError
from leerstroom.settings import Settings
from tests.dashboards.app_session import PASSWORDS
from tests.fixtures.data import free_port

COMMON_PAGES = [
    "Executive overview",
    "HR explorer",
    "Daily activity",
    *[i18n.text("en", f"dive.{dive.key}.title") for dive in DEEP_DIVES],
]
ADMIN_PAGES = ["Data and pipeline health", "Audit log"]
# The script state Streamlit's front end puts on its root element while a run is in flight.
BUSY = "['running', 'rerunRequested']"


def wait_healthy(url: str, child: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise ConfigurationError(f"`leerstroom dashboard` exited with {child.returncode} before serving")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise ConfigurationError(f"dashboard not healthy at {url} after {timeout} s")


@contextlib.contextmanager
def served_dashboard(settings: Settings, cwd: Path, port: int | None = None) -> Iterator[tuple[str, list[int]]]:
    """`leerstroom dashboard` on `port` (default: a free one); yields its URL and, after the block, its exit code."""
    port = port or free_port()
    env = dict(os.environ, LEERSTROOM_DATA_DIR=str(settings.data_dir), LEERSTROOM_DASHBOARD_PORT=str(port))
    child = subprocess.Popen([str(Path(sys.executable).parent / "leerstroom"), "dashboard"], env=env, cwd=cwd)
    exit_code: list[int] = []
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", child)
        yield f"http://127.0.0.1:{port}/", exit_code
    finally:
        child.send_signal(signal.SIGTERM)
        exit_code.append(child.wait(timeout=30))


def wait_rendered(page: Page, title: str) -> None:
    """The page's heading is up and Streamlit has finished running its script."""
    page.locator('[data-testid="stHeading"]', has_text=title).first.wait_for(timeout=60_000)
    idle = (
        f"() => !{BUSY}.includes(document.querySelector('[data-testid=\"stApp\"]')"
        ".getAttribute('data-test-script-state'))"
    )
    page.wait_for_function(idle, timeout=60_000)
    # A run can be requested just after the previous one ended (st.rerun after sign-in): settle, then ask again.
    page.wait_for_timeout(150)
    page.wait_for_function(idle, timeout=60_000)


def sign_in(page: Page, url: str, role: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("textbox", name="User name").fill(f"{role.replace('_', '-')}-user")
    page.get_by_role("textbox", name="Password").fill(PASSWORDS[role])
    page.get_by_role("button", name="Sign in").click()
    wait_rendered(page, "Executive overview")


def open_from_sidebar(page: Page, title: str) -> None:
    heading = page.locator('[data-testid="stHeading"]', has_text=title)
    # Clicking the page already shown starts a rerun while its old elements still stand, which would
    # race the wait below; a page whose heading is up after a finished run is already rendered.
    if heading.count() == 0:
        page.locator('[data-testid="stSidebarNavLink"]', has_text=title).first.click()
    wait_rendered(page, title)
