"""`leerstroom dashboard` served for real on a generated organisation and opened in headless Debian chromium.

One server for the module; each role signs in through the form in its own browser
context and opens every page it is offered from the sidebar, as a person would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from dashboards import i18n
from dashboards.deep_dives import DEEP_DIVES
from leerstroom import lake
from tests.dashboards.app_session import PASSWORDS, create_users
from tests.dashboards.org_lake import OrgLake, build_org_lake
from tests.fixtures.data import REPO, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "test-artifacts"
COMMON_PAGES = ["Executive overview", "HR explorer", "Daily activity",
                *[i18n.text("en", f"dive.{dive.key}.title") for dive in DEEP_DIVES]]
ADMIN_PAGES = ["Data and pipeline health", "Audit log"]


@dataclass
class Served:
    org: OrgLake
    url: str


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


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("browser")
    org = build_org_lake(folder / "data")
    create_users(org.settings)
    port = free_port()
    env = dict(os.environ, LEERSTROOM_DATA_DIR=str(org.settings.data_dir), LEERSTROOM_DASHBOARD_PORT=str(port))
    child = subprocess.Popen([str(Path(sys.executable).parent / "leerstroom"), "dashboard"], env=env, cwd=folder)
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", child)
        yield Served(org, f"http://127.0.0.1:{port}/")
    finally:
        child.send_signal(signal.SIGTERM)
        exit_code = child.wait(timeout=30)
    # SIGTERM reached Streamlit through `leerstroom dashboard`, which then ended on its own.
    assert exit_code in (0, -signal.SIGTERM, 128 + signal.SIGTERM)


def mart_value(org: OrgLake, sql: str) -> float:
    con = lake.connect(org.settings, snapshot=org.certified)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def wait_rendered(page: Page, title: str) -> None:
    """The page's heading is up and Streamlit has finished running the script (no spinner, status not 'running')."""
    page.locator('[data-testid="stHeading"]', has_text=title).first.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(300)


def sign_in(page: Page, url: str, role: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("textbox", name="User name").fill(f"{role.replace('_', '-')}-user")
    page.get_by_role("textbox", name="Password").fill(PASSWORDS[role])
    page.get_by_role("button", name="Sign in").click()
    wait_rendered(page, "Executive overview")


def open_from_sidebar(page: Page, title: str) -> None:
    page.locator('[data-testid="stSidebarNavLink"]', has_text=title).first.click()
    wait_rendered(page, title)


def page_report(page: Page) -> dict:
    return {
        "exceptions": page.locator('[data-testid="stException"]').count(),
        "errors": page.locator('[data-testid="stAlertContentError"]').count(),
        "metrics": dict(zip(page.locator('[data-testid="stMetricLabel"]').all_inner_texts(),
                            page.locator('[data-testid="stMetricValue"]').all_inner_texts())),
        "text": page.locator('[data-testid="stMain"]').inner_text(),
    }


@pytest.mark.browser
@pytest.mark.parametrize("role", ["executive", "hr_analyst", "admin"])
def test_every_page_in_a_real_browser_as_each_role(served: Served, role: str) -> None:
    org = served.org
    lci = mart_value(org, "SELECT lci FROM lake.marts.mart_lci_org_month ORDER BY month_start DESC LIMIT 1")
    statements = mart_value(org, "SELECT sum(statement_count) FROM lake.marts.mart_daily_activity")
    titles = COMMON_PAGES + (ADMIN_PAGES if role == "admin" else [])
    reports = {}
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            sign_in(page, served.url, role)
            for title in titles:
                open_from_sidebar(page, title)
                reports[title] = page_report(page)
                slug = title.lower().replace(" ", "-")
                page.screenshot(path=str(ARTIFACTS / f"dashboard-{role}-{slug}.png"), full_page=True)
            offered = set(page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts())
        finally:
            browser.close()

    for title, report in reports.items():
        assert report["exceptions"] == 0 and report["errors"] == 0, (role, title)
        assert f"Certified snapshot {org.certified}" in report["text"], (role, title)
    assert reports["Executive overview"]["metrics"]["Learning Culture Index"] == i18n.number(lci, "en", 1)
    assert reports["Daily activity"]["metrics"]["Statements"] == i18n.number(statements, "en")
    if role == "admin":
        assert set(ADMIN_PAGES) <= offered
    else:
        assert not set(ADMIN_PAGES) & offered
    risk_list_shown = "three strongest reasons" in reports["HR explorer"]["text"]
    assert risk_list_shown == (role == "hr_analyst")
