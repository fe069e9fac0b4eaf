"""`leerstroom dashboard` served for real on a generated organisation and opened in headless Debian chromium.

One server for the module. Each role signs in through the form in its own browser context,
walks every route of the role matrix in docs/dashboards.md (the ones it may open from the
sidebar, the others by typing their URL), and clicks every download on every page it opens.
"""

from __future__ import annotations

import io
import re
import signal
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page

from dashboards import audit, i18n
from dashboards.roles import ROLES
from dashboards.routes import ROUTES
from leerstroom import lake
from tests.dashboards.app_session import PASSWORDS, PERSON_COLUMNS
from tests.dashboards.browser_session import open_from_sidebar, served_dashboard, sign_in, wait_rendered
from tests.dashboards.org_lake import OrgLake
from tests.fixtures.data import REPO

ARTIFACTS = REPO / "test-artifacts"
GROUP_SIZES = ("headcount", "people", "learners")


@dataclass(frozen=True)
class MatrixRow:
    path: str
    title: str
    roles: frozenset[str]


def role_matrix() -> list[MatrixRow]:
    """The route table under "## Role matrix" in docs/dashboards.md."""
    text = (REPO / "docs" / "dashboards.md").read_text()
    section = text.split("## Role matrix", 1)[1].split("\n## ", 1)[0]
    header, rows = None, []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[:2] == ["Route", "Page"]:
            header = cells
        elif header and line.startswith("| `/"):
            rows.append(
                MatrixRow(
                    cells[0].strip("`/"),
                    cells[1],
                    frozenset(role for role, mark in zip(header[2:], cells[2:]) if mark == "✓"),
                )
            )
        elif header and rows and not line.startswith("|"):
            break
    return rows


@dataclass
class Served:
    org: OrgLake
    url: str


@dataclass
class Walk:
    reports: dict[str, dict] = field(default_factory=dict)
    offered: set[str] = field(default_factory=set)
    downloads: list[tuple[str, str, pd.DataFrame, str]] = field(default_factory=list)  # route, file, rows, url
    refused_by_url: dict[str, str] = field(default_factory=dict)  # route -> the main area's text after sign-in
    table_controls: dict[str, list[str]] = field(default_factory=dict)  # route -> its first table's toolbar buttons


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
        "metrics": dict(
            zip(
                page.locator('[data-testid="stMetricLabel"]').all_inner_texts(),
                page.locator('[data-testid="stMetricValue"]').all_inner_texts(),
            )
        ),
        "text": page.locator('[data-testid="stMain"]').inner_text(),
    }


def fetch_status(url: str) -> int:
    """What a fresh client without the reader's cookie or session gets for a URL."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


def download_everything(page: Page, route: str, walk: Walk) -> None:
    """Click every download button on the page, as a reader would, and keep what arrives."""
    buttons = page.locator('[data-testid="stDownloadButton"] button')
    for index in range(buttons.count()):
        with page.expect_download(timeout=60_000) as arrived:
            buttons.nth(index).click()
        download = arrived.value
        content = Path(download.path()).read_bytes()
        if download.suggested_filename.endswith(".pdf"):  # the monthly briefing: a page, not a table
            assert content.startswith(b"%PDF"), download.suggested_filename
            rows = pd.DataFrame()
        else:
            rows = pd.read_csv(io.StringIO(content.decode("utf-8")))
        walk.downloads.append((route, download.suggested_filename, rows, download.url))


def table_controls(page: Page) -> list[str] | None:
    """The buttons a reader gets on hovering the page's first table (None: no table on the page)."""
    tables = page.locator('[data-testid="stDataFrame"]')
    if tables.count() == 0:
        return None
    tables.first.hover()
    toolbar = page.locator('[data-testid="stElementToolbar"] button')
    toolbar.first.wait_for(timeout=10_000)
    return toolbar.evaluate_all("buttons => buttons.map(b => b.getAttribute('aria-label') || b.textContent)")


