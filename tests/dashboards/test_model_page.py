"""The retention model page: served for real and opened in headless Debian chromium, and its link from the risk list.

The trained lake holds what a certified run publishes after the real risk step: the step trains on a
simulated features table (tests/transform/retention_rows.py, two years of monthly snapshots: long
enough for a backtest, which the generated organisation of the other dashboard tests is not) and
`publish_and_certify` copies its tables into a real lake, as `leerstroom transform` does.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd
import pytest
from playwright.sync_api import Page, sync_playwright

from dashboards import i18n
from leerstroom import lake
from leerstroom.settings import Settings
from tests.dashboards.app_session import create_users, open_page, sign_in
from tests.dashboards.browser_session import open_from_sidebar, served_dashboard
from tests.dashboards.browser_session import sign_in as browser_sign_in
from tests.dashboards.org_lake import OrgLake
from tests.fixtures import chromium
from tests.fixtures.data import REPO
from tests.transform.retention_rows import features_table, write_features
from transform.publish import RunRecord, publish_and_certify
from transform.risk import run_risk_step

ARTIFACTS = REPO / "test-artifacts"
TITLE = "Retention model"


@dataclass
class TrainedLake:
    settings: Settings
    certified: int


@pytest.fixture(scope="module")
def trained_lake(tmp_path_factory: pytest.TempPathFactory) -> TrainedLake:
    settings = Settings(data_dir=tmp_path_factory.mktemp("trained") / "data")
    write_features(settings, features_table())
    outcome = run_risk_step(settings)
    assert outcome.status == "validated", outcome.lines
    con = lake.connect(settings)
    try:
        run = RunRecord("model-page", datetime.now(timezone.utc), lake.current_snapshot(con))
        certified = publish_and_certify(
            con, settings, ["mart_retention_features", *outcome.tables], run, datetime.now(timezone.utc), {}
        )
    finally:
        con.close()
    create_users(settings)
    return TrainedLake(settings, certified)


def published(trained: TrainedLake, sql: str) -> pd.DataFrame:
    con = lake.connect(trained.settings, snapshot=trained.certified)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


@pytest.fixture(scope="module")
def served(trained_lake: TrainedLake, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served_dashboard(trained_lake.settings, tmp_path_factory.mktemp("browser")) as (url, exit_code):
        yield url
    assert exit_code[0] in (0, -signal.SIGTERM, 128 + signal.SIGTERM)


def open_model_page(page: Page, url: str, role: str) -> dict:
    browser_sign_in(page, url, role)
    offered = page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()
    if TITLE not in offered:
        return {"offered": offered}
    open_from_sidebar(page, TITLE)
    page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first.wait_for()
    page.wait_for_timeout(300)  # charts paint just after the script finishes; let the screenshot show them
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{role}-retention-model.png"), full_page=True)
    return {
        "offered": offered,
        "exceptions": page.locator('[data-testid="stException"]').count(),
        "errors": page.locator('[data-testid="stAlertContentError"]').count(),
        "metrics": dict(
            zip(
                page.locator('[data-testid="stMetricLabel"]').all_inner_texts(),
                page.locator('[data-testid="stMetricValue"]').all_inner_texts(),
            )
        ),
        "charts": page.locator('[data-testid="stVegaLiteChart"]').count(),
        "text": page.locator('[data-testid="stMain"]').inner_text(),
    }


@pytest.mark.browser
def test_model_page_in_a_real_browser_shows_figures_intervals_calibration_and_caveat(
    served: str, trained_lake: TrainedLake
) -> None:
    pooled = published(trained_lake, "SELECT * FROM lake.marts.retention_backtest WHERE scope = 'pooled'").iloc[0]
    model = published(trained_lake, "SELECT * FROM lake.marts.retention_model_metrics").iloc[0]
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            reports = {
                role: open_model_page(browser.new_page(viewport={"width": 1440, "height": 1000}), served, role)
                for role in ("hr_analyst", "admin", "executive")
            }
        finally:
            browser.close()

    assert TITLE not in reports["executive"]["offered"]
    for role in ("hr_analyst", "admin"):
        report = reports[role]
        text = re.sub(r"\s+", " ", report["text"])
        assert report["exceptions"] == 0 and report["errors"] == 0, role
        assert f"Certified snapshot {trained_lake.certified}" in text
        # The figures with their intervals, as the lake holds them.
        assert report["metrics"]["ROC-AUC, pooled"] == i18n.number(pooled["roc_auc"], "en", 3)
        interval = (
            f"{i18n.number(pooled['roc_auc'], 'en', 3)} [{i18n.number(pooled['roc_auc_low'], 'en', 3)}, "
            f"{i18n.number(pooled['roc_auc_high'], 'en', 3)}]"
        )
        assert interval in text
        assert report["metrics"]["Brier skill, pooled"] == i18n.percent(pooled["brier_skill"], "en", 1)
        # The data window, when it was trained, the calibration chart and the features' contributions.
        assert f"Month-end snapshots from {i18n.month(model['first_snapshot_date'], 'en')}" in text
        assert "Last trained" in report["metrics"]
        assert report["charts"] >= 2 and "Calibration: predicted against observed" in text
        assert "What each feature contributes" in text and "days since last statement" in text
        assert "only show that the model recovers the generator's signal" in text
        assert "at least 3× the usual rate" in text or "from 3.0× that" in text


def test_risk_list_links_to_the_model_page(org_lake: OrgLake, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEERSTROOM_DATA_DIR", str(org_lake.settings.data_dir))
    at = open_page(sign_in(org_lake.settings, "hr_analyst"), "explorer")

    links = list(at.get("page_link"))
    assert not at.exception
    assert [link.proto.label for link in links] == [i18n.text("en", "model.link")]
    # Resolved to the page registered in the analyst's navigation (an unknown page would have no script hash).
    assert links[0].proto.page == "retention-model" and links[0].proto.page_script_hash


def test_too_short_a_history_is_said_and_no_figure_is_shown(org_lake: OrgLake, monkeypatch: pytest.MonkeyPatch) -> None:
    # The generated organisation has four months: no snapshot has its 180 days after it known yet.
    monkeypatch.setenv("LEERSTROOM_DATA_DIR", str(org_lake.settings.data_dir))
    at = sign_in(org_lake.settings, "hr_analyst")
    at = at.switch_page("views/retention_model.py").run()

    warnings = " ".join(warning.value for warning in at.warning)
    assert not at.exception
    assert "Nobody is scored yet. Not validated:" in warnings
    assert not any(metric.label.startswith(("ROC-AUC", "PR-AUC", "Brier")) for metric in at.metric)
    assert "only show that the model recovers the generator's signal" in " ".join(info.value for info in at.info)


def test_executives_do_not_get_the_model_page(org_lake: OrgLake, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEERSTROOM_DATA_DIR", str(org_lake.settings.data_dir))
    at = sign_in(org_lake.settings, "executive")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/retention_model.py").run()
