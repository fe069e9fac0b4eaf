"""One generated organisation in a real lake, built once for every dashboard test module (it takes two transforms)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.dashboards.app_session import create_users
from tests.dashboards.org_lake import OrgLake, build_org_lake
from tests.fixtures import chromium


@pytest.fixture(scope="session")
def org_lake(tmp_path_factory: pytest.TempPathFactory) -> OrgLake:
    """Shared and only added to (audit events), never changed: a test that changes the lake copies it first."""
    built = build_org_lake(tmp_path_factory.mktemp("org") / "data")
    create_users(built.settings)
    return built


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Headless Debian chromium for one test."""
    with sync_playwright() as playwright:
        launched = chromium.launch(playwright)
        try:
            yield launched
        finally:
            launched.close()