def walk_as(browser: Browser, served: Served, role: str, matrix: list[MatrixRow]) -> Walk:
    walk = Walk()
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, served.url, role)
    walk.offered = set(page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts())
    for row in matrix:
        if role not in row.roles:
            continue
        open_from_sidebar(page, row.title)
        walk.reports[row.path] = page_report(page)
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{role}-{row.path}.png"), full_page=True)
        download_everything(page, row.path, walk)
        controls = table_controls(page)
        if controls is not None:
            walk.table_controls[row.path] = controls
    context.close()
    for row in matrix:
        if role in row.roles:
            continue
        # Typed straight into a fresh browser: the sign-in form, and after it anything but that page.
        stranger = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = stranger.new_page()
        page.goto(served.url + row.path, wait_until="domcontentloaded")
        wait_rendered(page, "Sign in")
        assert page.locator('[data-testid="stSidebarNavLink"]').count() == 0, "pages listed before sign-in"
        # Before sign-in no page but the form exists: Streamlit says so in a dialog, which the reader closes.
        dialog = page.get_by_role("dialog")
        dialog.wait_for(timeout=30_000)
        assert "Page not found" in dialog.inner_text()
        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden", timeout=30_000)
        page.get_by_role("textbox", name="User name").fill(f"{role.replace('_', '-')}-user")
        page.get_by_role("textbox", name="Password").fill(PASSWORDS[role])
        page.get_by_role("button", name="Sign in").click()
        wait_rendered(page, "Executive overview")
        walk.refused_by_url[row.path] = " ".join(page.locator('[data-testid="stHeading"]').all_inner_texts())
        stranger.close()
    return walk


def test_the_role_matrix_in_the_docs_is_the_one_the_dashboards_enforce() -> None:
    documented = {row.path: (row.title, row.roles) for row in role_matrix()}
    enforced = {route.path: (i18n.text("en", route.title_key), route.roles) for route in ROUTES}
    assert documented == enforced


@pytest.mark.browser
@pytest.mark.parametrize("role", ROLES)
def test_every_route_and_download_as_each_role_against_the_role_matrix(
    served: Served, browser: Browser, role: str
) -> None:
    org, k, matrix = served.org, served.org.settings.privacy_k, role_matrix()
    # The headline is the last complete month.
    lci = mart_value(
        org, "SELECT lci FROM lake.marts.mart_lci_org_month WHERE is_complete ORDER BY month_start DESC LIMIT 1"
    )
    statements = mart_value(org, "SELECT sum(statement_count) FROM lake.marts.mart_daily_activity")
    ARTIFACTS.mkdir(exist_ok=True)
    name = f"{role.replace('_', '-')}-user"
    audited_before = audit.recent(org.settings, limit=100_000)

    walk = walk_as(browser, served, role, matrix)

    allowed = {row.title for row in matrix if role in row.roles}
    assert walk.offered == allowed
    for path, report in walk.reports.items():
        assert report["exceptions"] == 0 and report["errors"] == 0, (role, path)
        assert f"Certified snapshot {org.certified}" in report["text"], (role, path)
    assert walk.reports["overview"]["metrics"]["Learning Culture Index"] == i18n.number(lci, "en", 1)
    assert walk.reports["activity"]["metrics"]["Statements"] == i18n.number(statements, "en")
    assert ("three strongest reasons" in walk.reports["explorer"]["text"]) == (role == "hr_analyst")
    for path, headings in walk.refused_by_url.items():
        title = next(row.title for row in matrix if row.path == path)
        assert title not in headings and "Executive overview" in headings, (role, path, headings)

    # Downloads: what the page shows, suppressed the same way; about people only for analysts; each one audited.
    assert walk.downloads, "every role has tables to download"
    files = {file for _route, file, _rows, _url in walk.downloads}
    assert ("retention_risk.csv" in files) == (role == "hr_analyst")
    assert ("audit.csv" in files) == (role == "admin")
    assert any(re.fullmatch(r"briefing-\d{4}-\d\d-en\.pdf", file) for file in files), "the overview's briefing"
    for route, file, rows, _url in walk.downloads:
        if role != "hr_analyst" and file != "audit.csv":
            assert not PERSON_COLUMNS & set(rows.columns), (role, route, file)
            for column in set(GROUP_SIZES) & set(rows.columns):
                assert (rows[column].dropna() >= k).all(), (role, route, file, column)
    audited = audit.recent(org.settings, limit=100_000)
    new = audited.iloc[: len(audited) - len(audited_before)]
    made = new[(new["user_name"] == name) & (new["action"] == "download")]
    assert sorted(made["dataset"]) == sorted(Path(file).stem for _route, file, _rows, _url in walk.downloads)

    # A table's own toolbar offers no export: a table leaves only through the audited downloads above.
    assert walk.table_controls, "the walk met tables"
    for route, controls in walk.table_controls.items():
        assert "Fullscreen" in controls and "Download as CSV" not in controls, (role, route, controls)

    # Served once, to that click: the same URL from a fresh client, without the reader's cookie, gets nothing.
    for _route, file, _rows, url in walk.downloads:
        assert re.search(r"/media/[^/]+$", url), url
        assert fetch_status(url) == 404, (role, file)
