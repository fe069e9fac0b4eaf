"""`leerstroom dashboard` served for real on a generated organisation and opened in headless Debian chromium.

One server for the module; each role signs in through the form in its own browser
context and opens every page it is offered from the sidebar, as a person would.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, sync_playwright

from dashboards import i18n
from leerstroom import lake
from tests.dashboards.browser_session import (
    ADMIN_PAGES,
    COMMON_PAGES,
    open_from_sidebar,
    served_dashboard,
    sign_in,
)
from tests.dashboards.org_lake import OrgLake
from tests.fixtures import chromium
from tests.fixtures.data import REPO

ARTIFACTS = REPO / "test-artifacts"


@dataclass
class Served:
    org: OrgLake
    url: str


@pytest.fixture(scope="module")
def served(org_lake: OrgLake, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served_dashboard(org_lake.settings, tmp_path_factory.mktemp("browser")) as (url, exit_code):
        yield Served(org_lake, url)
    # SIGTERM reached Streamlit through `leerstroom dashboard`, which then ended on its own.
    assert exit_code[0] in (0, -signal.SIGTERM, 128 + signal.SIGTERM)


def mart_value(org: OrgLake, sql: str) -> float:
    con = lake.connect(org.settings, snapshot=org.certified)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


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
    # The headline is the last complete month.
    lci = mart_value(org, "SELECT lci FROM lake.marts.mart_lci_org_month WHERE is_complete "
                          "ORDER BY month_start DESC LIMIT 1")
    statements = mart_value(org, "SELECT sum(statement_count) FROM lake.marts.mart_daily_activity")
    titles = COMMON_PAGES + (ADMIN_PAGES if role == "admin" else [])
    reports = {}
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            sign_in(page, served.url, role)
            for title in titles:
                open_from_sidebar(page, title)
                reports[title] = page_report(page)
                page.wait_for_timeout(300)  # charts paint just after the script finishes; let the screenshot show them
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
