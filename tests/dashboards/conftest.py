"""One generated organisation in a real lake, built once for every dashboard test module (it takes two transforms)."""

from __future__ import annotations

import pytest

from tests.dashboards.app_session import create_users
from tests.dashboards.org_lake import OrgLake, build_org_lake


@pytest.fixture(scope="session")
def org_lake(tmp_path_factory: pytest.TempPathFactory) -> OrgLake:
    """Shared and only added to (audit events), never changed: a test that changes the lake copies it first."""
    built = build_org_lake(tmp_path_factory.mktemp("org") / "data")
    create_users(built.settings)
    return built
